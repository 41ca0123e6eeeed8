"""Measuring routing decisions on labelled sets (outside the pure domain): leave-one-industry-out
evaluation and coverage at a precision target."""
