"""Notification's domain: the deadline watch and the escalation ladder. No I/O."""
