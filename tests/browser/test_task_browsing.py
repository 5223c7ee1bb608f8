import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login


@pytest.fixture
def loaded(transactional_db, users):
    from tests.conftest import import_annex_file, import_policy_text

    import_policy_text()
    import_annex_file()


def test_reporter_finds_department_tasks_and_opens_one(page, loaded):
    login(page, "reporter")
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="重点任务"
    ).click()
    expect(page.get_by_role("heading", name="重点任务及责任分工")).to_be_visible()
    expect(page.locator("#task-table")).to_contain_text("共 40 项工作要求")

    # Choosing a department and a role updates the table in place (htmx).
    page.get_by_label("责任部门").select_option(label="余江区人民政府")
    page.get_by_label("角色").select_option(label="牵头")
    expect(page.locator("#task-table")).to_contain_text("共 13 项工作要求")
    assert "department=" in page.url

    page.get_by_role("link", name="7", exact=True).click()
    expect(page.get_by_role("heading", name="任务7")).to_be_visible()
    expect(page.locator("main")).to_contain_text("六位一体")
