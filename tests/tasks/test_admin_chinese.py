"""The admin speaks Chinese where Django's own zh_Hans catalog falls short:
the filter_horizontal widget's strings (the department's 成员单位), served
in the admin's JavaScript catalog, and the annex import preview, which names
a changed field as the annex's column does (工作要求, not requirement)."""

import io
import json
import re
from pathlib import Path

import django.contrib.admin
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import Department, Policy
from tests.conftest import ANNEX_PATH, POLICY_NUMBER, import_annex_file

WIDGET = Path(django.contrib.admin.__file__).parent / "static/admin/js/SelectFilter2.js"


def catalog(client) -> dict:
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    found = re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_every_string_of_the_filter_widget_is_chinese(client, users):
    client.force_login(users["sysadmin"])
    strings = re.findall(r"gettext\('([^']+)'\)", WIDGET.read_text())
    assert len(strings) >= 9
    translated = catalog(client)
    untranslated = [
        text
        for text in strings
        if not re.search(r"[\u4e00-\u9fff]", str(translated.get(text, "")))
    ]
    assert untranslated == []
    assert translated["Choose all %s"] == "选择全部%s"


@pytest.mark.django_db
def test_the_department_page_loads_the_catalog_and_the_widget(client, users):
    client.force_login(users["sysadmin"])
    department = Department.objects.first()
    page = client.get(reverse("admin:tasks_department_change", args=[department.pk]))
    content = page.content.decode()
    assert f'src="{reverse("admin:jsi18n")}"' in content
    assert "SelectFilter2.js" in content
    # The policy lets the page load both from the portal itself.
    assert "script-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_import_preview_names_changed_fields_in_chinese(client, departments, users):
    import_annex_file()
    workbook = openpyxl.load_workbook(ANNEX_PATH)
    workbook.active["C4"] = "以建设先进铜产业学院为契机,修改后的工作要求。"
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(users["sysadmin"])

    preview = client.post(
        reverse("admin:tasks_task_import"),
        {
            "import_file": SimpleUploadedFile("附件.xlsx", buffer.getvalue()),
            "format": "0",
            "policy": Policy.objects.get(number=POLICY_NUMBER).pk,
        },
    )

    assert preview.context["result"].totals["update"] == 1
    text = preview.content.decode()
    assert "工作要求:" in text
    assert "→ 以建设先进铜产业学院为契机,修改后的工作要求。" in text
    assert "requirement:" not in text


def visible_words(response) -> list[str]:
    """The English words a person would read on an admin page."""
    content = response.content.decode()
    text = re.sub(r"<(script|style).*?</\1>", "", content, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    words = set(re.findall(r"[A-Za-z][A-Za-z ]{3,}", text))
    # Names, not words to translate: the signed-in user, the formats, the
    # keys the multiple-select help names.
    known = {"sysadmin", "xlsx", "csv", "Control", "Command", "Mac", "rsaquo"}
    return sorted(w.strip() for w in words if w.strip() and w.strip() not in known)


@pytest.mark.django_db
def test_the_export_page_offers_the_columns_by_their_chinese_names(client, users):
    client.force_login(users["sysadmin"])
    response = client.get(reverse("admin:tasks_task_export"))
    assert visible_words(response) == []
    content = response.content.decode()
    assert "工作要求" in content
    assert "全选" in content


@pytest.mark.django_db
def test_the_admin_pages_hold_no_english(client, departments, users):
    client.force_login(users["sysadmin"])
    department = Department.objects.first()
    for url in [
        reverse("admin:index"),
        reverse("admin:tasks_task_import"),
        reverse("admin:tasks_department_change", args=[department.pk]),
    ]:
        assert visible_words(client.get(url)) == [], url
