"""archive service."""
