"""routing.handlers: the whole decision for one complaint, with the real domain (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from complaints_shared import events as ev
from routing import handlers
from routing.bootstrap import build_engine
from routing.domain.customers import CustomerDirectory
from routing.settings import RoutingSettings

MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


@pytest.fixture(scope="module")
def engine() -> handlers.RoutingEngine:
    return build_engine(RoutingSettings())


def received(case_id: str, text: str, *, channel=ev.Channel.EMAIL, at=MONDAY_10, **contact) -> ev.Event:
    data = ev.ComplaintReceived(case_id=case_id, channel=channel, text=text, received_at=at, customer=ev.CustomerContact(**contact))
    return ev.envelope(data, source="/t", event_id=f"rcv-{case_id}")


STANDARD = handlers.Recognised("email:a@example.com", None, ev.CustomerTier.STANDARD, None)


def test_ordinary_complaint_gets_department_deadlines_and_an_explanation(engine):
    routed, case = handlers.route(received("c1", "The courier threw my parcel over the fence and the box was crushed."), STANDARD, engine=engine, history=[], now=MONDAY_10)
    assert routed.validity == ev.Validity.VALID
    assert routed.department == "logistics"
    assert routed.deadlines.acknowledge_by > MONDAY_10
    steps = {item.step for item in routed.explanation}
    assert {"validity", "customer", "category", "priority", "deadline"} <= steps
    assert case.case_id == "c1" and case.category == routed.category


def test_quality_complaints_get_a_departmental_reply_deadline(engine):
    routed, _ = handlers.route(received("q1", "The yoghurt was mouldy and smelled sour although the date was fine."), STANDARD, engine=engine, history=[], now=MONDAY_10)
    assert routed.category == "product_quality"
    assert routed.deadlines.department_reply_by is not None
    assert routed.deadlines.department_reply_by <= routed.deadlines.resolve_by


def test_second_complaint_on_the_same_matter_is_a_repeat_p2(engine):
    first, case = handlers.route(received("r1", "I was charged twice for my monthly plan in October."), STANDARD, engine=engine, history=[], now=MONDAY_10)
    later = MONDAY_10 + timedelta(days=40)  # beyond the follow-up window, still on record
    second, _ = handlers.route(received("r2", "My bill shows a wrong extra charge this month.", at=later), STANDARD, engine=engine, history=[case], now=later)
    assert first.priority == ev.Priority.P3
    assert second.category == "billing"
    assert second.priority == ev.Priority.P2
    assert any(item.rule == "priority.repeat_history" for item in second.explanation)


def test_spam_gets_no_deadlines(engine):
    spam = "恭喜您中奖了！点击链接领取大奖 http://x.example/a http://x.example/b 加微信领取 网上赌场 博彩"
    routed, _ = handlers.route(received("s1", spam, channel=ev.Channel.SMS), STANDARD, engine=engine, history=[], now=MONDAY_10)
    assert routed.validity == ev.Validity.SPAM
    assert routed.deadlines is None


def test_recognise_prefers_the_crm_profile_and_its_tier():
    directory = CustomerDirectory({})
    directory.ingest(ev.CustomerProfileUpdated(customer_id="K-9", tier=ev.CustomerTier.KEY_ACCOUNT, emails=("boss@corp.example",), updated_at=MONDAY_10))
    known = handlers.recognise(received("k1", "x", email="Boss@Corp.example").data, directory=directory)
    assert (known.customer_id, known.tier, known.customer_key) == ("K-9", ev.CustomerTier.KEY_ACCOUNT, "customer:K-9")
    stranger = handlers.recognise(received("k2", "x", phone="+8613800000001").data, directory=directory)
    assert (stranger.customer_id, stranger.customer_key) == (None, "phone:+8613800000001")
    anonymous = handlers.recognise(received("k3", "no contact at all").data, directory=directory)
    assert anonymous.customer_key == "case:k3"


def test_history_is_bounded_and_closed_cases_stay_on_record(engine):
    _, case = handlers.route(received("h1", "The fridge door seal is torn."), STANDARD, engine=engine, history=[], now=MONDAY_10)
    history = handlers.mark_status([case], "h1", "closed")
    assert history[0].status == "closed"
    assert handlers.remember(history, case, now=MONDAY_10) == [case]


def test_uncertain_decision_goes_to_the_triage_queue_with_its_own_deadline(engine):
    """Seen failing before the change: the case went to customer_service with P3's
    acknowledge deadline (one working day)."""
    routed, _ = handlers.route(received("u1", "Hello, about the thing from last time, please get back to me."), STANDARD, engine=engine, history=[], now=MONDAY_10)
    assert routed.uncertain is True
    assert routed.department == "triage"
    assert routed.category in engine.classifier.rules.categories  # the best guess is kept
    assert any(item.step == "triage" and "best guess" in item.detail for item in routed.explanation)
    assert routed.deadlines.acknowledge_by == MONDAY_10 + timedelta(hours=2)  # 2 working hours
    assert any(item.step == "deadline" and "triage queue" in item.detail for item in routed.explanation)


def test_one_phone_region_reaches_the_directory_and_the_validity_judge(monkeypatch):
    """ROUTING_DEFAULT_PHONE_REGION=KR used to reach the customer directory only: the judge read
    validity.yaml (CN), so 010-2345-6789 was filed as +82… by one and +86 10… by the other.
    Seen failing before the fix (judge region CN, case keys phone:+861023456789)."""
    monkeypatch.setenv("ROUTING_DEFAULT_PHONE_REGION", "KR")
    engine = build_engine(RoutingSettings())
    assert engine.judge.default_region == "KR" == engine.default_region
    directory = CustomerDirectory(default_region=engine.default_region)
    complaint = received("kr1", "택배가 일주일째 안 와요. 연락 주세요.", phone="010-2345-6789")
    recognised = handlers.recognise(complaint.data, directory=directory)
    _, case = handlers.route(complaint, recognised, engine=engine, history=[], now=MONDAY_10)
    phone_keys = {key for key in case.customer_keys if key.startswith("phone:")}
    assert recognised.customer_key == "phone:+821023456789"
    assert phone_keys == {"phone:+821023456789"}


def test_the_phone_region_is_not_a_validity_file_setting(tmp_path):
    from routing.domain.validity import ValidityJudge

    path = tmp_path / "validity.yaml"
    path.write_text("version: x\ndefault_region: KR\n", encoding="utf-8")
    with pytest.raises(ValueError, match="default_phone_region"):
        ValidityJudge.from_config(path)


async def test_route_complaint_takes_its_ports(engine):
    """The route use case with plain dicts for the tables, a list for the publisher, a fixed clock."""
    histories: dict = {}
    owners: dict = {}
    published: list = []

    async def publish(data, event_id):
        published.append((data, event_id))

    ports = dict(engine=engine, histories=histories, owners=owners, publish=publish, clock=lambda: MONDAY_10)
    text = "The courier threw my parcel over the fence and the box was crushed."
    first = await handlers.route_complaint(received("c1", text), STANDARD, **ports)
    assert published == [(first, handlers.routed_event_id("rcv-c1"))]
    assert owners == {"c1": STANDARD.customer_key}
    assert [c["case_id"] for c in histories[STANDARD.customer_key]] == ["c1"]

    again = await handlers.route_complaint(received("c2", text), STANDARD, **ports)
    assert again.validity == ev.Validity.DUPLICATE and again.related_case_id == "c1"

    handlers.follow_status(customer_key=STANDARD.customer_key, case_id="c1", status="closed", histories=histories)
    assert {c["case_id"]: c["status"] for c in histories[STANDARD.customer_key]} == {"c1": "closed", "c2": "open"}
    third = await handlers.route_complaint(received("c3", text), STANDARD, **ports)
    assert third.related_case_id != "c1"  # a closed case is no longer an open case to duplicate
