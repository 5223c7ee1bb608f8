"""Working days (工作日) for the 公示: Monday to Friday, except what the
admin's ``Holiday`` rows say: a row with ``is_workday`` false is a day off
(放假) whatever its weekday, one with ``is_workday`` true is a weekend day
worked (调休上班).

Each function reads the calendar of its range in one query; a caller that
asks many questions of one range reads it once with ``working_calendar``
and passes it to ``is_working_day``.
"""

import datetime

from incentives.models import Holiday

ONE_DAY = datetime.timedelta(days=1)
# How far past the last weekday a range is read at first: the longest run
# of days off in the calendar (春节, 国庆: 8 days) with its weekends.
SLACK_DAYS = 21


def working_calendar(start: datetime.date, end: datetime.date) -> dict:
    """The ``Holiday`` rows from ``start`` to ``end`` (both included) as
    {day: is_workday}; one query."""
    return dict(
        Holiday.objects.filter(date__range=(start, end)).values_list(
            "date", "is_workday"
        )
    )


def is_working_day(day: datetime.date, calendar: dict) -> bool:
    """Whether ``day`` is worked, by ``calendar`` (from
    ``working_calendar``) or else by its weekday."""
    if day in calendar:
        return calendar[day]
    return day.weekday() < 5


def _days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def _window(start: datetime.date, days: int) -> datetime.date:
    """A last day by which ``days`` working days have surely passed, unless
    the calendar is stranger than any real one."""
    return start + datetime.timedelta(days=days // 5 * 7 + days % 5 + SLACK_DAYS)


def working_days_end(start: datetime.date, days: int) -> datetime.date:
    """The last of ``days`` working days counted from ``start`` (``start``
    counts when it is a working day)."""
    if days < 1:
        raise ValueError("工作日数须为正整数。")
    counted = 0
    first = start
    while True:
        last = _window(first, days - counted)
        calendar = working_calendar(first, last)
        for day in _days(first, last):
            if is_working_day(day, calendar):
                counted += 1
                if counted == days:
                    return day
        # Only a calendar with weeks of days off gets here.
        first = last + ONE_DAY


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the next one."""
    return working_days_end(day, 1)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The working days from ``start`` to ``end``, both included (0 when
    ``end`` is before ``start``)."""
    if end < start:
        return 0
    calendar = working_calendar(start, end)
    return sum(1 for day in _days(start, end) if is_working_day(day, calendar))
