from datetime import UTC, datetime

from archive.domain.cases import CaseStatus, change_for
from complaints_shared import events as ev

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def routed(validity: ev.Validity) -> ev.Event:
    data = ev.ComplaintRouted(case_id="c", received_event_id="r", validity=validity, related_case_id="other", category="delivery",
                              department="logistics", priority=ev.Priority.P3, confidence=0.7, rules_version="1", routed_at=NOW)
    return ev.envelope(data, source="/r")


def test_routing_sets_the_route_and_a_guarded_status_by_validity():
    expected = {ev.Validity.VALID: CaseStatus.ASSIGNED, ev.Validity.DUPLICATE: CaseStatus.MERGED, ev.Validity.SPAM: CaseStatus.REJECTED}
    for validity, status in expected.items():
        change = change_for(routed(validity))
        assert change.guarded_status == status and change.status_from == (CaseStatus.RECEIVED,)
        assert change.set_fields["department"] == "logistics" and "status" not in change.set_fields


def test_staff_updates_move_the_status_and_stamp_times():
    ack = change_for(ev.envelope(ev.CaseAcknowledged(case_id="c", actor="a", at=NOW), source="/i"))
    assert ack.set_fields == {"status": "acknowledged", "acknowledged_at": NOW}
    moved = change_for(ev.envelope(ev.CaseReassigned(case_id="c", actor="a", at=NOW, department="billing", category="billing"), source="/i"))
    assert moved.set_fields == {"department": "billing", "category": "billing", "corrected": True}
    score = change_for(ev.envelope(ev.SatisfactionRecorded(case_id="c", actor="a", at=NOW, score=5), source="/i"))
    assert score.set_fields == {"status": "evaluated", "satisfaction": 5}


def test_timeline_entry_keeps_no_case_id_and_profiles_belong_to_no_case():
    change = change_for(ev.envelope(ev.CaseNoteAdded(case_id="c", actor="a", at=NOW, note="called back"), source="/i", event_id="e1"))
    assert change.timeline_entry["event_id"] == "e1" and "case_id" not in change.timeline_entry["data"]
    profile = ev.CustomerProfileUpdated(customer_id="k", updated_at=NOW)
    assert change_for(ev.envelope(profile, source="/crm")) is None
