from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from complaints_shared.events import Deadlines, Priority
from routing.domain.deadlines import BusinessCalendar, DeadlinePolicy, Duration

SH = ZoneInfo("Asia/Shanghai")
BER = ZoneInfo("Europe/Berlin")
UTC = UTC


def sh(*args):
    return datetime(*args, tzinfo=SH)


@pytest.fixture(scope="module")
def cal() -> BusinessCalendar:
    return BusinessCalendar.from_config()


@pytest.fixture(scope="module")
def policy() -> DeadlinePolicy:
    return DeadlinePolicy.from_config()


BERLIN = {
    "timezone": "Europe/Berlin",
    "working_days": ["mon", "tue", "wed", "thu", "fri"],
    "working_hours": {"start": "09:00", "end": "18:00"},
    "holidays": ["2026-12-25"],
    "sla": {
        "P1": {"clock": "calendar", "acknowledge": "1h", "resolve": "24h"},
        "P3": {"clock": "business", "acknowledge": "1d", "resolve": "5d"},
    },
}


# --- the calendar -------------------------------------------------------------------------


def test_dates_used_below():
    assert sh(2026, 11, 20).weekday() == 4  # Friday
    assert sh(2026, 10, 1).weekday() == 3  # National Day, Thursday
    assert sh(2026, 10, 10).weekday() == 5  # make-up Saturday
    assert datetime(2026, 3, 27).weekday() == 4 and datetime(2026, 10, 23).weekday() == 4


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (sh(2026, 11, 23, 9, 0), True),
        (sh(2026, 11, 23, 8, 59), False),
        (sh(2026, 11, 23, 17, 59), True),
        (sh(2026, 11, 23, 18, 0), False),
        (sh(2026, 11, 21, 10, 0), False),  # Saturday
        (sh(2026, 10, 1, 10, 0), False),  # holiday
        (sh(2026, 10, 10, 10, 0), True),  # make-up working Saturday
        (datetime(2026, 11, 23, 1, 0, tzinfo=UTC), True),  # 09:00 in Shanghai
        (datetime(2026, 11, 23, 10, 0, tzinfo=UTC), False),  # 18:00 in Shanghai
    ],
)
def test_is_business_time(cal, dt, expected):
    assert cal.is_business_time(dt) is expected


@pytest.mark.parametrize(
    ("start", "delta", "expected"),
    [
        (sh(2026, 11, 23, 10, 0), timedelta(hours=2), sh(2026, 11, 23, 12, 0)),  # inside a day
        (sh(2026, 11, 23, 9, 0), timedelta(hours=9), sh(2026, 11, 23, 18, 0)),  # exactly to closing
        (sh(2026, 11, 23, 7, 0), timedelta(hours=1), sh(2026, 11, 23, 10, 0)),  # before opening
        (sh(2026, 11, 24, 20, 0), timedelta(hours=1), sh(2026, 11, 25, 10, 0)),  # after closing
        (sh(2026, 11, 20, 17, 0), timedelta(hours=4), sh(2026, 11, 23, 12, 0)),  # across the weekend
        (sh(2026, 11, 21, 10, 0), timedelta(hours=2), sh(2026, 11, 23, 11, 0)),  # received on Saturday
        (sh(2026, 11, 20, 17, 30), timedelta(minutes=45), sh(2026, 11, 23, 9, 15)),
        (sh(2026, 9, 30, 17, 0), timedelta(hours=4), sh(2026, 10, 8, 12, 0)),  # National Day week
        (sh(2026, 10, 9, 17, 0), timedelta(hours=2), sh(2026, 10, 10, 10, 0)),  # make-up Saturday works
        (sh(2026, 2, 13, 17, 0), timedelta(hours=2), sh(2026, 2, 14, 10, 0)),  # Spring Festival make-up day
        (sh(2026, 2, 14, 17, 0), timedelta(hours=2), sh(2026, 2, 24, 10, 0)),  # then 9 days off
    ],
)
def test_add_business_time(cal, start, delta, expected):
    result = cal.add_business_time(start, delta)
    assert result == expected
    assert result.tzinfo == UTC


def test_zero_and_negative(cal):
    start = sh(2026, 11, 21, 10, 0)
    assert cal.add_business_time(start, timedelta(0)) == start
    with pytest.raises(ValueError):
        cal.add_business_time(start, timedelta(hours=-1))


def test_naive_datetimes_are_refused(cal):
    with pytest.raises(ValueError):
        cal.add_business_time(datetime(2026, 11, 23, 10, 0), timedelta(hours=1))
    with pytest.raises(ValueError):
        cal.is_business_time(datetime(2026, 11, 23, 10, 0))


def test_business_days_and_between(cal):
    assert cal.day_length == timedelta(hours=9)
    assert cal.add_business_days(sh(2026, 11, 23, 10, 0), 5) == sh(2026, 11, 30, 10, 0)
    assert cal.business_time_between(sh(2026, 11, 20, 17, 0), sh(2026, 11, 23, 12, 0)) == timedelta(hours=4)
    assert cal.business_time_between(sh(2026, 11, 23, 12, 0), sh(2026, 11, 20, 17, 0)) == timedelta(0)


def test_dst_free_timezone_utc_offsets(cal):
    # Shanghai is UTC+8 all year: 09:00 local is 01:00 UTC in January and July alike
    assert cal.add_business_time(sh(2026, 1, 5, 8, 0), timedelta(hours=1)) == datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    assert cal.add_business_time(sh(2026, 7, 6, 8, 0), timedelta(hours=1)) == datetime(2026, 7, 6, 2, 0, tzinfo=UTC)


def test_dst_timezone_spring_forward():
    ber = BusinessCalendar.from_dict(BERLIN)
    # Friday 17:00 CET (UTC+1) + 2 working hours -> Monday 10:00 CEST (UTC+2), clocks went forward on Sunday
    result = ber.add_business_time(datetime(2026, 3, 27, 17, 0, tzinfo=BER), timedelta(hours=2))
    assert result == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert result.astimezone(BER).hour == 10


def test_dst_timezone_fall_back():
    ber = BusinessCalendar.from_dict(BERLIN)
    result = ber.add_business_time(datetime(2026, 10, 23, 17, 0, tzinfo=BER), timedelta(hours=2))
    assert result == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # Monday 10:00 CET
    assert ber.is_business_time(datetime(2026, 10, 23, 7, 0, tzinfo=UTC))  # 09:00 CEST
    assert ber.is_business_time(datetime(2026, 10, 26, 8, 0, tzinfo=UTC))  # 09:00 CET
    assert not ber.is_business_time(datetime(2026, 10, 26, 7, 30, tzinfo=UTC))  # 08:30 CET


def test_custom_holiday():
    ber = BusinessCalendar.from_dict(BERLIN)
    # Thursday 24 Dec 17:00 + 2h: Christmas Day (Friday) is a holiday, then the weekend
    assert ber.add_business_time(datetime(2026, 12, 24, 17, 0, tzinfo=BER), timedelta(hours=2)) == datetime(
        2026, 12, 28, 9, 0, tzinfo=UTC
    )


def test_unquoted_yaml_times():
    cfg = yaml.safe_load("timezone: Asia/Seoul\nworking_hours: {start: 09:30, end: 17:30}\n")
    cal = BusinessCalendar.from_dict(cfg)
    assert (cal.start.hour, cal.start.minute, cal.end.hour, cal.end.minute) == (9, 30, 17, 30)


def test_bad_calendars():
    with pytest.raises(ValueError):
        BusinessCalendar.from_dict({"working_hours": {"start": "18:00", "end": "09:00"}})
    with pytest.raises(ValueError):
        BusinessCalendar.from_dict({"working_days": []})


# --- the policy ---------------------------------------------------------------------------

FRI_17 = sh(2026, 11, 20, 17, 0)


def local(dt):
    return dt.astimezone(SH).replace(tzinfo=None) if dt else None


@pytest.mark.parametrize(
    ("priority", "ack", "resolve"),
    [
        ("P1", datetime(2026, 11, 20, 18, 0), datetime(2026, 11, 21, 17, 0)),  # wall-clock, 24/7
        ("P2", datetime(2026, 11, 23, 12, 0), datetime(2026, 11, 24, 17, 0)),  # 4 working h / 2 working days
        ("P3", datetime(2026, 11, 23, 17, 0), datetime(2026, 11, 27, 17, 0)),  # 1 / 5 working days
        ("P4", datetime(2026, 11, 24, 17, 0), datetime(2026, 12, 4, 17, 0)),  # 2 / 10 working days
    ],
)
def test_sla_table(policy, priority, ack, resolve):
    d = policy.deadlines_for(priority=priority, category="delivery", received_at=FRI_17)
    assert isinstance(d, Deadlines)
    assert (local(d.acknowledge_by), local(d.resolve_by), d.department_reply_by) == (ack, resolve, None)
    assert d.acknowledge_by.tzinfo == UTC and d.resolve_by.tzinfo == UTC


def test_p1_on_a_saturday_night_is_not_held_until_monday(policy):
    d = policy.deadlines_for(priority=Priority.P1, category=None, received_at=sh(2026, 11, 21, 23, 0))
    assert local(d.acknowledge_by) == datetime(2026, 11, 22, 0, 0)


@pytest.mark.parametrize("category", ["product_quality", "packaging"])
def test_quality_and_packaging_department_reply(policy, category):
    d = policy.deadlines_for(priority="P3", category=category, received_at=FRI_17)
    assert local(d.department_reply_by) == datetime(2026, 11, 21, 17, 0)  # 24 h, the weekend included
    assert d.acknowledge_by <= d.department_reply_by  # acknowledged no later than answered
    p1 = policy.deadlines_for(priority="P1", category=category, received_at=FRI_17)
    assert local(p1.department_reply_by) == datetime(2026, 11, 21, 17, 0)
    assert p1.department_reply_by <= p1.resolve_by


def test_warranty_repair_within_seven_days(policy):
    p4 = policy.deadlines_for(priority="P4", category="warranty_repair", received_at=FRI_17)
    assert local(p4.resolve_by) == datetime(2026, 11, 27, 17, 0)  # 7 calendar days, earlier than 10 working days
    p1 = policy.deadlines_for(priority="P1", category="warranty_repair", received_at=FRI_17)
    assert local(p1.resolve_by) == datetime(2026, 11, 21, 17, 0)  # never later than the priority's


def test_deadlines_over_a_holiday(policy):
    d = policy.deadlines_for(priority="P2", category="delivery", received_at=sh(2026, 9, 30, 17, 0))
    assert local(d.acknowledge_by) == datetime(2026, 10, 8, 12, 0)  # National Day week is skipped
    quality = policy.deadlines_for(priority="P2", category="product_quality", received_at=sh(2026, 9, 30, 17, 0))
    assert local(quality.department_reply_by) == datetime(2026, 10, 1, 17, 0)  # the 24-hour promise holds
    assert quality.acknowledge_by == quality.department_reply_by


def test_explanation(policy):
    decision = policy.decide(priority="P3", category="packaging", received_at=FRI_17)
    assert "business hours" in decision.explanation and "Asia/Shanghai" in decision.explanation
    assert "packaging (as product_quality): department reply 24 h" in decision.explanation
    assert "wall-clock" in policy.explain(priority="P1", category=None)


def test_clock_is_configurable_per_priority():
    cfg = {**BERLIN, "sla": {"P1": {"clock": "business", "acknowledge": "1h", "resolve": "24h"}}}
    p = DeadlinePolicy.from_dict(cfg)
    d = p.deadlines_for(priority="P1", category=None, received_at=datetime(2026, 11, 21, 23, 0, tzinfo=BER))
    assert d.acknowledge_by == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 CET


def test_calendar_clock_across_dst():
    p = DeadlinePolicy.from_dict(BERLIN)
    received = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, clocks jump at 02:00
    d = p.deadlines_for(priority="P1", category=None, received_at=received)
    assert d.acknowledge_by == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # one real hour (03:30 CEST)
    assert d.resolve_by == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)


def test_policy_errors(policy):
    with pytest.raises(ValueError):
        policy.deadlines_for(priority="P9", category=None, received_at=FRI_17)
    with pytest.raises(ValueError):
        policy.deadlines_for(priority="P3", category=None, received_at=datetime(2026, 11, 20, 17, 0))
    with pytest.raises(ValueError):
        DeadlinePolicy.from_dict({**BERLIN, "categories": {"a": {"parent": "b"}, "b": {"parent": "a"}}})
    with pytest.raises(ValueError):
        DeadlinePolicy.from_dict({**BERLIN, "categories": {"a": {"parent": "missing"}}})
    with pytest.raises(ValueError):
        Duration.parse("soon")


def test_durations():
    assert Duration.parse("30m") == Duration(30, "m")
    assert Duration.parse("1.5h") == Duration(1.5, "h")
    assert Duration.parse(" 2d ") == Duration(2, "d")
    p = DeadlinePolicy.from_dict({**BERLIN, "sla": {"P2": {"clock": "business", "acknowledge": "30m", "resolve": "2d"}}})
    d = p.deadlines_for(priority="P2", category=None, received_at=datetime(2026, 11, 23, 17, 45, tzinfo=BER))
    assert d.acknowledge_by == datetime(2026, 11, 24, 8, 15, tzinfo=UTC)  # Tuesday 09:15 CET


def test_country_holidays_object_is_consulted():
    # holiday_country in the YAML fills this from the optional `holidays` package; any container works
    from datetime import date

    cal = BusinessCalendar(timezone=SH, country_holidays={date(2026, 11, 23)})
    assert cal.add_business_time(sh(2026, 11, 20, 17, 0), timedelta(hours=2)) == sh(2026, 11, 24, 10, 0)


def test_the_triage_queue_acknowledges_within_its_own_deadline(policy):
    """An uncertain decision waits in the triage queue, which must read it and hand it on within
    2 working hours (calendar.yaml `triage`); the resolve deadline stays the priority's."""
    plain = policy.deadlines_for(priority="P3", category="delivery", received_at=FRI_17)
    triaged = policy.deadlines_for(priority="P3", category="delivery", received_at=FRI_17, triage=True)
    assert local(triaged.acknowledge_by) == datetime(2026, 11, 23, 10, 0)  # Fri 17:00 + 1 h, Mon 09:00 + 1 h
    assert triaged.acknowledge_by < plain.acknowledge_by and triaged.resolve_by == plain.resolve_by
    p1 = policy.deadlines_for(priority="P1", category=None, received_at=FRI_17, triage=True)
    assert local(p1.acknowledge_by) == datetime(2026, 11, 20, 18, 0)  # a P1 keeps its shorter hour
    explanation = policy.decide(priority="P3", category="delivery", received_at=FRI_17, triage=True).explanation
    assert "triage queue: acknowledge and assign within 2 working h" in explanation


def test_the_triage_deadline_is_configurable_and_a_misspelt_key_is_refused():
    shorter = DeadlinePolicy.from_dict({**BERLIN, "triage": {"acknowledge": "30m"}})
    d = shorter.deadlines_for(priority="P3", category=None, received_at=datetime(2026, 11, 23, 9, 0, tzinfo=BER), triage=True)
    assert d.acknowledge_by == datetime(2026, 11, 23, 9, 30, tzinfo=BER)
    with pytest.raises(ValueError, match="acknowlege"):
        DeadlinePolicy.from_dict({**BERLIN, "triage": {"acknowlege": "30m"}})
