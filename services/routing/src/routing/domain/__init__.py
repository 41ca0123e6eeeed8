"""Pure domain logic of the routing service: no I/O, no framework."""
