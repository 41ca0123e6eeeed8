"""Event contracts and plumbing shared by every service."""
