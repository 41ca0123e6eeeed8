"""The fault harness's short form: about 300 complaints while each fault happens once (every
service killed and restarted, the broker and the store killed and restarted, archive and
routing frozen past their session timeouts). Nothing acknowledged may be lost or doubled.
The long form is `make faults` (tests/faults/harness.py); docs/reliability.md explains both."""

from __future__ import annotations

import pytest
from faults.harness import Config, run

pytestmark = pytest.mark.integration


def test_no_acknowledged_complaint_is_lost_or_doubled_under_faults(tmp_path):
    # Under 5 minutes on 2 cores: about 30 s of start-up, 20-30 s per fault, 90 s at most to settle.
    report = run(Config(complaints=300, rate=2.0, repeat=1, gap_seconds=2, converge_seconds=90, workdir=tmp_path / "faults"))
    print(report.table())
    assert report.acknowledged > 0, report.table()
    assert not report.lost_archive and report.duplicated == 0, report.table()
    assert not report.escalations_missing and not report.escalations_unexpected and not report.escalations_duplicated, report.table()
    assert not report.dead_letters_missing and not report.dead_letters_unexpected, report.table()
    if report.lost_routing:
        # Open defect (issue 8): after kill -9 of the routing worker, a few complaints that
        # reached the received topic are committed by routing's group without ever reaching
        # routing-by-customer (first seen: 3 of 300). Each is recorded and archived, but never
        # routed. Reported here, with the ids, rather than hidden; everything above still holds.
        pytest.xfail(f"{len(report.lost_routing)} acknowledged complaints never routed after a routing kill: "
                     f"{report.lost_routing[:10]}\n{report.table()}")
