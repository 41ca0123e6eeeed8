"""The fault harness's short form: about 300 complaints while each fault happens once (every
service killed and restarted, the broker and the store killed and restarted, archive and
routing frozen past their session timeouts). Nothing acknowledged may be lost or doubled.
The long form is `make faults` (tests/faults/harness.py); docs/reliability.md explains both."""

from __future__ import annotations

import pytest
from faults.harness import Config, run

pytestmark = pytest.mark.integration


@pytest.mark.timeout(1500)  # runs for minutes by design; the default bound is for hangs
def test_no_acknowledged_complaint_is_lost_or_doubled_under_faults(tmp_path):
    # Under 5 minutes on 2 cores: about 30 s of start-up, 20-30 s per fault, 150 s at most to
    # settle: a partition Faust leaves out is repaired by the stall watch 60-75 s after it was
    # found holding records (STREAM_STALL_SECONDS, checked every 15 s), then routed and archived.
    report = run(Config(complaints=300, rate=2.0, repeat=1, gap_seconds=2, converge_seconds=150, workdir=tmp_path / "faults"))
    print(report.table())
    assert report.acknowledged > 0, report.table()
    assert not report.lost_archive and report.duplicated == 0, report.table()
    assert not report.escalations_missing and not report.escalations_unexpected and not report.escalations_duplicated, report.table()
    assert not report.dead_letters_missing and not report.dead_letters_unexpected, report.table()
    # Every acknowledged complaint routed too. Until 2026-12-04 a few were not (1-3 of 300 in
    # about half the runs): Faust's streams skipped records after a restart or a rejoin and
    # committed past them; records_of (shared/streams.py) now fetches and handles what a
    # stream skipped (docs/reliability.md).
    assert not report.lost_routing, report.table()
