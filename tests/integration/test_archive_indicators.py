"""The method's indicators of a known scenario, worked out by hand, from the roll-ups on a real
MongoDB-wire store; every event delivered twice, in shuffled batches."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from archive.entrypoints.http import create_app
from complaints_shared import events as ev
from complaints_shared.web import bearer_auth

pytestmark = pytest.mark.integration
DAY1 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
DAY4 = datetime(2026, 11, 5, 8, 0, tzinfo=UTC)


class Case:
    """Builds one case's events; times in hours after its reception."""

    def __init__(self, case_id: str, received_at: datetime, *, channel: str = "email") -> None:
        self.case_id, self.t0, self.events = case_id, received_at, []
        self._add(ev.ComplaintReceived(case_id=case_id, channel=channel, text="text", received_at=received_at), 0)

    def _add(self, data: ev.Contract, hours: float) -> Case:
        self.events.append(ev.envelope(data, source="/t", event_id=f"{self.case_id}-{len(self.events)}",
                                       time=self.t0 + timedelta(hours=hours)))
        return self

    def routed(self, department: str, category: str, priority: str, *, validity: str = "valid", reply_rule: bool = False,
               related_case_id: str | None = None) -> Case:
        at = lambda h: self.t0 + timedelta(hours=h)  # noqa: E731
        deadlines = ev.Deadlines(acknowledge_by=at(24), resolve_by=at(120), department_reply_by=at(24) if reply_rule else None)
        return self._add(ev.ComplaintRouted(case_id=self.case_id, received_event_id="r", validity=validity, category=category,
                                            department=department, priority=priority, confidence=0.9, rules_version="t",
                                            routed_at=at(0.01), deadlines=deadlines, related_case_id=related_case_id), 0.01)

    def act(self, model, hours: float, **fields) -> Case:
        return self._add(model(case_id=self.case_id, actor="agent", at=self.t0 + timedelta(hours=hours), **fields), hours)

    def escalated(self, level: str, hours: float) -> Case:
        at = self.t0 + timedelta(hours=hours)
        return self._add(ev.CaseEscalated(case_id=self.case_id, level=level, deadline="acknowledge", due_at=at, department="quality",
                                          escalated_at=at), hours)

    def through_resolution(self, cause_at: float, resolved_at: float, *, note_at: float | None = None, cause: str = "seal") -> Case:
        if note_at is not None:
            self.act(ev.CaseNoteAdded, note_at, note="called the customer")
        return (self.act(ev.CauseFound, cause_at, cause=cause).act(ev.RemedyProposed, cause_at + 1, remedy="replace")
                .act(ev.RemedyApproved, cause_at + 2).act(ev.CaseResolved, resolved_at, resolution="replaced"))


def scenario() -> list[ev.Event]:
    quality = dict(department="quality", category="product_quality", priority="P2", reply_rule=True)
    cases = [
        # A: acknowledged after 2 h, the cause (the departmental reply) after 10 h, resolved after 30 h: all in time; 5 stars.
        Case("A", DAY1).routed(**quality).act(ev.CaseAcknowledged, 2).through_resolution(10, 30)
        .act(ev.SatisfactionRecorded, 40, score=5).act(ev.CaseClosed, 41),
        # B: acknowledged after 30 h (late, escalated), replied with a note after 40 h (late), resolved after 130 h (late); 2 stars.
        Case("B", DAY1 + timedelta(hours=1)).routed(**quality).escalated("supervisor", 24).act(ev.CaseAcknowledged, 30)
        .through_resolution(41, 130, note_at=40).act(ev.SatisfactionRecorded, 140, score=2).act(ev.CaseClosed, 141),
        # C: logistics by SMS, no reply rule, acknowledged after 5 h, nothing since.
        Case("C", DAY1 + timedelta(hours=2), channel="sms").routed("logistics", "delivery", "P3").act(ev.CaseAcknowledged, 5),
        # D: never acknowledged; escalated twice (one escalated case).
        Case("D", DAY1 + timedelta(hours=3)).routed(**quality).escalated("supervisor", 24).escalated("manager", 48),
        # E: spam: recorded, not received.
        Case("E", DAY1 + timedelta(hours=4)).routed(**quality, validity="spam"),
        # G: routed to quality, reassigned to logistics/delivery, acknowledged after 3 h: counts in logistics.
        Case("G", DAY1 + timedelta(hours=5)).routed(**quality)
        .act(ev.CaseReassigned, 1, department="logistics", category="delivery").act(ev.CaseAcknowledged, 3),
        # F (day 2): the customer of C again (a repeat); acknowledged after 1 h, its cause a thermostat (written with
        # a full-width letter and stray spaces), resolved after 20 h, reopened after 40 h: not resolved any more.
        Case("F", DAY2, channel="web").routed("logistics", "delivery", "P3", related_case_id="C").act(ev.CaseAcknowledged, 1)
        .through_resolution(5, 20, cause=" Ｔhermostat  failed ").act(ev.CaseReopened, 40, reason="leaks again"),
        # H: received after the range asked for.
        Case("H", DAY4).routed(**quality).act(ev.CaseAcknowledged, 1),
        # A forbidden update (resolved before anything): kept and flagged, counted nowhere.
        Case("I", DAY1 + timedelta(hours=6)).routed(**quality).act(ev.CaseResolved, 2, resolution="too early"),
    ]
    return [event for case in cases for event in case.events]


# Worked out by hand over days 1 and 2 (H left out):
# received (valid) A B C D G F I = 7, recorded 8 (E spam), acknowledged A B C G F = 5;
# in time (<= 24 h) A 2 h, C 5 h, G 3 h, F 1 h; B 30 h late -> 4 / 5.
# reply rule (quality when routed): A B D G I = 5 due; only A replied in time (B's note came after 40 h) -> 1 / 5.
# resolved: A, B (F reopened since) = 2 -> 2 / 7; in time (<= 120 h): A -> 1 / 2.
# satisfaction 5 and 2 -> mean 3.5 of 2; escalated B, D = 2; reopened F = 1.
# time to acknowledge 1, 2, 3, 5, 30 h -> buckets <=1, <=2, <=4, <=8, <=48: p50 (3rd) 4 h, p90 (5th) 48 h.
# time to resolve A 30 h, B 130 h -> <=48, <=168: p50 (1st) 48 h, p90 (2nd) 168 h.
# repeats: F (related to C) -> 1 / 7. causes: A, B seal; F "Thermostat failed" (NFKC, spaces collapsed).
TOP_CAUSES = [{"cause": "seal", "cases": 2}, {"cause": "Thermostat failed", "cases": 1}]
TOTAL = {
    "recorded": 8, "received": 7, "rejected": 1, "duplicates": 0, "acknowledged": 5, "resolved": 2,
    "answer_rate": round(5 / 7, 4), "resolution_rate": round(2 / 7, 4), "on_time_acknowledge_rate": 0.8, "on_time_reply_rate": 0.2,
    "on_time_resolve_rate": 0.5, "satisfaction_mean": 3.5, "satisfaction_count": 2, "escalated": 2, "escalation_rate": round(2 / 7, 4),
    "reopened": 1, "reopen_rate": round(1 / 7, 4), "time_to_acknowledge_p50_hours": 4, "time_to_acknowledge_p90_hours": 48,
    "time_to_resolve_p50_hours": 48, "time_to_resolve_p90_hours": 168, "repeats": 1, "repeat_rate": round(1 / 7, 4),
}
# logistics: C, G, F: all acknowledged in time (5, 3, 1 h), none resolved (F reopened), G's reply rule (from quality) missed.
LOGISTICS = {
    "key": "logistics", "recorded": 3, "received": 3, "rejected": 0, "duplicates": 0, "acknowledged": 3, "resolved": 0,
    "answer_rate": 1.0, "resolution_rate": 0.0, "on_time_acknowledge_rate": 1.0, "on_time_reply_rate": 0.0,
    "on_time_resolve_rate": None, "satisfaction_mean": None, "satisfaction_count": 0, "escalated": 0, "escalation_rate": 0.0,
    "reopened": 1, "reopen_rate": round(1 / 3, 4), "time_to_acknowledge_p50_hours": 4, "time_to_acknowledge_p90_hours": 8,
    "time_to_resolve_p50_hours": None, "time_to_resolve_p90_hours": None, "repeats": 1, "repeat_rate": round(1 / 3, 4),
}
# quality: A, B, D, I received and E spam; A and B acknowledged (2 h in time, 30 h late) and resolved (30 h in time, 130 h late).
QUALITY = {
    "key": "quality", "recorded": 5, "received": 4, "rejected": 1, "duplicates": 0, "acknowledged": 2, "resolved": 2,
    "answer_rate": 0.5, "resolution_rate": 0.5, "on_time_acknowledge_rate": 0.5, "on_time_reply_rate": 0.25,
    "on_time_resolve_rate": 0.5, "satisfaction_mean": 3.5, "satisfaction_count": 2, "escalated": 2, "escalation_rate": 0.5,
    "reopened": 0, "reopen_rate": 0.0, "time_to_acknowledge_p50_hours": 2, "time_to_acknowledge_p90_hours": 48,
    "time_to_resolve_p50_hours": 48, "time_to_resolve_p90_hours": 168, "repeats": 0, "repeat_rate": 0.0,
}


async def test_the_indicators_of_a_known_scenario_delivered_twice_out_of_order(repository):
    events = scenario()
    deliveries = events + events
    random.Random(9).shuffle(deliveries)
    for start in range(0, len(deliveries), 7):
        await repository.store_batch(deliveries[start : start + 7])

    by_department = await repository.indicators(first_day=date(2026, 11, 2), last_day=date(2026, 11, 3), group_by="department")
    assert by_department["total"] == TOTAL
    assert by_department["groups"] == [LOGISTICS, QUALITY]
    assert by_department["top_causes"] == TOP_CAUSES

    by_day = await repository.indicators(first_day=date(2026, 11, 2), last_day=date(2026, 11, 3), group_by="day")
    assert [(g["key"], g["recorded"], g["received"], g["acknowledged"], g["resolved"], g["reopened"]) for g in by_day["groups"]] == [
        ("2026-11-02", 7, 6, 4, 2, 0), ("2026-11-03", 1, 1, 1, 0, 1)]
    by_channel = await repository.indicators(first_day=date(2026, 11, 1), last_day=date(2026, 11, 30), group_by="channel")
    assert [(g["key"], g["recorded"]) for g in by_channel["groups"]] == [("email", 7), ("sms", 1), ("web", 1)]  # H included
    by_month = await repository.indicators(first_day=date(2026, 11, 1), last_day=date(2026, 11, 30), group_by="month")
    assert [(g["key"], g["received"]) for g in by_month["groups"]] == [("2026-11", 8)]

    flagged = await repository.get_case("I")
    assert flagged["status"] == "assigned" and "flagged" in flagged["timeline"][-1]

    # The same through the API.
    app = create_app(auth=bearer_auth(lambda: "k"), repository_dep=lambda: repository, readiness={}, max_page_size=10)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a", headers={"Authorization": "Bearer k"}) as http:
        answer = (await http.get("/v1/analytics/indicators", params={"from": "2026-11-02", "to": "2026-11-03", "group_by": "department"})).json()
    assert answer == {"from": "2026-11-02", "to": "2026-11-03", "group_by": "department", "total": TOTAL, "groups": [LOGISTICS, QUALITY],
                      "top_causes": TOP_CAUSES}


async def test_the_summaries_answer_as_the_fine_buckets_for_every_range_grouping_and_filter(repository):
    # Cases over two months, so ranges cut months at either end or hold whole ones.
    events = scenario()
    for n, day in enumerate((date(2026, 10, 30), date(2026, 10, 31), date(2026, 12, 1))):
        at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        events += Case(f"X{n}", at, channel=("sms", "web", "email")[n]).routed(("logistics", "quality")[n % 2], "delivery", "P3") \
            .act(ev.CaseAcknowledged, 30 * n + 1).through_resolution(2, 50, cause=f"cause {n % 2}").events
    await repository.store_batch(events)
    ranges = [(date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 10, 31), date(2026, 12, 1)), (date(2026, 11, 3), date(2026, 11, 5)),
              (date(2026, 10, 1), date(2026, 12, 31)), (date(2026, 11, 2), date(2026, 11, 2))]
    onlies = [{}, {"department": "logistics"}, {"channel": "email"}, {"department": "quality", "channel": "email"}]
    for first, last in ranges:
        for group_by in ("department", "category", "channel", "priority", "day", "month"):
            for only in onlies:
                query = dict(first_day=first, last_day=last, group_by=group_by, only=only)
                assert await repository.indicators(**query) == await repository.indicators(**query, use_summaries=False), query
