"""Working days for the 公示: weekends off, the admin's holidays off, a
调休 weekend day worked, and the calendar read in one query."""

import datetime

import pytest

from incentives import workdays
from incentives.models import Holiday

from .calendar_data import national_day_calendar

pytestmark = pytest.mark.django_db
D = datetime.date


def test_five_working_days_from_a_wednesday_skip_the_weekend():
    # 9月3日 (三), 4日, 5日, 8日 (一), 9日.
    assert workdays.working_days_end(D(2025, 9, 3), 5) == D(2025, 9, 9)


def test_five_working_days_from_a_friday_end_on_thursday():
    assert workdays.working_days_end(D(2025, 9, 5), 5) == D(2025, 9, 11)


def test_a_start_on_saturday_does_not_count():
    assert workdays.working_days_end(D(2025, 9, 6), 5) == D(2025, 9, 12)


def test_one_working_day_from_a_working_day_is_that_day():
    assert workdays.working_days_end(D(2025, 9, 8), 1) == D(2025, 9, 8)


def test_national_day_holidays_are_skipped_and_the_saturday_worked_counts():
    national_day_calendar()
    # 9月30日 (二), then 10月1日–8日 off, 10月9日 (四), 10日 (五), 11日
    # (六, 调休上班), 13日 (一).
    assert workdays.working_days_end(D(2025, 9, 30), 5) == D(2025, 10, 13)


def test_without_the_calendar_the_same_start_ends_a_week_earlier():
    assert workdays.working_days_end(D(2025, 9, 30), 5) == D(2025, 10, 6)


def test_a_sunday_worked_counts_from_a_friday_start():
    national_day_calendar()
    # 9月26日 (五), 28日 (日, 调休上班), 29日, 30日, 10月9日.
    assert workdays.working_days_end(D(2025, 9, 26), 5) == D(2025, 10, 9)


def test_a_start_inside_the_holiday_begins_after_it():
    national_day_calendar()
    assert workdays.next_working_day(D(2025, 10, 3)) == D(2025, 10, 9)
    # 10月9日, 10日, 11日 (六, 调休上班), 13日, 14日.
    assert workdays.working_days_end(D(2025, 10, 3), 5) == D(2025, 10, 14)


def test_is_working_day_reads_the_rows_before_the_weekday():
    national_day_calendar()
    calendar = workdays.working_calendar(D(2025, 9, 27), D(2025, 10, 12))
    assert workdays.is_working_day(D(2025, 10, 1), calendar) is False  # 周三放假
    assert workdays.is_working_day(D(2025, 10, 11), calendar) is True  # 周六上班
    assert workdays.is_working_day(D(2025, 10, 12), calendar) is False  # 周日
    assert workdays.is_working_day(D(2025, 9, 29), calendar) is True  # 周一
    assert calendar[D(2025, 9, 28)] is True
    assert len(calendar) == 10


def test_a_weekday_holiday_row_on_its_own_is_a_day_off():
    Holiday.objects.create(date=D(2025, 5, 1), name="劳动节")
    # 4月30日 (三), 5月2日 (五), 5日, 6日, 7日.
    assert workdays.working_days_end(D(2025, 4, 30), 5) == D(2025, 5, 7)


def test_the_calendar_is_read_in_one_query(django_assert_num_queries):
    national_day_calendar()
    with django_assert_num_queries(1):
        assert workdays.working_days_end(D(2025, 9, 30), 5) == D(2025, 10, 13)
    with django_assert_num_queries(1):
        assert workdays.working_days_between(D(2025, 9, 29), D(2025, 10, 13)) == 6


def test_weeks_of_days_off_still_end_on_a_working_day():
    # Forty days off (not a real calendar: 7月1日–8月9日) outrun the first
    # window read; then 8月11日 (一) to 15日.
    for offset in range(40):
        Holiday.objects.create(
            date=D(2025, 7, 1) + datetime.timedelta(days=offset), name="停工"
        )
    assert workdays.working_days_end(D(2025, 7, 1), 5) == D(2025, 8, 15)


def test_working_days_between_counts_both_ends():
    assert workdays.working_days_between(D(2025, 9, 5), D(2025, 9, 8)) == 2
    assert workdays.working_days_between(D(2025, 9, 8), D(2025, 9, 5)) == 0


def test_zero_days_is_refused():
    with pytest.raises(ValueError, match="工作日数"):
        workdays.working_days_end(D(2025, 9, 8), 0)
