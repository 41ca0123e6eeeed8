"""`python -m notification serve` runs the Faust worker (deadline watch and escalations)."""

from __future__ import annotations

from complaints_shared.entry import command_line, serve_worker

from .bootstrap import bootstrap
from .settings import NotificationSettings


def main(argv: list[str] | None = None) -> int:
    command_line("notification", "Deadline watch, escalation ladder and notices", "run the Faust worker", argv)
    return serve_worker(NotificationSettings(), lambda settings: bootstrap(settings).app)


if __name__ == "__main__":
    raise SystemExit(main())
