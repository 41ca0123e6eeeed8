"""Measuring routing decisions on labelled sets (outside the pure domain): leave-one-industry-out
evaluation, coverage at a precision target, and the metrics they share (`metrics`). Training
the model is `routing.training`."""
