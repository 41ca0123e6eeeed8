"""archive's command line.

    python -m archive serve                          the all-topics consumer and the read API
    python -m archive rebuild --database NAME        replay every topic into an empty database, then apply the erasures again
                                                     (those of the erasures topic and of the live database)
    python -m archive rebuild --database NAME --erasures-only   apply the erasures topic's and the live database's erasures to NAME again
"""

from __future__ import annotations

import sys

from complaints_shared.entry import command_line, serve_http


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["rebuild"]:
        from . import rebuild

        return rebuild.main(argv[1:])
    command_line("archive", "Complaint archive service", "consume every topic into MongoDB and serve the read API", argv)
    from .bootstrap import bootstrap
    from .settings import ArchiveSettings

    return serve_http(ArchiveSettings(), bootstrap, grace_seconds=20)


if __name__ == "__main__":
    raise SystemExit(main())
