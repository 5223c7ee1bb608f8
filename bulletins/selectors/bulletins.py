"""Reads of bulletins for the pages: lists, the version a reader sees, the
``text`` dict the documents are rendered from, the narrative drafted from
a snapshot, and the differences between two snapshots.

Every function here reads a fixed number of rows whatever the size of the
bulletin: the figures are one JSON value of the version.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from bulletins.models import (
    Bulletin,
    BulletinDelivery,
    BulletinVersion,
    RenderJob,
)

from .. import permissions
from ..wording import chinese_numeral

# A line that opens with 一、 or (一) is a heading of the narrative.
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^[((][一二三四五六七八九十]+[))]")

LIGHT_COUNT_LABELS = {
    "completed": "已完成",
    "on_pace": "按序时推进",
    "lagging": "滞后",
    "seriously_lagging": "严重滞后",
}
DISCIPLINE_LABELS = {
    "due": "应报送",
    "on_time": "按时报送",
    "late": "逾期报送",
    "missing": "未报送",
    "returned": "退回修改",
}
TARGET_COUNT_LABELS = {
    "green": "目标绿灯",
    "yellow": "目标黄灯",
    "red": "目标红灯",
    "none": "目标暂无读数",
    "achieved": "目标已达成",
    "missed": "目标未达成",
}


# -- the narrative -------------------------------------------------------------


def draft_title(figures: dict) -> str:
    return f"关于{figures['range']['label']}技能鹰潭行动工作推进情况的通报"


def draft_overview(figures: dict) -> str:
    """The office's opening words before 一、总体情况, for the reviewer to
    rewrite; the figures themselves are worded from the snapshot
    (``bulletins.wording.summary_lines``) on the page and in the
    document, so the draft does not repeat them."""
    label = figures["range"]["label"]
    policy = figures["policy"]
    source = f"《{policy['title']}》({policy['number']})" if policy["title"] else ""
    return (
        f"{label},各责任单位认真落实{source or '技能鹰潭行动'}部署,"
        f"按月报送工作进展。根据各单位报送并经审核的情况,"
        f"现将{label}工作推进情况通报如下。"
    )


def draft_fields(figures: dict, kind) -> dict:
    """A new bulletin's words: the title, the kind's lines and the drafted
    narrative, for the service that creates one and for a draft written
    straight to files (``make_bulletin`` without ``--issue``)."""
    return {
        "title": draft_title(figures),
        "issuer": kind.issuer,
        "recipients": kind.recipients,
        "copy_to": kind.copy_to,
        "printed_by": kind.printed_by,
        "overview": draft_overview(figures),
        "problems": draft_grouped(figures["problems"]),
        "next_steps": draft_grouped(figures["next_steps"]),
    }


def draft_grouped(groups: list[dict]) -> str:
    """存在问题 / 下步工作 drafted from the approved reports' words, one
    (一) heading per department."""
    paragraphs = []
    for i, group in enumerate(groups, start=1):
        paragraphs.append(f"({chinese_numeral(i)}){group['department']}")
        for item in group["items"]:
            paragraphs.append(f"第{item['task_number']}项:{item['text']}")
    return "\n\n".join(paragraphs)


def bulletin_text(
    bulletin: Bulletin, *, on: datetime.date, public: bool = False
) -> dict:
    """The words of a bulletin as the documents take them (issue 11's
    ``text`` dict), from the bulletin's current fields, dated ``on``."""
    day = on.isoformat()
    return {
        "issuer": bulletin.issuer,
        "title": bulletin.title,
        "number": bulletin.number,
        "recipients": bulletin.recipients,
        "overview": bulletin.overview,
        "problems": bulletin.problems,
        "next_steps": bulletin.next_steps,
        "signature": bulletin.issuer,
        "date": day,
        "copy_to": bulletin.copy_to,
        "printed_by": bulletin.printed_by,
        "printed_on": day,
        "public": public,
    }


@dataclass(frozen=True)
class Block:
    kind: str  # "h1", "h2" or "p"
    text: str


def text_blocks(text: str) -> list[Block]:
    """Paragraphs split on blank lines; one opening with 一、 or (一) is
    a heading."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        if HEADING_1.match(chunk):
            kind = "h1"
        elif HEADING_2.match(chunk):
            kind = "h2"
        else:
            kind = "p"
        blocks.append(Block(kind, chunk))
    return blocks


# -- what changed between two versions ----------------------------------------


def figures_changes(old: dict, new: dict) -> dict:
    """What differs from ``old`` to ``new``: headline counts, task and
    target lights, tasks added or removed. Every list empty: no change."""
    counts = []
    for block, labels in (
        ("lights", LIGHT_COUNT_LABELS),
        ("discipline", DISCIPLINE_LABELS),
        ("targets_summary", TARGET_COUNT_LABELS),
    ):
        for key, label in labels.items():
            before, after = old[block].get(key), new[block].get(key)
            if before != after:
                counts.append({"label": label, "before": before, "after": after})
    old_tasks = {t["id"]: t for t in old["tasks"]}
    new_tasks = {t["id"]: t for t in new["tasks"]}
    lights = [
        {
            "task_number": task["number"],
            "requirement": task["requirement"],
            "before": old_tasks[pk]["light_label"],
            "after": task["light_label"],
        }
        for pk, task in new_tasks.items()
        if pk in old_tasks and old_tasks[pk]["light"] != task["light"]
    ]
    old_targets = {t["id"]: t for t in old["targets"]}
    targets = [
        {
            "metric": target["metric"],
            "before": old_targets[pk]["light_label"],
            "after": target["light_label"],
        }
        for pk, target in ((t["id"], t) for t in new["targets"])
        if pk in old_targets and old_targets[pk]["light"] != target["light"]
    ]
    return {
        "counts": counts,
        "lights": lights,
        "targets": targets,
        "tasks_added": [
            {"number": t["number"], "requirement": t["requirement"]}
            for pk, t in new_tasks.items()
            if pk not in old_tasks
        ],
        "tasks_removed": [
            {"number": t["number"], "requirement": t["requirement"]}
            for pk, t in old_tasks.items()
            if pk not in new_tasks
        ],
    }


def has_changes(changes: dict) -> bool:
    return any(changes.get(key) for key in changes)


# -- lists and pages ----------------------------------------------------------


def bulletin_list(user) -> QuerySet[Bulletin]:
    """The user's bulletins, newest range first (2 queries with the page's
    count). A department user's rows carry when it first read each one."""
    rows = permissions.bulletins_for_user(user).select_related("policy", "kind")
    if not permissions.can_manage(user):
        rows = rows.annotate(
            read_at=Subquery(
                BulletinDelivery.objects.filter(
                    bulletin=OuterRef("pk"), department_id=user.department_id
                ).values("read_at")[:1]
            )
        )
    return rows.order_by("-last_year", "-last_month", "-pk")


def unread_bulletins(user) -> list[Bulletin]:
    """The issued bulletins sent to the user's department that nobody there
    has opened yet, newest first; one query."""
    if permissions.can_manage(user) or not user.department_id:
        return []
    return list(
        permissions.bulletins_for_user(user)
        .filter(
            deliveries__department_id=user.department_id,
            deliveries__read_at__isnull=True,
        )
        .order_by("-issued_at", "-pk")[:5]
    )


def public_bulletin_list() -> QuerySet[Bulletin]:
    return permissions.public_bulletins().order_by("-last_year", "-last_month", "-pk")


def shown_version(bulletin: Bulletin, user) -> BulletinVersion | None:
    """The reviewer reads the newest version; anyone else the newest
    issued one."""
    versions = bulletin.versions.all()
    if not permissions.can_manage(user):
        versions = versions.filter(issued_at__isnull=False)
    return versions.order_by("-number").first()


def latest_issued_version(bulletin: Bulletin) -> BulletinVersion | None:
    return bulletin.versions.filter(issued_at__isnull=False).order_by("-number").first()


def version_history(bulletin: Bulletin) -> list[BulletinVersion]:
    return list(
        bulletin.versions.select_related("created_by")
        .defer("figures", "text")
        .order_by("-number")
    )


def delivery_list(bulletin: Bulletin) -> list[BulletinDelivery]:
    return list(bulletin.deliveries.select_related("department"))


def latest_render_job(version: BulletinVersion) -> RenderJob | None:
    return version.render_jobs.order_by("-created_at", "-pk").first()


def previous_figures(*, bulletin: Bulletin | None, policy, kind, last) -> dict | None:
    """The figures of the last issued bulletin of the same policy and
    kind ending before ``last``: the ranks' changes are counted from it."""
    earlier = (
        BulletinVersion.objects.filter(
            issued_at__isnull=False,
            bulletin__policy=policy,
            bulletin__kind=kind,
        )
        .exclude(bulletin__last_year__gt=last[0])
        .exclude(bulletin__last_year=last[0], bulletin__last_month__gte=last[1])
    )
    if bulletin is not None:
        earlier = earlier.exclude(bulletin=bulletin)
    version = earlier.order_by(
        "-bulletin__last_year", "-bulletin__last_month", "-number"
    ).first()
    return version.figures if version else None


def mark_department(figures: dict, department_id: int | None) -> dict:
    """The snapshot's rows that concern ``department_id``, flagged
    ``mine`` so that the page can highlight them; a copy, the stored
    snapshot is left as it is."""
    if department_id is None:
        return figures
    marked = dict(figures)
    marked["tasks"] = [
        {
            **t,
            "mine": department_id in t["lead_ids"]
            or department_id in t["cooperating_ids"],
        }
        for t in figures["tasks"]
    ]
    marked["targets"] = [
        {**t, "mine": department_id in t["lead_ids"]} for t in figures["targets"]
    ]
    marked["lagging"] = [
        {**item, "mine": department_id in item["department_ids"]}
        for item in figures["lagging"]
    ]
    marked["departments"] = [
        {**d, "mine": d["id"] == department_id} for d in figures["departments"]
    ]
    for key in ("problems", "next_steps"):
        marked[key] = [
            {**g, "mine": g["department_id"] == department_id} for g in figures[key]
        ]
    # Other apps' sections: the indexes of the rows about the department.
    marked["sections"] = [
        {
            **section,
            "mine_rows": [
                index
                for index, row_department in enumerate(
                    section.get("department_ids") or []
                )
                if row_department == department_id
            ],
        }
        for section in figures.get("sections") or []
    ]
    return marked


def public_figures(figures: dict) -> dict:
    """The snapshot without what stays internal: the departments' own
    words in their reports (which may name people), proposed statuses."""
    public = dict(figures)
    public["tasks"] = [
        {**t, "progress": "", "next_steps": "", "proposed": "", "proposed_label": ""}
        for t in figures["tasks"]
    ]
    public["problems"] = []
    public["next_steps"] = []
    return public
