"""The 2025 国庆 calendar as the admin would enter it."""

import datetime

from incentives.models import Holiday

# 国庆 2025: 10月1日–8日 off; Sunday 9月28日 and Saturday 10月11日 worked.
NATIONAL_DAY = [datetime.date(2025, 10, day) for day in range(1, 9)]
NATIONAL_DAY_WORKED = [datetime.date(2025, 9, 28), datetime.date(2025, 10, 11)]


def national_day_calendar() -> None:
    for day in NATIONAL_DAY:
        Holiday.objects.create(date=day, name="国庆节、中秋节")
    for day in NATIONAL_DAY_WORKED:
        Holiday.objects.create(date=day, name="国庆节调休上班", is_workday=True)
