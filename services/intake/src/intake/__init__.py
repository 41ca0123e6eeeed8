"""intake service."""
