"""`python -m intake serve` runs the HTTP API and the raw-topic consumer."""

from __future__ import annotations

import argparse

import uvicorn

from complaints_shared.logging import configure_logging

from .bootstrap import bootstrap
from .settings import IntakeSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="intake", description="Complaint intake service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the HTTP API and the raw-topic consumer")
    parser.parse_args(argv)
    settings = IntakeSettings()
    configure_logging(service="intake", level=settings.log_level, fmt=settings.log_format)
    uvicorn.run(bootstrap(settings), host=settings.host, port=settings.port, log_config=None, timeout_graceful_shutdown=15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
