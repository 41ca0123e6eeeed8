"""Intake's domain: turning what a channel delivered into a recorded complaint. No I/O."""
