"""`python -m intake serve` runs the HTTP API and the raw-topic consumer."""

from __future__ import annotations

from complaints_shared.entry import command_line, serve_http

from .bootstrap import bootstrap
from .settings import IntakeSettings


def main(argv: list[str] | None = None) -> int:
    command_line("intake", "Complaint intake service", "run the HTTP API and the raw-topic consumer", argv)
    return serve_http(IntakeSettings(), bootstrap)


if __name__ == "__main__":
    raise SystemExit(main())
