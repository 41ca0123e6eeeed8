"""Intake's adapters: the bounded publisher and the idempotency store."""
