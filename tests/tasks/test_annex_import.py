from tests.conftest import import_annex_file, import_policy_text
from tasks.models import *


def test_explore(departments):
    r1 = import_policy_text()
    print("POLICY", r1.summary, r1.notes)
    r2 = import_annex_file()
    print("ANNEX", r2.summary)
    for n in r2.notes:
        print("NOTE", n)
    for kt in KeyTask.objects.order_by("number"):
        print(kt.number, kt.section_id and kt.section.number, kt.title, "|", kt.annex_title, [ (a.department.name, a.role) for a in kt.assignments.order_by("position")])
    for t in Task.objects.order_by("number"):
        print(t.number, t.key_task.number, [(r.department.name, r.role) for r in t.responsibilities.order_by("position")])
    r3 = import_annex_file()
    print("ANNEX2", r3.summary, r3.notes)
    assert 0
