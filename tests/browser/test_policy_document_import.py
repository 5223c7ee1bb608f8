"""The administrator imports a second policy from its document as a person
clicks it: the policies' list, the upload, the preview with an unknown unit
to settle, the confirmation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.tasks.test_policy_document_import import YINGTAN


@pytest.fixture
def admin_user(transactional_db, users):
    return users["sysadmin"]


def test_sysadmin_imports_a_policy_from_its_document(page, admin_user, tmp_path):
    from tasks.models import KeyTask, Policy

    document = tmp_path / "家政方案.txt"
    document.write_text(YINGTAN, encoding="utf-8")
    login(page, "sysadmin")
    page.goto(page.base_url + "/admin/tasks/policy/")
    page.get_by_role("link", name="从正文导入新政策").click()

    page.get_by_label("政策正文").set_input_files(str(document))
    page.get_by_label("文号").fill("鹰人社发〔2026〕1号")
    page.get_by_role("button", name="上传并预览").click()

    expect(page.locator("#planned-key-tasks")).to_contain_text("开展家政技能培训")
    expect(page.locator("#planned-targets")).to_contain_text("培训家政服务人员")
    expect(page.locator("#unknown-units")).to_contain_text("市家政协会")
    assert not Policy.objects.exists()

    page.get_by_label("“市家政协会”").select_option(label="市妇联")
    page.get_by_role("button", name="按所选对应重新预览").click()
    expect(page.locator("#planned-key-tasks")).to_contain_text("市妇联")
    page.get_by_label("在公众页公开").check()
    page.get_by_role("button", name="确认导入").click()

    expect(page.locator(".messagelist")).to_contain_text("已导入政策")
    policy = Policy.objects.get(number="鹰人社发〔2026〕1号")
    assert policy.published
    assert KeyTask.objects.filter(policy=policy).count() == 3
