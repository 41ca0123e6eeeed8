"""`python -m archive serve` runs the all-topics consumer and the read API."""

from __future__ import annotations

import argparse

import uvicorn

from complaints_shared.logging import configure_logging

from .bootstrap import bootstrap
from .settings import ArchiveSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="archive", description="Complaint archive service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="consume every topic into MongoDB and serve the read API")
    parser.parse_args(argv)
    settings = ArchiveSettings()
    configure_logging(service="archive", level=settings.log_level, fmt=settings.log_format)
    uvicorn.run(bootstrap(settings), host=settings.host, port=settings.port, log_config=None, timeout_graceful_shutdown=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
