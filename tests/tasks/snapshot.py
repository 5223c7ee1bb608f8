from tasks.models import KeyTask, Policy, Task


def policy_snapshot() -> dict:
    """Everything an import writes, by natural keys, to compare two loads."""
    return {
        "policies": sorted(
            (p.number, p.title, p.issuer, str(p.issued_on))
            for p in Policy.objects.all()
        ),
        "key_tasks": sorted(
            (
                k.policy.number,
                k.number,
                k.section.title if k.section else None,
                k.title,
                k.annex_title,
                k.body,
                tuple(
                    (a.department.name, a.role, a.position)
                    for a in k.assignments.order_by("position")
                ),
            )
            for k in KeyTask.objects.select_related("policy", "section")
        ),
        "tasks": sorted(
            (
                t.policy.number,
                t.number,
                t.key_task.number,
                t.requirement,
                tuple(
                    (r.department.name, r.role, r.position)
                    for r in t.responsibilities.order_by("position")
                ),
            )
            for t in Task.objects.select_related("policy", "key_task")
        ),
    }
