"""`python -m archive serve` runs the all-topics consumer and the read API."""

from __future__ import annotations

from complaints_shared.entry import command_line, serve_http

from .bootstrap import bootstrap
from .settings import ArchiveSettings


def main(argv: list[str] | None = None) -> int:
    command_line("archive", "Complaint archive service", "consume every topic into MongoDB and serve the read API", argv)
    return serve_http(ArchiveSettings(), bootstrap, grace_seconds=20)


if __name__ == "__main__":
    raise SystemExit(main())
