"""Which summaries an indicators query reads: whole months from the month summaries, the days at
either end from the day summaries, and the fine buckets when two dimensions meet."""

from datetime import date

from archive.domain.indicators import summaries_of, summary_match


def test_a_year_is_twelve_month_documents_per_group():
    match = summary_match(date(2026, 1, 1), date(2026, 12, 31), "department", {})
    assert match == {"level": "month:department", "period": {"$in": [f"2026-{m:02d}" for m in range(1, 13)]}}


def test_partial_months_at_either_end_are_read_by_day():
    match = summary_match(date(2026, 10, 30), date(2026, 12, 2), "month", {"channel": "sms"})
    assert match == {"$or": [
        {"level": "month:channel", "period": {"$in": ["2026-11"]}},
        {"level": "day:channel", "period": {"$in": ["2026-10-30", "2026-10-31", "2026-12-01", "2026-12-02"]}},
    ], "channel": "sms"}


def test_by_day_reads_a_range_of_day_summaries():
    assert summary_match(date(2026, 11, 2), date(2026, 11, 4), "day", {"department": "quality"}) == {
        "level": "day:department", "period": {"$gte": "2026-11-02", "$lte": "2026-11-04"}, "department": "quality"}


def test_two_dimensions_need_the_fine_buckets():
    assert summary_match(date(2026, 11, 1), date(2026, 11, 30), "channel", {"department": "quality"}) is None
    assert summary_match(date(2026, 11, 1), date(2026, 11, 30), "day", {"department": "q", "channel": "sms"}) is None
    assert summary_match(date(2026, 11, 1), date(2026, 11, 30), "department", {"department": "q"}) is not None


def test_a_bucket_feeds_a_day_and_a_month_summary_in_total_and_per_dimension():
    key = {"day": "2026-11-02", "department": "quality", "category": "c", "channel": "sms", "priority": "P2"}
    ids = [summary_id for summary_id, _ in summaries_of(key)]
    assert len(ids) == len(set(ids)) == 10
    assert "day:*|2026-11-02|*" in ids and "month:department|2026-11|quality" in ids
