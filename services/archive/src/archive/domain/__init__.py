"""Archive's domain: how events project onto a case document. No I/O."""
