"""The shared business calendar (routing's deadlines and notification's ladder count working time with it)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from complaints_shared.business_calendar import BusinessCalendar

CALENDAR_FILE = """
version: "test"
timezone: Europe/Berlin
working_days: [mon, tue, wed, thu, fri]
working_hours: {start: "09:00", end: 18:00}
holidays: [2026-12-25]
extra_working_days: [2026-12-27]
sla: {P1: {clock: calendar, acknowledge: 1h, resolve: 24h}}   # routing's keys: not the calendar's
"""


@pytest.fixture
def berlin(tmp_path) -> BusinessCalendar:
    path = tmp_path / "calendar.yaml"
    path.write_text(CALENDAR_FILE)
    return BusinessCalendar.from_file(path)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Berlin"))


def test_the_calendar_part_of_a_calendar_file_is_read_and_the_rest_left_alone(berlin):
    assert (berlin.timezone.key, berlin.start, berlin.end) == ("Europe/Berlin", time(9), time(18))  # 18:00 unquoted: YAML minutes
    assert berlin.working_days == frozenset(range(5)) and berlin.holidays == {date(2026, 12, 25)}


def test_working_time_skips_nights_weekends_and_holidays_and_counts_make_up_days(berlin):
    friday_afternoon = local(2026, 12, 4, 16, 0)
    assert berlin.add_business_time(friday_afternoon, timedelta(hours=4)) == local(2026, 12, 7, 11, 0).astimezone(UTC)
    # Thursday 24 Dec 17:00 + 2 h: Christmas is a holiday, Sunday 27 Dec a make-up working day.
    assert berlin.add_business_time(local(2026, 12, 24, 17, 0), timedelta(hours=2)) == local(2026, 12, 27, 10, 0).astimezone(UTC)
    assert berlin.business_time_between(friday_afternoon, local(2026, 12, 7, 11, 0)) == timedelta(hours=4)
    assert berlin.add_business_time(local(2026, 12, 5, 3, 0), timedelta(0)) == local(2026, 12, 5, 3, 0).astimezone(UTC)


def test_naive_times_and_impossible_calendars_are_refused(berlin):
    with pytest.raises(ValueError, match="timezone-aware"):
        berlin.add_business_time(datetime(2026, 12, 4, 9), timedelta(hours=1))
    with pytest.raises(ValueError, match="end after they start"):
        BusinessCalendar.from_values(timezone="UTC", working_days=["mon"], start="18:00", end="09:00")
