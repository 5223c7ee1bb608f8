"""An annex whose header the importer cannot read: the admin's preview lets
the person say which column is which, remembers it by the header, and
reads the next sheet of the same header without asking."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.importers.annex import annex_header
from tasks.models import AnnexColumnMapping, Policy, Task
from tasks.selectors import annex_mapping_for
from tests.tasks.test_annex_variants import workbook_bytes

HEADER = ("序号", "重点任务", "推进举措", "主责单位")
ROWS = [
    (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局"),
    (2, None, "开展企业新型学徒制培训", "市人社局、市总工会"),
]
MAPPING = {"requirement": "推进举措", "departments": "主责单位"}


def annex(header=HEADER, rows=ROWS) -> bytes:
    return workbook_bytes([header, *rows])


def post(client, policy, data: bytes, **columns):
    return client.post(
        reverse("admin:tasks_task_import"),
        {
            "import_file": SimpleUploadedFile("附件.xlsx", data),
            "format": "0",
            "policy": policy.pk,
            **{f"column_{name}": text for name, text in columns.items()},
        },
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(
        reverse("admin:tasks_task_process_import"),
        {name: form[name].value() for name in form.fields},
    )


def test_the_header_signature_ignores_spacing_and_wraps():
    spaced = annex(("序 号", "重点\n任务", "推进 举措", "主责单位"))

    assert annex_header(spaced, "a.xlsx").signature == (
        annex_header(annex(), "a.xlsx").signature
    )
    assert annex_header(annex(), "a.xlsx").texts == list(HEADER)


@pytest.mark.django_db
def test_columns_matched_in_the_preview_are_remembered_and_used_again(
    client, departments, users
):
    policy = Policy.objects.create(number="测试〔2026〕1号", title="测试政策")
    client.force_login(users["sysadmin"])

    refused = post(client, policy, annex())

    form = refused.context["form"]
    assert form.annex_header.texts == list(HEADER)
    text = refused.content.decode()
    assert "缺少“工作要求”列" in text
    assert '<option value="推进举措">推进举措</option>' in text
    assert not AnnexColumnMapping.objects.exists()

    preview = post(client, policy, annex(), **MAPPING)

    assert preview.context["result"].totals["new"] == 2
    saved = AnnexColumnMapping.objects.get()
    assert saved.mapping == MAPPING
    assert saved.header == "序号 | 重点任务 | 推进举措 | 主责单位"
    assert Task.objects.count() == 0  # the preview writes no task
    assert confirm(client, preview).status_code == 302
    assert Task.objects.filter(policy=policy).count() == 2

    # The next sheet of the same header needs no matching.
    more = ROWS + [(3, "健全技能评价体系", "推行职业技能等级认定", "市人社局")]
    again = post(client, policy, annex(rows=more))
    assert again.context["result"].totals["new"] == 1
    assert confirm(client, again).status_code == 302
    assert Task.objects.filter(policy=policy).count() == 3


@pytest.mark.django_db
def test_a_remembered_mapping_is_found_by_the_header(departments):
    from tasks.services import annex_mapping_save

    assert annex_mapping_for(annex()) is None
    annex_mapping_save(header=annex_header(annex(), "a.xlsx"), mapping=MAPPING)

    assert annex_mapping_for(annex()) == MAPPING
    other = annex(("序号", "重点任务", "工作举措", "主责单位"))
    assert annex_mapping_for(other) is None


@pytest.mark.django_db
def test_a_readable_header_is_not_asked_about(client, departments, users):
    policy = Policy.objects.create(number="测试〔2026〕2号", title="测试政策")
    client.force_login(users["sysadmin"])

    preview = post(client, policy, annex(("序号", "重点任务", "工作要求", "责任部门")))

    assert preview.context["result"].totals["new"] == 2
    assert not AnnexColumnMapping.objects.exists()


@pytest.mark.django_db
def test_the_system_administrator_sees_and_deletes_remembered_mappings(
    client, departments, users
):
    from tasks.services import annex_mapping_save

    saved = annex_mapping_save(header=annex_header(annex(), "a.xlsx"), mapping=MAPPING)
    client.force_login(users["sysadmin"])

    page = client.get(reverse("admin:tasks_annexcolumnmapping_changelist"))
    assert "序号 | 重点任务 | 推进举措 | 主责单位" in page.content.decode()
    client.post(
        reverse("admin:tasks_annexcolumnmapping_delete", args=[saved.pk]),
        {"post": "yes"},
    )
    assert not AnnexColumnMapping.objects.exists()
