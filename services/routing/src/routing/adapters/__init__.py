"""Routing's adapters to other services."""
