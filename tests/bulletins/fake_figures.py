"""A small, realistic snapshot in the shape of ``bulletin_figures``
(issue 11's interface), for the workflow and page tests: they test what
is done with a snapshot, not how it is computed (tests/bulletins/
test_figures.py does that)."""

import copy

LIGHT_LABELS = {
    "completed": "已完成",
    "green": "按序时推进",
    "yellow": "滞后",
    "red": "严重滞后",
}


def task_row(number, light, lead, cooperating=(), completion=60):
    return {
        "id": 1000 + number,
        "number": number,
        "key_task_number": number,
        "key_task": f"重点任务{number}",
        "requirement": f"第{number}项工作要求",
        "lead": [lead.name],
        "cooperating": [d.name for d in cooperating],
        "lead_ids": [lead.pk],
        "cooperating_ids": [d.pk for d in cooperating],
        "light": light,
        "light_label": LIGHT_LABELS[light],
        "proposed": "on_track",
        "proposed_label": "正常推进",
        "disagrees": light not in ("green", "completed"),
        "completion": completion,
        "expected": 91.7,
        "last_approved": "2025-09",
        "progress": f"张三负责的第{number}项本季度完成培训 300 人次。",
        "next_steps": f"第{number}项下步继续推进。",
    }


def make_figures(departments, *, tasks=None, label="2025年第三季度"):
    """``departments``: the responsible units, the first leading every
    task; ``tasks``: (number, light) pairs."""
    lead, *others = departments
    tasks = tasks if tasks is not None else [(1, "green"), (2, "yellow"), (3, "red")]
    rows = [task_row(n, light, lead, others[:1]) for n, light in tasks]
    count = {k: sum(1 for _, light in tasks if light == k) for k in LIGHT_LABELS}
    return {
        "schema": 1,
        "policy": {
            "id": 1,
            "number": "鹰办发〔2022〕22号",
            "title": "意见",
            "issuer": "",
        },
        "range": {"first": "2025-07", "last": "2025-09", "label": label, "months": 3},
        "as_of": "2025-09-30",
        "elapsed_percent": 91.7,
        "rule": {"yellow_below": 20, "stale_months": 2},
        "lights": {
            "completed": count["completed"],
            "on_pace": count["green"],
            "lagging": count["yellow"],
            "seriously_lagging": count["red"],
        },
        "discipline": {
            "due": 9,
            "on_time": 6,
            "late": 1,
            "missing": 1,
            "returned": 1,
            "rate": 77.8,
            "on_time_rate": 66.7,
        },
        "months": [
            {"year": 2025, "month": m, "label": f"{m}月", "due": 3, "reported": 2}
            | {"rate": 66.7}
            for m in (7, 8, 9)
        ],
        "targets_summary": {
            "total": 1,
            "green": 0,
            "yellow": 0,
            "red": 1,
            "none": 0,
            "achieved": 0,
            "missed": 0,
        },
        "tasks": rows,
        "targets": [
            {
                "id": 77,
                "task_number": 1,
                "metric": "新增技能人才",
                "value": "10000",
                "unit": "人",
                "deadline": "2025-12-31",
                "latest_value": "5000",
                "latest_date": "2025-09-30",
                "percent": 50.0,
                "expected_percent": 91.7,
                "light": "red",
                "light_label": "红灯",
                "lead": [lead.name],
                "lead_ids": [lead.pk],
            }
        ],
        "lagging": [
            {
                "kind": "task",
                "light": "red" if light == "red" else "yellow",
                "text": f"{lead.name}牵头的第{n}项“重点任务{n}”:目标……,"
                "截至2025年9月30日完成60%",
                "cooperating": [d.name for d in others[:1]],
                "department_ids": [lead.pk] + [d.pk for d in others[:1]],
            }
            for n, light in tasks
            if light in ("red", "yellow")
        ],
        "departments": [
            {
                "id": d.pk,
                "name": d.name,
                "tasks_held": len(tasks),
                "due": 3,
                "on_time": 2,
                "late": 0,
                "missing": 1,
                "returned": 0,
                "red": 1 if i == 0 else 0,
                "rank": i + 1,
                "rank_change": None,
            }
            for i, d in enumerate(departments)
        ],
        "problems": [
            {
                "department": lead.name,
                "department_id": lead.pk,
                "items": [{"task_number": 3, "text": "培训场地不足。"}],
            }
        ],
        "next_steps": [
            {
                "department": lead.name,
                "department_id": lead.pk,
                "items": [{"task_number": 3, "text": "协调职业院校场地。"}],
            }
        ],
        "charts": {
            "lights_by_department": [
                {"name": d.name, "green": 1, "yellow": 1, "red": 1, "completed": 0}
                for d in departments
            ]
        },
    }


class FiguresStub:
    """Stands in for ``bulletin_figures`` in bulletins.services: returns
    a copy of ``figures`` and keeps each call's arguments."""

    def __init__(self):
        self.figures = None
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        return copy.deepcopy(self.figures)


def install_stub(monkeypatch) -> FiguresStub:
    stub = FiguresStub()
    monkeypatch.setattr("bulletins.services.bulletin_figures", stub)
    return stub
