"""`python -m notification serve` runs the Faust worker (deadline watch and escalations)."""

from __future__ import annotations

import argparse
import asyncio

from complaints_shared import kafka
from complaints_shared.logging import configure_logging
from complaints_shared.streams import run_worker

from .bootstrap import bootstrap
from .settings import NotificationSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="notification", description="Deadline watch, escalation ladder and notices")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the Faust worker")
    parser.parse_args(argv)
    settings = NotificationSettings()
    configure_logging(service="notification", level=settings.log_level, fmt=settings.log_format)
    if settings.create_topics:
        # Faust ignores a source topic that doesn't exist: create ours before it subscribes.
        asyncio.run(kafka.ensure_topics(settings))
    run_worker(bootstrap(settings).app, loglevel=settings.log_level)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
