"""A report's text is limited to what the offline sheet carries with room
to spare, by one rule that the web form, the service and the database all
keep, so that no round trip through the sheet can cut it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from dispatch import services
from dispatch.models import REPORT_TEXT_MAX_LENGTH, ProgressReport


@pytest.fixture
def report(period):
    return ProgressReport.objects.filter(
        period=period, department__name="贵溪市人民政府"
    ).first()


def edit(client, report, **values):
    data = {"version": report.version, "proposed_status": "on_track"}
    data.update(values)
    return client.post(reverse("dispatch:report-edit", args=[report.pk]), data)


@pytest.mark.django_db
def test_web_form_refuses_100000_characters_naming_the_field_and_the_limit(
    client, users, report
):
    client.force_login(users["reporter"])

    response = edit(client, report, progress="进" * 100_000)

    assert response.status_code == 400
    assert "本月进展不能超过 5000 字(现有 100000 字)。" in response.content.decode()
    report.refresh_from_db()
    assert report.progress == ""
    assert report.version == 0


@pytest.mark.django_db
def test_web_form_textareas_carry_the_limit(client, users, report):
    client.force_login(users["reporter"])

    page = client.get(
        reverse("dispatch:report-edit", args=[report.pk])
    ).content.decode()

    assert page.count(f'maxlength="{REPORT_TEXT_MAX_LENGTH}"') == 3


@pytest.mark.django_db
def test_a_browsers_line_breaks_count_as_one_character_each(client, users, report):
    """A textarea's maxlength counts a line break once; the browser sends
    it as CR LF."""
    client.force_login(users["reporter"])
    typed = ("培训 30 人次\n" * 1000)[:4999] + "。"
    sent = typed.replace("\n", "\r\n")
    assert (len(typed), len(sent)) == (5000, 5555)

    response = edit(client, report, next_steps=sent)

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.next_steps == typed


@pytest.mark.django_db
def test_service_refuses_a_text_over_the_limit_and_writes_nothing(users, report):
    with pytest.raises(services.ReportError) as refused:
        services.report_save(
            report=report,
            data={"progress": "已完成", "problems": "缺" * 5001},
            expected_version=report.version,
            actor=users["reporter"],
        )

    assert str(refused.value) == "存在问题不能超过 5000 字(现有 5001 字)。"
    report.refresh_from_db()
    assert (report.progress, report.version) == ("", 0)


@pytest.mark.django_db
def test_service_accepts_the_limit_exactly(users, report):
    services.report_save(
        report=report,
        data={"progress": "进" * 5000},
        expected_version=report.version,
        actor=users["reporter"],
    )

    report.refresh_from_db()
    assert len(report.progress) == 5000


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["progress", "problems", "next_steps"])
def test_database_refuses_a_text_over_the_limit_written_around_the_service(
    report, name
):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).update(**{name: "字" * 5001})


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_naming_a_longer_text_instead_of_cutting_it(report):
    before = ("tasks", "0003_policy_text")
    limited = ("tasks", "0004_report_text_max_length")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        ProgressReport.objects.filter(pk=report.pk).update(problems="缺" * 5001)

        executor = MigrationExecutor(connection)
        with pytest.raises(RuntimeError) as stopped:
            executor.migrate([limited])

        assert f"报告 {report.pk} 的“存在问题”有 5001 字" in str(stopped.value)
        assert len(ProgressReport.objects.get(pk=report.pk).problems) == 5001
    finally:
        ProgressReport.objects.filter(pk=report.pk).update(problems="")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
