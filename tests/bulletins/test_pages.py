"""The bulletin pages as each reader meets them: the reviewer creates,
edits and issues; a department sees its own lines highlighted; the public
version hides the departments' own words; the render job's fragment polls
until done; query counts do not grow with the bulletin or the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bulletins import services
from bulletins.models import Bulletin, BulletinKind
from tasks.models import Department, Policy
from tests.bulletins.fake_figures import install_stub, make_figures

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def figures_stub(monkeypatch):
    return install_stub(monkeypatch)


@pytest.fixture
def units(departments):
    return [
        Department.objects.get(name=name)
        for name in ("市人社局", "贵溪市人民政府", "市财政局")
    ]


@pytest.fixture
def small_policy(departments):
    return Policy.objects.create(number="鹰办发〔2022〕22号", title="意见")


def make_bulletin(users, *, number="", issue=False):
    today = timezone.localdate()
    bulletin = services.bulletin_create(
        policy=Policy.objects.get(),
        kind=BulletinKind.objects.get(name="月度调度通报"),
        first=(today.year, today.month),
        last=(today.year, today.month),
        today=today,
        actor=users["reviewer"],
    )
    if number:
        services.bulletin_update(
            bulletin=bulletin, data={"number": number}, actor=users["reviewer"]
        )
    if issue:
        services.bulletin_issue(
            bulletin=bulletin, now=timezone.now(), actor=users["reviewer"]
        )
    return bulletin


@pytest.fixture
def issued(figures_stub, units, users, small_policy):
    figures_stub.figures = make_figures(units)
    return make_bulletin(users, number="鹰技能办〔2025〕3号", issue=True)


def detail(bulletin):
    return reverse("bulletins:bulletin-detail", args=[bulletin.pk])


def test_the_reviewer_creates_a_quarter_from_the_quick_choice(
    client, users, figures_stub, units, small_policy
):
    figures_stub.figures = make_figures(units)
    client.force_login(users["reviewer"])
    today = timezone.localdate()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    response = client.post(
        reverse("bulletins:bulletin-create"),
        {
            "policy": small_policy.pk,
            "kind": BulletinKind.objects.get(name="季度通报").pk,
            "quarter": quarter,
        },
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(bulletin)
    q = (today.month - 1) // 3 + 1
    assert bulletin.first == (today.year, 3 * q - 2)
    assert bulletin.last == (today.year, 3 * q)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2025/07", "2025-09", "起始月份“2025/07”应写作“2025-07”的形式"),
        ("2025-09", "2025-07", "截止月份早于起始月份"),
        ("", "", "请选择季度"),
    ],
)
def test_a_wrong_range_in_the_form_is_named_without_a_500(
    client, users, figures_stub, units, small_policy, first, last, message
):
    figures_stub.figures = make_figures(units)
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("bulletins:bulletin-create"),
        {
            "policy": small_policy.pk,
            "kind": BulletinKind.objects.get(name="季度通报").pk,
            "first": first,
            "last": last,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Bulletin.objects.exists()


def test_editing_with_a_bad_document_number_says_why(
    client, users, figures_stub, units, small_policy
):
    figures_stub.figures = make_figures(units)
    bulletin = make_bulletin(users)
    client.force_login(users["reviewer"])
    url = reverse("bulletins:bulletin-edit", args=[bulletin.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(url, {**data, "number": "鹰技能办〔2025〕007号"})
    assert response.status_code == 400
    assert "不能以 0 开头" in response.content.decode()
    response = client.post(url, {**data, "number": "鹰技能办〔2025〕7号"})
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.number == "鹰技能办〔2025〕7号"


def test_the_edit_page_of_an_issued_bulletin_sends_back_to_it(client, users, issued):
    client.force_login(users["reviewer"])
    response = client.get(reverse("bulletins:bulletin-edit", args=[issued.pk]))
    assert response.status_code == 302 and response["Location"] == detail(issued)


def test_the_reviewer_issues_from_the_page(
    client, users, figures_stub, units, small_policy
):
    figures_stub.figures = make_figures(units)
    bulletin = make_bulletin(users, number="鹰技能办〔2025〕4号")
    client.force_login(users["reviewer"])
    url = reverse("bulletins:bulletin-action", args=[bulletin.pk, "issue"])
    response = client.post(url, follow=True)
    assert "通报已签发" in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.state == "issued" and bulletin.deliveries.count() == 3
    again = client.post(url, follow=True)
    assert "通报已经签发" in again.content.decode()


def test_a_department_sees_its_own_lines_highlighted_and_its_read_is_recorded(
    client, users, issued
):
    client.force_login(users["reporter"])
    response = client.get(detail(issued))
    assert response.status_code == 200
    departments = response.context["figures"]["departments"]
    assert [d["name"] for d in departments if d["mine"]] == ["贵溪市人民政府"]
    # 贵溪市 cooperates on every task of the snapshot.
    assert all(t["mine"] for t in response.context["figures"]["tasks"])
    html = response.content.decode()
    assert '<tr class="mine"><td class="num">2</td><td>贵溪市人民政府</td>' in html
    delivery = issued.deliveries.get(department=users["reporter"].department)
    assert delivery.read_at is not None
    # The stored snapshot itself is not marked.
    assert "mine" not in issued.versions.get().figures["departments"][0]


def section(units):
    return {
        "key": "extra",
        "title": "督导整改情况",
        "lines": [],
        "columns": [["责任单位", 40], ["发现问题", 20]],
        "rows": [[u.name, 3] for u in units],
        "department_ids": [u.pk for u in units],
    }


def test_a_department_sees_its_own_row_of_an_added_section_highlighted(
    client, users, figures_stub, units, small_policy
):
    figures_stub.figures = {**make_figures(units), "sections": [section(units)]}
    bulletin = make_bulletin(users, number="鹰技能办〔2025〕3号", issue=True)
    client.force_login(users["reporter"])
    response = client.get(detail(bulletin))

    [marked] = response.context["figures"]["sections"]
    assert marked["mine_rows"] == [1]
    html = response.content.decode()
    assert '<tr class="mine"><td>贵溪市人民政府</td><td>3</td></tr>' in html
    assert "<tr><td>市人社局</td><td>3</td></tr>" in html
    assert "mine_rows" not in bulletin.versions.get().figures["sections"][0]

    client.force_login(users["reviewer"])
    html = client.get(detail(bulletin)).content.decode()
    assert "<tr><td>贵溪市人民政府</td><td>3</td></tr>" in html


def test_a_section_without_department_ids_marks_no_row(
    client, users, figures_stub, units, small_policy
):
    """Snapshots issued before sections named their rows' departments."""
    old = section(units)
    del old["department_ids"]
    figures_stub.figures = {**make_figures(units), "sections": [old]}
    bulletin = make_bulletin(users, number="鹰技能办〔2025〕3号", issue=True)
    client.force_login(users["reporter"])
    html = client.get(detail(bulletin)).content.decode()

    assert "<tr><td>贵溪市人民政府</td><td>3</td></tr>" in html


def test_the_department_home_names_the_bulletin_until_someone_reads_it(
    client, users, issued
):
    client.force_login(users["reporter"])
    home = reverse("dispatch:my-tasks")
    html = client.get(home).content.decode()
    assert "新收到的通报" in html and issued.get_absolute_url() in html
    client.force_login(users["other_department"])
    assert "新收到的通报" not in client.get(home).content.decode()
    client.force_login(users["leader"])  # the same department reads it
    client.get(detail(issued))
    client.force_login(users["reporter"])
    assert "新收到的通报" not in client.get(home).content.decode()


def test_the_reviewer_sees_no_highlight(client, users, issued):
    client.force_login(users["reviewer"])
    html = client.get(detail(issued)).content.decode()
    assert 'class="mine"' not in html
    assert "送达情况" in html and "未读" in html


def test_an_issued_bulletin_is_shown_from_its_snapshot_not_recomputed(
    client, users, issued, figures_stub
):
    figures_stub.figures = None  # any recomputation would fail
    calls = len(figures_stub.calls)
    client.force_login(users["reporter"])
    response = client.get(detail(issued))
    assert response.status_code == 200
    assert "第3项工作要求" in response.content.decode()
    assert len(figures_stub.calls) == calls


def test_the_page_words_the_figures_once_after_the_offices_opening(
    client, users, issued
):
    from bulletins.wording import summary_lines

    client.force_login(users["reviewer"])
    html = client.get(detail(issued)).content.decode()
    lines = summary_lines(issued.versions.get().figures)
    assert all(html.count(line) == 1 for line in lines)
    assert html.index("通报如下") < html.index(lines[0])


def test_a_department_keeps_reading_the_issued_version_during_a_correction(
    client, users, issued, figures_stub, units
):
    figures_stub.figures = make_figures(units, tasks=[(9, "red")])
    services.bulletin_regenerate(
        bulletin=issued, today=timezone.localdate(), actor=users["reviewer"]
    )
    client.force_login(users["reporter"])
    html = client.get(detail(issued)).content.decode()
    assert "第3项工作要求" in html and "第9项工作要求" not in html
    client.force_login(users["reviewer"])
    html = client.get(detail(issued)).content.decode()
    assert "第9项工作要求" in html and "新增第9项" in html


def test_a_department_lists_only_the_bulletins_sent_to_it(
    client, users, issued, figures_stub, units
):
    make_bulletin(users)  # a draft
    client.force_login(users["reporter"])
    rows = list(client.get(reverse("bulletins:bulletin-list")).context["bulletins"])
    assert rows == [issued] and rows[0].read_at is None
    client.force_login(users["other_department"])
    assert (
        list(client.get(reverse("bulletins:bulletin-list")).context["bulletins"]) == []
    )
    client.force_login(users["reviewer"])
    assert len(client.get(reverse("bulletins:bulletin-list")).context["bulletins"]) == 2


def test_the_public_version_hides_the_departments_words_and_drafts(
    client, users, issued
):
    reviewer = users["reviewer"]
    public_list = reverse("public-bulletins:list")
    public_detail = reverse("public-bulletins:detail", args=[issued.pk])
    assert client.get(public_detail).status_code == 404
    services.bulletin_publish(
        bulletin=issued, published=True, now=timezone.now(), actor=reviewer
    )
    assert issued.title in client.get(public_list).content.decode()
    html = client.get(public_detail).content.decode()
    assert issued.title in html and "鹰技能办〔2025〕3号" in html
    assert "张三" not in html  # a person named in a department's report
    assert reviewer.username not in html
    draft = make_bulletin(users)
    assert (
        client.get(reverse("public-bulletins:detail", args=[draft.pk])).status_code
        == 404
    )


def test_the_render_fragment_polls_until_the_job_is_done(
    client, users, issued, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    job = services.render_job_create(
        version=issued.versions.get(), actor=users["reviewer"]
    )
    client.force_login(users["reporter"])
    url = reverse("bulletins:render-job", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html and "排队中" in html
    services.render_job_start(job=job, now=now)
    services.render_job_progress(job=job, progress=60, message="正在转换 PDF")
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html and 'value="60"' in html
    (tmp_path / "bulletins" / "1").mkdir(parents=True)
    (tmp_path / "bulletins" / "1" / "b.pdf").write_bytes(PDF)
    services.render_job_finish(job=job, files={"pdf": "1/b.pdf"}, now=now)
    html = client.get(url).content.decode()
    assert "hx-trigger" not in html
    download = reverse("bulletins:document-download", args=[job.pk, "pdf"])
    assert download in html
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    missing = reverse("bulletins:document-download", args=[job.pk, "docx"])
    assert client.get(missing).status_code == 404


def test_a_failed_job_shows_its_reason_and_stops_polling(client, users, issued):
    job = services.render_job_create(
        version=issued.versions.get(), actor=users["reviewer"]
    )
    services.render_job_fail(job=job, reason="LibreOffice 转换超时", now=timezone.now())
    client.force_login(users["reviewer"])
    html = client.get(reverse("bulletins:render-job", args=[job.pk])).content.decode()
    assert "文件生成失败:LibreOffice 转换超时" in html and "hx-trigger" not in html


def test_the_render_action_queues_a_job(client, users, issued, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "bulletins.jobs.jobs.enqueue",
        lambda func, job_id, **kwargs: queued.append(job_id),
    )
    client.force_login(users["reviewer"])
    url = reverse("bulletins:bulletin-action", args=[issued.pk, "render"])
    response = client.post(url, follow=True)
    job = issued.versions.get().render_jobs.get()
    assert queued == [job.pk]
    assert "已开始生成" in response.content.decode()
    again = client.post(url, follow=True)
    assert "正在生成" in again.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "reporter"])
def test_the_bulletin_page_costs_the_same_queries_for_a_small_and_a_big_bulletin(
    client,
    users,
    figures_stub,
    units,
    small_policy,
    departments,
    role,
    django_assert_max_num_queries,
):
    everyone = list(Department.objects.exclude(kind="group")[:30])
    figures_stub.figures = make_figures(units, tasks=[(1, "red")])
    small = make_bulletin(users, number="鹰技能办〔2025〕1号", issue=True)
    big_units = units + [d for d in everyone if d not in units]
    figures_stub.figures = make_figures(
        big_units, tasks=[(n, ("green", "yellow", "red")[n % 3]) for n in range(40)]
    )
    big = make_bulletin(users, number="鹰技能办〔2025〕2号", issue=True)
    assert big.deliveries.count() > 3 * small.deliveries.count()
    client.force_login(users[role])
    counts = []
    for bulletin in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail(bulletin)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(detail(big))


def test_the_list_costs_the_same_queries_for_two_and_twelve_bulletins(
    client, users, figures_stub, units, small_policy
):
    figures_stub.figures = make_figures(units)
    counts = {}
    for role in ("reviewer", "reporter"):
        client.force_login(users[role])
        counts[role] = []
    made = 0
    for size in (2, 12):
        while made < size:
            made += 1
            make_bulletin(users, number=f"鹰技能办〔2025〕{made}号", issue=True)
        for role in ("reviewer", "reporter"):
            client.force_login(users[role])
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("bulletins:bulletin-list"))
            assert len(response.context["bulletins"]) == size
            counts[role].append(len(queries))
    assert counts["reviewer"][0] == counts["reviewer"][1]
    assert counts["reporter"][0] == counts["reporter"][1]


def test_the_public_page_links_to_the_published_bulletins(client, db):
    html = client.get(reverse("public")).content.decode()
    assert reverse("public-bulletins:list") in html
