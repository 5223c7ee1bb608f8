"""Expected value, status, forecast and pace of a target, computed from its
readings and plan."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from targets.progress import Status, Verdict, expected_value, progress_of

D = datetime.date


def target(**values):
    fields = {
        "value": Decimal(10000),
        "start_value": Decimal(0),
        "kind": "cumulative",
        "comparator": "gte",
        "deadline": D(2025, 12, 31),
        "start_date": D(2023, 1, 1),
        "policy": SimpleNamespace(issued_on=D(2023, 2, 13)),
    }
    fields.update(values)
    return SimpleNamespace(**fields)


def reading(on, value):
    return SimpleNamespace(as_of=on, value=Decimal(value))


def plan(on, value):
    return SimpleNamespace(as_of=on, value=Decimal(value))


def test_expected_value_is_a_straight_line_from_start_to_deadline():
    t = target()
    assert expected_value(t, [], D(2023, 1, 1)) == 0
    halfway = expected_value(t, [], D(2024, 7, 2))
    assert Decimal(4990) < halfway < Decimal(5010)
    assert expected_value(t, [], D(2026, 3, 1)) == 10000


def test_expected_value_follows_the_plan_points():
    t = target()
    points = [plan(D(2024, 1, 1), 1000), plan(D(2025, 1, 1), 3000)]
    assert expected_value(t, points, D(2024, 1, 1)) == 1000
    assert expected_value(t, points, D(2025, 1, 1)) == 3000
    assert Decimal(6400) < expected_value(t, points, D(2025, 7, 2)) < Decimal(6600)


def test_start_defaults_to_the_policy_date():
    t = target(start_date=None)
    assert expected_value(t, [], D(2023, 2, 13)) == 0
    assert expected_value(t, [], D(2023, 2, 14)) > 0


@pytest.mark.parametrize(
    ("value", "status"),
    [(7000, Status.GREEN), (5500, Status.YELLOW), (4500, Status.RED)],
)
def test_status_compares_the_latest_value_with_the_expected_one(value, status):
    today = D(2025, 1, 1)  # two thirds of the way: 6667 expected
    t = target()
    result = progress_of(t, [reading(D(2024, 12, 31), value)], [], today)
    assert result.status == status
    assert 66 < result.expected_percent < 67


def test_no_reading_for_two_periods_is_red():
    t = target()
    result = progress_of(t, [reading(D(2024, 9, 30), 9000)], [], D(2025, 1, 10))
    assert result.stale
    assert result.status == Status.RED
    assert result.status_label == "缺少读数"


def test_no_reading_at_all_is_red_once_two_months_have_passed():
    assert progress_of(target(), [], [], D(2023, 2, 20)).status == Status.NONE
    assert progress_of(target(), [], [], D(2023, 6, 1)).status == Status.RED


def test_reached_target_is_green_even_without_recent_readings():
    t = target()
    result = progress_of(t, [reading(D(2024, 3, 1), 10500)], [], D(2025, 6, 1))
    assert result.status == Status.GREEN
    assert result.percent == 105.0
    assert result.pace_needed is None


def test_forecast_extends_the_trend_to_the_deadline():
    t = target()
    readings = [
        reading(D(2023, 12, 31), 2000),
        reading(D(2024, 6, 30), 3000),
        reading(D(2024, 12, 31), 4000),
    ]
    result = progress_of(t, readings, [], D(2025, 1, 15))
    assert Decimal(5900) < result.forecast < Decimal(6100)
    assert result.forecast_reaches is False
    # 6000 to go in a little under a year.
    assert Decimal(500) < result.pace_needed < Decimal(530)


def test_one_reading_forecasts_from_the_start():
    t = target(start_date=D(2024, 1, 1), deadline=D(2025, 12, 31))
    result = progress_of(t, [reading(D(2024, 12, 31), 6000)], [], D(2025, 1, 5))
    assert result.forecast > Decimal(11000)
    assert result.forecast_reaches is True


def test_milestone_is_yellow_before_and_red_after_its_date_until_done():
    t = target(kind="milestone", value=Decimal(1), deadline=D(2024, 12, 31))
    before = progress_of(t, [reading(D(2024, 5, 31), 0)], [], D(2024, 6, 10))
    assert before.status == Status.YELLOW
    after = progress_of(t, [reading(D(2024, 12, 31), 0)], [], D(2025, 2, 10))
    assert after.status == Status.RED
    done = progress_of(t, [reading(D(2024, 10, 31), 1)], [], D(2025, 2, 10))
    assert done.status == Status.GREEN


def test_relative_target_counts_from_its_baseline():
    # 翻一番, 达到30万人: from 15万 to 30万.
    t = target(value=Decimal(300000), start_value=Decimal(150000))
    result = progress_of(t, [reading(D(2024, 7, 1), 225000)], [], D(2024, 7, 2))
    assert 49 < result.percent < 51
    assert result.status == Status.GREEN


def test_readings_after_today_are_ignored():
    t = target()
    result = progress_of(t, [reading(D(2030, 1, 1), 99999)], [], D(2024, 1, 1))
    assert result.latest_value is None


def test_reached_target_reaches_and_a_missed_deadline_does_not():
    t = target(deadline=D(2024, 12, 31))
    reached = progress_of(t, [reading(D(2024, 6, 30), 10000)], [], D(2024, 7, 1))
    assert reached.forecast_reaches is True
    late = progress_of(t, [reading(D(2024, 12, 31), 9000)], [], D(2025, 3, 1))
    assert late.forecast_reaches is False


# After the deadline: judged, not tracked


def test_after_the_deadline_a_reached_target_is_achieved_with_its_percentage():
    t = target()
    result = progress_of(t, [reading(D(2025, 12, 31), 10400)], [], D(2026, 12, 1))
    assert result.verdict == "achieved"
    assert result.status_label == "已达成"
    assert result.status == Status.GREEN
    assert result.percent == 104.0
    assert not result.stale


@pytest.mark.parametrize(
    ("value", "status"), [(9200, Status.YELLOW), (4000, Status.RED)]
)
def test_after_the_deadline_a_short_target_is_missed_never_stale(value, status):
    # The last reading is a year before the deadline and two before today:
    # before the deadline that would be red and "缺少读数".
    t = target()
    result = progress_of(t, [reading(D(2024, 12, 31), value)], [], D(2027, 12, 31))
    assert result.verdict == "missed"
    assert result.status_label == "未达成"
    assert result.status == status
    assert result.percent == value / 100
    assert not result.stale
    assert result.pace_needed is None
    assert result.forecast_reaches is False


def test_a_final_figure_entered_after_the_deadline_but_dated_on_it_counts():
    # Reported in 2026 as "截至2025年底": its as_of is the deadline.
    t = target()
    readings = [reading(D(2025, 9, 30), 8000), reading(D(2025, 12, 31), 10100)]
    result = progress_of(t, readings, [], D(2026, 3, 1))
    assert result.verdict == "achieved"
    assert result.latest_date == D(2025, 12, 31)


def test_a_reading_dated_after_the_deadline_does_not_change_the_verdict():
    t = target()
    readings = [reading(D(2025, 12, 31), 6000), reading(D(2026, 6, 30), 12000)]
    result = progress_of(t, readings, [], D(2026, 12, 1))
    assert result.verdict == "missed"
    assert result.status == Status.RED
    assert result.latest_value == 6000
    assert result.percent == 60.0
    assert result.points == [(D(2025, 12, 31), Decimal(6000))]


def test_after_the_deadline_no_reading_at_all_is_not_a_red_light():
    result = progress_of(target(), [], [], D(2026, 12, 1))
    assert result.verdict is None
    assert result.status == Status.NONE
    assert not result.stale
    assert result.status_label == "暂无读数"


def test_on_the_deadline_day_a_target_is_still_tracked():
    t = target()
    result = progress_of(t, [reading(D(2025, 9, 30), 9000)], [], D(2025, 12, 31))
    assert result.verdict is None
    assert result.stale
    assert result.status_label == "缺少读数"


def test_a_missed_milestone_is_red_and_a_done_one_green_after_its_date():
    t = target(kind="milestone", value=Decimal(1), deadline=D(2024, 12, 31))
    missed = progress_of(t, [reading(D(2024, 12, 31), 0)], [], D(2026, 12, 1))
    assert (missed.verdict, missed.status) == ("missed", Status.RED)
    # Done in 2025 is too late for a 2024 milestone.
    late = progress_of(
        t, [reading(D(2024, 6, 30), 0), reading(D(2025, 3, 31), 1)], [], D(2026, 1, 1)
    )
    assert (late.verdict, late.status) == ("missed", Status.RED)
    done = progress_of(t, [reading(D(2024, 10, 31), 1)], [], D(2026, 12, 1))
    assert (done.verdict, done.status) == ("achieved", Status.GREEN)


# A ceiling (控制在5%以内): met while the reading stays at or under it.


def ceiling(**values):
    return target(
        value=Decimal(5), unit="%", kind="percentage", comparator="lte", **values
    )


@pytest.mark.parametrize(
    "value, status, percent",
    [
        ("4.2", Status.GREEN, 100.0),
        ("5", Status.GREEN, 100.0),
        ("6", Status.YELLOW, 83.33),  # the ceiling is 83% of the reading
        ("8", Status.RED, 62.5),
    ],
)
def test_a_ceiling_is_green_at_or_under_it_and_yellow_then_red_over_it(
    value, status, percent
):
    result = progress_of(
        ceiling(), [reading(D(2024, 5, 31), value)], [], D(2024, 6, 15)
    )

    assert result.status == status
    assert round(result.percent, 2) == percent
    assert result.expected == Decimal(5)
    assert result.forecast is None and result.pace_needed is None
    assert result.forecast_reaches is (status == Status.GREEN)


def test_a_ceiling_is_judged_by_the_last_reading_by_its_deadline():
    readings = [reading(D(2025, 6, 30), "6"), reading(D(2025, 12, 31), "4.8")]
    kept = progress_of(ceiling(), readings, [], D(2026, 3, 1))
    assert (kept.verdict, kept.status) == (Verdict.ACHIEVED, Status.GREEN)

    later = [*readings, reading(D(2026, 1, 31), "9")]  # after the deadline
    assert progress_of(ceiling(), later, [], D(2026, 3, 1)).verdict == (
        Verdict.ACHIEVED
    )

    broken = [reading(D(2025, 12, 31), "5.5")]
    missed = progress_of(ceiling(), broken, [], D(2026, 3, 1))
    assert (missed.verdict, missed.status) == (Verdict.MISSED, Status.YELLOW)


def test_a_ceiling_over_it_with_no_recent_reading_is_red():
    result = progress_of(ceiling(), [reading(D(2024, 1, 31), "6")], [], D(2024, 6, 1))
    assert result.stale and result.status == Status.RED


def test_a_ceiling_without_readings_is_grey_then_red_like_any_target():
    assert progress_of(ceiling(), [], [], D(2023, 1, 20)).status == Status.NONE
    assert progress_of(ceiling(), [], [], D(2023, 6, 1)).status == Status.RED
    assert progress_of(ceiling(), [], [], D(2026, 1, 5)).status == Status.NONE
