"""Routing's command line.

    python -m routing serve                       the Faust worker
    python -m routing decide < in.jsonl > out.jsonl
    python -m routing evaluate FILE.jsonl
    python -m routing train FILE.jsonl [...] [--oversampled FILE ...]  retrain the category model, report the change
    python -m routing export-corrections OUT.jsonl   staff reassignments from the archive, as training data
    python -m routing shadow --rules NEW.yaml [--model NEW.json]   replay received complaints, count changes
    python -m routing compare OLD.jsonl NEW.jsonl  count changed decisions between two decide outputs
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else ""
    if command == "serve":
        return serve()
    if command in ("shadow", "export-corrections"):
        from . import replay

        return replay.main(argv)
    from . import cli

    return cli.main(argv)


def serve() -> int:
    from complaints_shared.entry import serve_worker

    from .bootstrap import bootstrap
    from .settings import RoutingSettings

    return serve_worker(RoutingSettings(), lambda settings: bootstrap(settings).app)


if __name__ == "__main__":
    raise SystemExit(main())
