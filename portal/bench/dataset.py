"""The province-scale dataset of issue 10, written in bulk.

At ``scale=1``: 200 departments; 25 policies × 40 tasks (10 key tasks, 5
sections each), each task with a lead and one to three cooperating
departments (2.4 on average, so that 60 months give about 206,000
reports); 60 monthly periods ending with the current month, the last one
open; about 411,000 transitions; 1,500 targets with about 29,000 readings,
some given in reports; 650,000 audit events. Smaller scales shrink every
count (``sizes_for``) for a quick run or a test.

Rows are written as the services would leave them (states reached by the
workflow's moves, a transition and an audit event per move), but in bulk:
``COPY`` on PostgreSQL, ``executemany`` elsewhere, with ids given here so
that children can point at their parents without reading them back. The
audit rows form a valid hash chain, computed in order under the chain's
lock, so ``verify_audit`` passes (it notes only that no checkpoint file
exists for them).

The builder refuses a database that already holds a policy: it is meant
for a fresh, migrated database (``yingtan_bench``).
"""

import datetime
import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.roles import RoleName
from accounts.services import roles_ensure
from audit.models import AuditAction, AuditEvent, row_hash
from audit.services import audit_lock
from audit.signing import chain_key
from dispatch.models import (
    PeriodStatus,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    ReportTransition,
)
from portal.demo import NEXT_STEPS, PROBLEMS, PROGRESS, RETURN_REASONS
from targets.models import (
    Comparator,
    Reading,
    ReadingSource,
    ReviewStatus,
    Target,
    TargetKind,
)
from tasks.models import (
    Department,
    DepartmentKind,
    KeyTask,
    KeyTaskAssignment,
    Policy,
    Responsibility,
    Role,
    Section,
    Task,
)

# Every bench account signs in with this password (the load run does).
BENCH_PASSWORD = "Bench#2026load"  # noqa: S105 - a throwaway bench database
REPORTER_PREFIX = "bench-r"
REVIEWER_PREFIX = "bench-reviewer"
AUDITOR = "bench-auditor"
SECTIONS_PER_POLICY = 5
KEY_TASKS_PER_POLICY = 10
# Departments by kind, in the proportions of the city's own list.
KIND_WEIGHTS = [
    (DepartmentKind.CITY, 60),
    (DepartmentKind.COUNTY, 6),
    (DepartmentKind.PARK, 10),
    (DepartmentKind.SCHOOL, 10),
    (DepartmentKind.MASS, 9),
    (DepartmentKind.OFFICE, 5),
]
UNITS = ["人次", "人", "家", "个", "%"]
COPY_BATCH = 5000


class DatasetError(Exception):
    """The dataset cannot be built here, with a message in Chinese."""


@dataclass(frozen=True)
class Sizes:
    departments: int
    policies: int
    tasks_per_policy: int
    periods: int
    targets: int
    readings: int
    audit_events: int
    reviewers: int = 5


def sizes_for(scale: float) -> Sizes:
    """The counts at ``scale`` (1 = province scale). Periods shrink with
    the square root, so that a small dataset still has several months."""
    if scale <= 0:
        raise DatasetError("规模须大于 0。")
    return Sizes(
        departments=max(8, round(200 * scale)),
        policies=max(1, round(25 * scale)),
        tasks_per_policy=40,
        periods=min(60, max(3, round(60 * scale**0.5))),
        targets=max(10, round(1500 * scale)),
        readings=max(40, round(29000 * scale)),
        audit_events=max(500, round(650000 * scale)),
    )


@dataclass
class Built:
    counts: dict[str, int]
    seconds: float


# -- writing rows in bulk ------------------------------------------------------


class _Table:
    """Rows of one model, given as tuples in the order of ``columns``
    (attnames), written by COPY on PostgreSQL and by executemany
    elsewhere. Ids are the caller's; a column not given gets its field's
    default, which Django sets in Python, not in the database."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.model = model
        rest = [f for f in model._meta.concrete_fields if f.attname not in columns]
        self.fields = [by_attname[name] for name in columns] + rest
        self.defaults = tuple(f.get_default() for f in rest)
        self.written = 0

    def next_id(self) -> int:
        return (self.model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def write(self, rows: Iterable[tuple]) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        count = 0
        if self.defaults:
            rows = (row + self.defaults for row in rows)
        if connection.vendor == "postgresql":
            jsons = [
                i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)
            ]
            connection.ensure_connection()
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    if jsons:
                        row = list(row)
                        for i in jsons:
                            if row[i] is not None:
                                row[i] = json.dumps(row[i], ensure_ascii=False)
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            # Names quoted from the model's own metadata, values as params.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            batch: list[list] = []
            with connection.cursor() as cursor:
                for row in rows:
                    batch.append(
                        [
                            f.get_db_prep_save(value, connection)
                            for f, value in zip(self.fields, row, strict=True)
                        ]
                    )
                    if len(batch) >= COPY_BATCH:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.written += count
        return count


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    """Ids were given here: move each table's sequence past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# -- the audit chain ----------------------------------------------------------

AUDIT_COLUMNS = [
    "id",
    "at",
    "actor_id",
    "actor_username",
    "actor_department",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "department",
    "before",
    "after",
    "prev_hash",
    "hash",
]


class _Chain:
    """Audit rows, hashed in order of id after the last row already in the
    table, as ``audit_record`` would have chained them."""

    def __init__(self):
        audit_lock()
        self.table = _Table(AuditEvent, AUDIT_COLUMNS)
        last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        self.next_id = (last[0] + 1) if last else 1
        self.prev = last[1] if last else ""
        self.key = chain_key()

    def write(self, events: list[dict]) -> int:
        """Events as dicts of the hashed fields; written in order of
        ``at``."""
        events.sort(key=lambda event: event["at"])
        return self.table.write(self._rows(events))

    def _rows(self, events: list[dict]) -> Iterator[tuple]:
        for event in events:
            at = event["at"]
            row = {
                "at": at.astimezone(datetime.UTC).isoformat(),
                "actor_id": event.get("actor_id"),
                "actor_username": event.get("actor_username", ""),
                "actor_department": event.get("actor_department", ""),
                "ip": event.get("ip"),
                "action": event["action"],
                "object_type": event.get("object_type", ""),
                "object_id": event.get("object_id", ""),
                "object_repr": event.get("object_repr", ""),
                "department": event.get("department", ""),
                "before": event.get("before"),
                "after": event.get("after"),
                "prev_hash": self.prev,
            }
            digest = row_hash(row, key=self.key)
            yield (
                self.next_id,
                at,
                row["actor_id"],
                row["actor_username"],
                row["actor_department"],
                row["ip"],
                row["action"],
                row["object_type"],
                row["object_id"],
                row["object_repr"],
                row["department"],
                row["before"],
                row["after"],
                self.prev,
                digest,
            )
            self.prev = digest
            self.next_id += 1


# -- the builder ---------------------------------------------------------------


def _months_ending(today: datetime.date, count: int) -> list[tuple[int, int]]:
    index = today.year * 12 + today.month - 1
    return [(i // 12, i % 12 + 1) for i in range(index - count + 1, index + 1)]


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), timezone.get_current_timezone()
    )


class _Builder:
    def __init__(
        self,
        sizes: Sizes,
        seed: int,
        now: datetime.datetime,
        say: Callable[[str], None],
    ):
        self.sizes = sizes
        self.rng = random.Random(seed)  # noqa: S311 - bench data, not secrets
        self.now = now
        self.today = timezone.localdate(now)
        self.say = say
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        if Policy.objects.exists() or ReportingPeriod.objects.exists():
            raise DatasetError(
                "数据库中已有政策或填报期:基准数据只写入新建并已迁移的数据库。"
            )
        self.groups = roles_ensure()
        self.chain = _Chain()
        self._departments()
        self._users()
        self._plan()
        self._periods()
        self._reports()
        self._targets()
        _reset_sequences(
            [
                Department,
                User,
                User.groups.through,
                Policy,
                Section,
                KeyTask,
                KeyTaskAssignment,
                Task,
                Responsibility,
                ReportingPeriod,
                ProgressReport,
                ReportTransition,
                Target,
                Reading,
                AuditEvent,
            ]
        )
        self.counts["audit_events"] = self.chain.table.written
        return self.counts

    # departments and accounts

    def _departments(self):
        table = _Table(Department, ["id", "name", "full_name", "kind", "sort_order"])
        first = table.next_id()
        kinds = [kind for kind, weight in KIND_WEIGHTS for _ in range(weight)]
        rows = []
        for i in range(self.sizes.departments):
            kind = kinds[i % len(kinds)]
            name = f"{kind.label[:4]}{i + 1:03d}"
            rows.append((first + i, name, f"基准{name}", kind, i + 1))
        table.write(rows)
        self.departments = [(row[0], row[1]) for row in rows]
        self.counts["departments"] = len(rows)

    def _users(self):
        password = make_password(BENCH_PASSWORD)
        columns = [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "department_id",
            "must_change_password",
            "password_changed_at",
        ]
        table = _Table(User, columns)
        first = table.next_id()
        hub = self.departments[0]
        people = [
            (f"{REPORTER_PREFIX}{i + 1:03d}", RoleName.REPORTER, dept, "填报员")
            for i, dept in enumerate(self.departments)
        ]
        people += [
            (f"{REVIEWER_PREFIX}{i + 1}", RoleName.REVIEWER, hub, "审核员")
            for i in range(self.sizes.reviewers)
        ]
        people.append((AUDITOR, RoleName.AUDITOR, hub, "审计管理员"))
        joined = self.now - datetime.timedelta(days=1)
        rows, links, events = [], [], []
        for i, (username, role, (dept_id, dept_name), title) in enumerate(people):
            pk = first + i
            rows.append(
                (
                    pk,
                    password,
                    False,
                    username,
                    f"{dept_name}{title}",
                    "",
                    "",
                    False,
                    True,
                    joined,
                    dept_id,
                    False,
                    self.now,
                )
            )
            links.append((pk, self.groups[role].pk))
            events.append(
                {
                    "at": joined,
                    "action": AuditAction.ACCOUNT_CREATE.value,
                    "object_type": "accounts.user",
                    "object_id": str(pk),
                    "object_repr": f"{dept_name}{title}",
                    "after": {"username": username, "role": role.value},
                }
            )
        table.write(rows)
        through = User.groups.through
        link_table = _Table(through, ["id", "user_id", "group_id"])
        start = link_table.next_id()
        link_table.write((start + i, u, g) for i, (u, g) in enumerate(links))
        self.chain.write(events)
        users = {row[3]: (row[0], row[10]) for row in rows}
        self.reporters = {
            dept_id: (users[f"{REPORTER_PREFIX}{i + 1:03d}"][0], name)
            for i, (dept_id, name) in enumerate(self.departments)
        }
        self.reviewers = [
            users[f"{REVIEWER_PREFIX}{i + 1}"][0] for i in range(self.sizes.reviewers)
        ]
        self.usernames = {row[0]: row[3] for row in rows}
        self.counts["users"] = len(rows)

    # the plan

    def _plan(self):
        rng, sizes = self.rng, self.sizes
        issued = datetime.date(*_months_ending(self.today, sizes.periods)[0], 1)
        policy_t = _Table(
            Policy, ["id", "number", "title", "issuer", "issued_on", "validity", "text"]
        )
        section_t = _Table(Section, ["id", "policy_id", "number", "title"])
        key_t = _Table(
            KeyTask,
            ["id", "policy_id", "number", "section_id", "title", "annex_title"],
        )
        assign_t = _Table(
            KeyTaskAssignment,
            ["id", "key_task_id", "department_id", "role", "position"],
        )
        task_t = _Table(
            Task,
            [
                "id",
                "policy_id",
                "key_task_id",
                "number",
                "requirement",
                "departments_text",
            ],
        )
        resp_t = _Table(
            Responsibility, ["id", "task_id", "department_id", "role", "position"]
        )
        ids = {t: t.next_id() for t in (policy_t, section_t, key_t, assign_t, task_t)}
        ids[resp_t] = resp_t.next_id()

        def take(table):
            ids[table] += 1
            return ids[table] - 1

        policies, sections, keys, assigns, tasks, resps = [], [], [], [], [], []
        self.tasks: list[tuple[int, int, int]] = []  # (task id, policy id, number)
        # task id -> [(department id, role)], lead first
        self.responsibilities: dict[int, list[tuple[int, str]]] = {}
        names = dict(self.departments)
        dept_ids = [pk for pk, _ in self.departments]
        for p in range(sizes.policies):
            policy_id = take(policy_t)
            policies.append(
                (
                    policy_id,
                    f"鹰基准发〔{issued.year}〕{p + 1}号",
                    f"基准政策{p + 1}:关于推进技能人才工作的实施意见",
                    "鹰潭市人民政府办公室",
                    issued,
                    "有效",
                    "",
                )
            )
            section_ids = []
            for s in range(SECTIONS_PER_POLICY):
                section_ids.append(take(section_t))
                sections.append((section_ids[-1], policy_id, s + 1, f"主要任务{s + 1}"))
            key_ids = []
            for k in range(KEY_TASKS_PER_POLICY):
                key_id = take(key_t)
                key_ids.append(key_id)
                section = section_ids[k * SECTIONS_PER_POLICY // KEY_TASKS_PER_POLICY]
                title = f"重点任务{k + 1}:技能提升专项行动"
                keys.append((key_id, policy_id, k + 1, section, title, title))
                for position, dept in enumerate(rng.sample(dept_ids, 3)):
                    role = Role.LEAD if position == 0 else Role.COOPERATING
                    assigns.append((take(assign_t), key_id, dept, role, position))
            for t in range(sizes.tasks_per_policy):
                task_id = take(task_t)
                key_id = key_ids[t * KEY_TASKS_PER_POLICY // sizes.tasks_per_policy]
                cooperating = rng.choices([1, 2, 3], weights=[1, 4, 5])[0]
                chosen = rng.sample(dept_ids, 1 + cooperating)
                tasks.append(
                    (
                        task_id,
                        policy_id,
                        key_id,
                        t + 1,
                        f"工作要求{t + 1}:组织开展职业技能培训,完成年度培训任务。",
                        "、".join(names[d] for d in chosen),
                    )
                )
                self.tasks.append((task_id, policy_id, t + 1))
                roles = []
                for position, dept in enumerate(chosen):
                    role = Role.LEAD if position == 0 else Role.COOPERATING
                    resps.append((take(resp_t), task_id, dept, role, position))
                    roles.append((dept, role))
                self.responsibilities[task_id] = roles
        for table, rows in [
            (policy_t, policies),
            (section_t, sections),
            (key_t, keys),
            (assign_t, assigns),
            (task_t, tasks),
            (resp_t, resps),
        ]:
            table.write(rows)
        self.task_key = {row[0]: row[2] for row in tasks}
        self.task_number = {row[0]: row[3] for row in tasks}
        self.counts.update(
            policies=len(policies),
            tasks=len(tasks),
            key_tasks=len(keys),
            responsibilities=len(resps),
        )

    # periods, reports, transitions and their audit events

    def _periods(self):
        table = _Table(
            ReportingPeriod,
            ["id", "year", "month", "deadline", "status", "opened_at", "closed_at"],
        )
        first = table.next_id()
        months = _months_ending(self.today, self.sizes.periods)
        rows = []
        for i, (year, month) in enumerate(months):
            current = i == len(months) - 1
            opened = min(_at(datetime.date(year, month, 1)), self.now)
            if current:
                deadline = max(
                    datetime.date(year, month, 25),
                    self.today + datetime.timedelta(days=5),
                )
                rows.append(
                    (first + i, year, month, deadline, PeriodStatus.OPEN, opened, None)
                )
            else:
                deadline = datetime.date(year, month, 25)
                closed = _at(deadline + datetime.timedelta(days=6), 18)
                rows.append(
                    (
                        first + i,
                        year,
                        month,
                        deadline,
                        PeriodStatus.CLOSED,
                        opened,
                        closed,
                    )
                )
        table.write(rows)
        self.periods = rows
        self.counts["periods"] = len(rows)

    def _reports(self):
        report_t = _Table(
            ProgressReport,
            [
                "id",
                "task_id",
                "department_id",
                "period_id",
                "role",
                "progress",
                "problems",
                "next_steps",
                "proposed_status",
                "completion",
                "state",
                "version",
                "submitted_at",
                "is_late",
                "overdue_marked_at",
                "reopened",
                "updated_at",
                "updated_by_id",
            ],
        )
        move_t = _Table(
            ReportTransition,
            ["id", "report_id", "action", "from_state", "to_state", "actor_id"]
            + ["reason", "at"],
        )
        self.report_id = report_t.next_id()
        self.move_id = move_t.next_id()
        # (task id, period index) -> the lead report's id, for readings.
        self.lead_reports: dict[tuple[int, int], int] = {}
        for index, period in enumerate(self.periods):
            reports, moves, events = self._period_rows(index, period)
            report_t.write(reports)
            move_t.write(moves)
            # Sign-ins fill the audit trail up to its size, spread evenly
            # over the months.
            left = len(self.periods) - index
            share = (self.sizes.audit_events - self.chain.table.written) / left
            logins = max(0, round(share) - len(events))
            events += self._logins(period, logins)
            self.chain.write(events)
        self.counts["reports"] = report_t.written
        self.counts["transitions"] = move_t.written

    def _period_rows(self, index: int, period: tuple):
        rng = self.rng
        period_id, year, month, deadline, status, opened, closed = period
        current = status == PeriodStatus.OPEN
        due = _at(deadline, 18)
        label = f"{year}年{month}月"
        reports, moves, events = [], [], []
        events.append(
            {
                "at": opened,
                "action": AuditAction.PERIOD_OPEN.value,
                "object_type": "dispatch.reportingperiod",
                "object_id": str(period_id),
                "object_repr": label,
            }
        )
        if closed is not None:
            events.append(
                {
                    "at": closed,
                    "action": AuditAction.PERIOD_CLOSE.value,
                    "object_type": "dispatch.reportingperiod",
                    "object_id": str(period_id),
                    "object_repr": label,
                    "after": {"status": "closed"},
                }
            )
        span = (self.now - opened) if current else (due - opened)
        hub = self.departments[0][1]

        def when(after: datetime.datetime, hours: float) -> datetime.datetime:
            moment = after + datetime.timedelta(hours=hours)
            return min(moment, self.now) if current else moment

        for task_id, roles in self.responsibilities.items():
            for dept_id, role in roles:
                pk = self.report_id
                self.report_id += 1
                if role == Role.LEAD:
                    self.lead_reports[(task_id, index)] = pk
                author, dept_name = self.reporters[dept_id]
                reviewer = rng.choice(self.reviewers)
                outcome = rng.random()
                if current:
                    path = (
                        ["draft"]
                        if outcome < 0.45
                        else ["submit"]
                        if outcome < 0.65
                        else ["submit", "return"]
                        if outcome < 0.75
                        else ["submit", "approve"]
                    )
                else:
                    path = (
                        ["draft"]
                        if outcome < 0.04
                        else ["submit", "return"]
                        if outcome < 0.06
                        else ["submit"]
                        if outcome < 0.08
                        else ["submit", "return", "submit", "approve"]
                        if outcome < 0.15
                        else ["submit", "approve"]
                    )
                saved = path != ["draft"] or rng.random() < 0.5
                late = not current and path != ["draft"] and rng.random() < 0.1
                if current:
                    start = opened + span * rng.random() * 0.5
                else:
                    start = due - datetime.timedelta(
                        days=rng.randint(0, 6), hours=rng.randint(0, 8)
                    )
                    if late:
                        start = due + datetime.timedelta(days=rng.randint(1, 4))
                repr_ = f"{label} 任务{self.task_number[task_id]} {dept_name}"
                base = {
                    "object_type": "dispatch.progressreport",
                    "object_id": str(pk),
                    "object_repr": repr_,
                    "department": dept_name,
                }
                status_value = rng.choices(
                    list(PROGRESS), weights=[6, 2, 1, 1 if index > 1 else 0]
                )[0]
                version = 0
                moment = start
                state = ReportState.DRAFT
                submitted_at = None
                updated_by = None
                if saved:
                    version = 1
                    updated_by = author
                    events.append(
                        self._by(author, dept_name)
                        | base
                        | {
                            "at": moment,
                            "action": AuditAction.REPORT_SAVE.value,
                            "after": {"version": 1, "proposed_status": status_value},
                        }
                    )
                for step, action in enumerate(p for p in path if p != "draft"):
                    moment = when(moment, 1 + step * 20 * rng.random())
                    target_state = {
                        "submit": ReportState.SUBMITTED,
                        "return": ReportState.RETURNED,
                        "approve": ReportState.APPROVED,
                    }[action]
                    actor = author if action == "submit" else reviewer
                    reason = rng.choice(RETURN_REASONS) if action == "return" else ""
                    if action == "submit" and state == ReportState.RETURNED:
                        version += 1
                        events.append(
                            self._by(author, dept_name)
                            | base
                            | {
                                "at": moment,
                                "action": AuditAction.REPORT_SAVE.value,
                                "after": {"version": version},
                            }
                        )
                    if action == "submit":
                        submitted_at = moment
                    moves.append(
                        (
                            self.move_id,
                            pk,
                            action,
                            state,
                            target_state,
                            actor,
                            reason,
                            moment,
                        )
                    )
                    self.move_id += 1
                    events.append(
                        self._by(actor, dept_name if actor == author else hub)
                        | base
                        | {
                            "at": moment,
                            "action": f"report.{action}",
                            "before": {"state": state.value},
                            "after": {"state": target_state.value}
                            | ({"reason": reason} if reason else {}),
                        }
                    )
                    updated_by = actor if action == "submit" else updated_by
                    state = target_state
                n, m = rng.randint(1, 6), rng.randint(50, 900)
                overdue = (
                    not current
                    and state in (ReportState.DRAFT, ReportState.RETURNED)
                    and _at(deadline + datetime.timedelta(days=1), 0)
                )
                reports.append(
                    (
                        pk,
                        task_id,
                        dept_id,
                        period_id,
                        role,
                        PROGRESS[status_value].format(n=n, m=m) if saved else "",
                        PROBLEMS
                        if saved and status_value != ProgressStatus.ON_TRACK
                        else "",
                        NEXT_STEPS if saved else "",
                        status_value if saved else "",
                        rng.choice([None, 30, 50, 60, 75, 90, 100]) if saved else None,
                        state,
                        version,
                        submitted_at,
                        late,
                        overdue or None,
                        False,
                        moment,
                        updated_by,
                    )
                )
        return reports, moves, events

    def _by(self, user_id: int, department: str) -> dict:
        return {
            "actor_id": user_id,
            "actor_username": self.usernames[user_id],
            "actor_department": department,
            "ip": f"10.{user_id // 250 % 250}.{user_id % 250}.{user_id % 7 + 1}",
        }

    def _logins(self, period: tuple, count: int) -> list[dict]:
        rng = self.rng
        _, _, _, deadline, status, opened, closed = period
        end = self.now if status == PeriodStatus.OPEN else _at(deadline, 18)
        span = (end - opened).total_seconds()
        users = list(self.usernames)
        events = []
        for _ in range(count):
            user_id = rng.choice(users)
            events.append(
                self._by(user_id, "")
                | {
                    "at": opened + datetime.timedelta(seconds=span * rng.random()),
                    "action": AuditAction.LOGIN.value,
                    "object_type": "accounts.user",
                    "object_id": str(user_id),
                    "object_repr": self.usernames[user_id],
                }
            )
        return events

    # targets and readings

    def _targets(self):
        rng, sizes = self.rng, self.sizes
        target_t = _Table(
            Target,
            [
                "id",
                "policy_id",
                "key_task_id",
                "task_id",
                "metric",
                "value",
                "unit",
                "comparator",
                "aspirational",
                "kind",
                "deadline",
                "baseline",
                "start_value",
                "note",
                "source_text",
                "source_ref",
                "fingerprint",
                "review_status",
                "reviewed_by_id",
                "reviewed_at",
                "position",
            ],
        )
        reading_t = _Table(
            Reading,
            [
                "id",
                "target_id",
                "value",
                "as_of",
                "source",
                "report_id",
                "note",
                "entered_by_id",
                "entered_at",
            ],
        )
        first = target_t.next_id()
        reading_id = reading_t.next_id()
        deadline = datetime.date(self.today.year, 12, 31)
        by_policy: dict[int, list[int]] = {}
        for task_id, policy_id, _ in self.tasks:
            by_policy.setdefault(policy_id, []).append(task_id)
        policy_ids = list(by_policy)
        targets, accepted = [], []
        for i in range(sizes.targets):
            policy_id = policy_ids[i % len(policy_ids)]
            task_id = rng.choice(by_policy[policy_id]) if rng.random() < 0.8 else None
            unit = rng.choice(UNITS)
            value = Decimal(
                rng.randint(50, 95) if unit == "%" else rng.randint(10, 500) * 100
            )
            kind = (
                TargetKind.PERCENTAGE
                if unit == "%"
                else rng.choice([TargetKind.CUMULATIVE] * 3 + [TargetKind.ANNUAL])
            )
            review = rng.choices(
                [ReviewStatus.ACCEPTED, ReviewStatus.PROPOSED, ReviewStatus.REJECTED],
                weights=[90, 7, 3],
            )[0]
            reviewed = review != ReviewStatus.PROPOSED
            pk = first + i
            targets.append(
                (
                    pk,
                    policy_id,
                    self.task_key[task_id] if task_id else None,
                    task_id,
                    f"指标{i + 1}:技能培训",
                    value,
                    unit,
                    Comparator.AT_LEAST,
                    False,
                    kind,
                    deadline,
                    None,
                    Decimal(0),
                    "",
                    f"到{deadline.year}年,完成技能培训{value}{unit}。",
                    f"基准原文第{i + 1}句",
                    f"bench-{i + 1:05d}",
                    review,
                    self.reviewers[0] if reviewed else None,
                    self.now - datetime.timedelta(days=1) if reviewed else None,
                    i + 1,
                )
            )
            if review == ReviewStatus.ACCEPTED:
                accepted.append((pk, task_id, value))
        target_t.write(targets)
        # Readings as of month ends (the open month: today), rising towards
        # the target; those of a task's target partly from its lead report.
        ends = []
        for _, year, month, *_ in self.periods:
            year2, month2 = divmod(year * 12 + month, 12)
            ends.append(
                min(
                    datetime.date(year2, month2 + 1, 1) - datetime.timedelta(days=1),
                    self.today,
                )
            )
        per_target, extra = divmod(sizes.readings, max(1, len(accepted)))
        rows = []
        for n, (target_id, task_id, value) in enumerate(accepted):
            count = min(len(ends), per_target + (1 if n < extra else 0))
            months = sorted(rng.sample(range(len(ends)), count))
            for step, index in enumerate(months, start=1):
                report = (
                    self.lead_reports.get((task_id, index))
                    if task_id and rng.random() < 0.4
                    else None
                )
                entered = _at(ends[index], 17)
                amount = (
                    value * step / count * Decimal(rng.uniform(0.6, 1.1))
                ).quantize(Decimal("0.01"))
                rows.append(
                    (
                        reading_id,
                        target_id,
                        min(amount, Decimal(100)) if value <= 100 else amount,
                        ends[index],
                        ReadingSource.REPORT if report else ReadingSource.IMPORT,
                        report,
                        "",
                        self.reviewers[0],
                        min(entered, self.now),
                    )
                )
                reading_id += 1
        reading_t.write(rows)
        self.counts["targets"] = len(targets)
        self.counts["readings"] = len(rows)


def dataset_build(
    *,
    scale: float = 1.0,
    seed: int = 10,
    now: datetime.datetime | None = None,
    say: Callable[[str], None] = lambda message: None,
) -> Built:
    """Write the dataset at ``scale`` into the current (fresh, migrated)
    database in one transaction; returns the counts written."""
    started = timezone.now()
    builder = _Builder(sizes_for(scale), seed, now or timezone.now(), say)
    with transaction.atomic():
        counts = builder.run()
    seconds = (timezone.now() - started).total_seconds()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Built(counts, seconds)
