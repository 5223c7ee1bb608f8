"""The assessment's year figures equal what the other pages show for the
same year: the discipline counts add up to the dashboard's
``period_counts`` of the year's periods, the red lights to the issued
bulletins' stored figures (their annex's lights by department), the
rectification counts to the ledger's ``department_figures``."""

import pytest

from assessment.indicators import compute_all
from assessment.selectors import assessed_departments
from bulletins.models import BulletinVersion
from bulletins.selectors.figures import RED
from dispatch.models import ReportingPeriod
from dispatch.selectors.dashboard import period_counts
from supervision.models import Round
from supervision.selectors import department_figures
from tests.assessment.test_indicators import (  # noqa: F401
    BULLETIN_DAY,
    K,
    bulletin_data,
    year_data,
)


def by_kind(data, kind):
    scheme = data["scheme"]
    units = assessed_departments([data["policy"]])
    results = compute_all(
        scheme, units, 2025, today=BULLETIN_DAY, policies=[data["policy"]]
    )
    ind = scheme.indicators.get(kind=kind)
    return {d: results[(d.pk, ind.pk)] for d in units}


@pytest.mark.django_db
def test_discipline_totals_equal_the_dashboard_period_counts(year_data):  # noqa: F811
    results = by_kind(year_data, K.DISCIPLINE)

    counts = [
        period_counts(p, year_data["policy"])
        for p in ReportingPeriod.objects.filter(year=2025)
    ]
    expected = {
        "due": sum(c.expected for c in counts),
        "on_time": sum(c.on_time for c in counts),
        "late": sum(c.late for c in counts),
    }
    expected["missing"] = expected["due"] - expected["on_time"] - expected["late"]
    totals = {key: sum(r.figures[key] for r in results.values()) for key in expected}
    assert totals == expected == {"due": 24, "on_time": 19, "late": 2, "missing": 3}


@pytest.mark.django_db
def test_red_lights_equal_the_issued_bulletins_figures(year_data):  # noqa: F811
    results = by_kind(year_data, K.RED_LIGHTS)

    issued = BulletinVersion.objects.filter(
        issued_at__isnull=False, bulletin__last_year=2025
    )
    red_by_name: dict[str, int] = {}
    for version in issued:
        for row in version.figures["charts"]["lights_by_department"]:
            red_by_name[row["name"]] = red_by_name.get(row["name"], 0) + row[RED]
    got = {d.name: r.figures["count"] for d, r in results.items()}
    assert got == red_by_name == {"甲局": 1, "乙局": 0, "丙局": 1}
    # The same lights the snapshot's task list holds.
    red_tasks = sum(
        1
        for version in issued
        for task in version.figures["tasks"]
        if task["light"] == RED
    )
    assert sum(got.values()) == red_tasks


@pytest.mark.django_db
def test_rectification_inputs_equal_the_ledger_department_figures(year_data):  # noqa: F811
    results = by_kind(year_data, K.RECTIFICATION)

    found: dict[int, dict] = {}
    for round in Round.objects.filter(year=2025):
        for figures in department_figures(round, today=BULLETIN_DAY):
            entry = found.setdefault(
                figures.department.pk, {"found": 0, "signed_off": 0}
            )
            entry["found"] += figures.found
            entry["signed_off"] += figures.signed_off
    # 乙组's problem counts for its member 乙局; the ledger lists it
    # under the group.
    group = year_data["group"]
    yi = year_data["departments"]["乙局"]
    found[yi.pk] = found.pop(group.pk)
    got = {
        d.pk: {k: r.figures[k] for k in ("found", "signed_off")}
        for d, r in results.items()
        if r.figures["found"]
    }
    assert got == found
    bing = year_data["departments"]["丙局"]
    assert got[bing.pk] == {"found": 4, "signed_off": 2}
