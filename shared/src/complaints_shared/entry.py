"""The `serve` command every service has: logging first, then an HTTP app (uvicorn) or a Faust
worker, both stopping cleanly on SIGTERM after finishing the work in hand."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .logging import configure_logging
from .settings import ServiceSettings


def command_line(name: str, description: str, serve_help: str, argv: list[str] | None) -> None:
    parser = argparse.ArgumentParser(prog=name, description=description)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help=serve_help)
    parser.parse_args(argv)


def serve_http(settings: ServiceSettings, build_app: Callable[[Any], Any], *, grace_seconds: int = 15) -> int:
    import uvicorn

    configure_logging(service=settings.service_name, level=settings.log_level, fmt=settings.log_format)
    # No access log: configure_logging keeps uvicorn.access at WARNING or above, so its INFO lines
    # never show, but uvicorn would still build each one's arguments (and ask the logger) a request.
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=grace_seconds)
    return 0


def serve_worker(settings: ServiceSettings, build_app: Callable[[Any], Any]) -> int:
    from .streams import run_worker

    configure_logging(service=settings.service_name, level=settings.log_level, fmt=settings.log_format)
    # The app creates (or waits for) every topic it reads before its consumer joins the group
    # (streams.hold_until_topics_exist, wired in each worker's bootstrap).
    run_worker(build_app(settings), loglevel=settings.log_level)
    return 0
