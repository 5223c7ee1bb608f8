"""The round's conclusion fed back to one department (督导反馈): what the
team did there and the problems it found, as the page shows them and as a
.docx in the bulletin's 公文 layout (GB/T 9704-2012, built from
``bulletins.documents.word``'s blocks).

``feedback_data`` reads everything in four queries whatever the number of
problems; ``feedback_docx`` writes the document from what it returns, so
the page and the document cannot disagree.
"""

import datetime
from dataclasses import dataclass, field

from bulletins.documents import word
from bulletins.wording import chinese_date
from policytext.numerals import chinese_numeral
from tasks.models import Department

from .models import Problem, Round, Visit

# The office that supervises, as the bulletins sign.
ISSUER = "鹰潭市技能鹰潭行动领导小组办公室"
# Days the department has to send its plans (一个问题一套方案一名责任人).
PLAN_DAYS = 15
PROBLEM_COLUMNS = (
    ("序号", 12),
    ("问题类别", 20),
    ("问题表现", 42),
    ("整改要求", 36),
    ("整改类型", 20),
    ("整改时限", 26),
)


@dataclass
class Feedback:
    round: Round
    department: Department
    visits: list[Visit]
    # Problems the department is responsible for, then those it helps with.
    problems: list[Problem]
    cooperating: list[Problem]
    today: datetime.date
    text: dict = field(default_factory=dict)

    @property
    def methods(self) -> list[str]:
        seen: list[str] = []
        for visit in self.visits:
            for label in visit.method_labels:
                if label not in seen:
                    seen.append(label)
        return seen

    @property
    def opening(self) -> str:
        """The first paragraph: when and how the team came."""
        name = self.department.full_name or self.department.name
        head = f"根据{self.round.title}工作安排"
        if self.visits:
            days = "、".join(
                chinese_date(day) for day in sorted({v.visited_on for v in self.visits})
            )
            head += f",督导组于{days}对{name}“技能鹰潭行动”推进情况进行了督导"
            if self.methods:
                head += f",采取{'、'.join(self.methods)}等方式"
        else:
            head += f",督导组对{name}“技能鹰潭行动”推进情况进行了督导"
        if not self.problems and not self.cooperating:
            return head + ",未发现需要整改的问题。"
        return (
            head
            + f",发现需由你单位牵头整改的问题{len(self.problems)}个"
            + (
                f"、需你单位配合整改的问题{len(self.cooperating)}个"
                if self.cooperating
                else ""
            )
            + "。现将有关情况反馈如下。"
        )

    @property
    def request(self) -> str:
        due = chinese_date(self.today + datetime.timedelta(days=PLAN_DAYS))
        return (
            "请你单位对照问题清单,坚持一个问题一套方案一名责任人,"
            f"于{due}前在调度平台报送整改方案(整改措施、责任人),"
            "按整改时限落实整改并上传佐证材料、申请销号;"
            "确需延期的,请在整改时限前提出延期申请并说明理由。"
            "整改情况将纳入季度通报和年度考核。"
        )


def feedback_data(
    round_: Round, department: Department, *, today: datetime.date
) -> Feedback:
    """The round's feedback to ``department`` as of ``today``; four
    queries."""
    visits = list(
        Visit.objects.filter(round=round_, department=department).order_by(
            "visited_on", "pk"
        )
    )
    problems = _problems(round_, department)
    own = [p for p in problems if p.department_id == department.pk]
    helped = [p for p in problems if p.department_id != department.pk]
    name = department.full_name or department.name
    text = {
        "issuer": ISSUER,
        "number": "",
        "title": f"关于{round_.title}{department.name}有关情况的反馈意见",
        "recipients": f"{name}:",
        "signature": ISSUER,
        "date": today.isoformat(),
        "copy_to": "",
        "printed_by": ISSUER,
        "printed_on": today.isoformat(),
    }
    return Feedback(
        round=round_,
        department=department,
        visits=visits,
        problems=own,
        cooperating=helped,
        today=today,
        text=text,
    )


def _problems(round_: Round, department: Department) -> list[Problem]:
    return list(
        (
            Problem.objects.filter(round=round_, department=department)
            | Problem.objects.filter(round=round_, cooperating=department)
        )
        .distinct()
        .select_related("department")
        .prefetch_related("tasks", "cooperating")
        .order_by("number")
    )


def problem_lines(problem: Problem) -> list[str]:
    """A problem's paragraphs: what was found, then what is required."""
    tasks = "、".join(f"第{t.number}项" for t in problem.tasks.all())
    found = f"【{problem.get_category_display()}】{problem.description.strip()}"
    if tasks:
        found += f"(涉及{tasks}工作要求)"
    deadline = chinese_date(problem.deadline)
    when = (
        f"{problem.get_kind_display()},{deadline}前完成"
        if problem.kind == "deadline"
        else f"{problem.get_kind_display()},{deadline}复核"
    )
    requirement = problem.requirement.strip().rstrip("。")
    required = f"整改要求:{requirement}。" if requirement else ""
    required += f"整改时限:{when}。"
    others = [d.name for d in problem.cooperating.all()]
    if others:
        required += f"配合单位:{'、'.join(others)}。"
    return [found, required]


def _deadline_cell(problem: Problem) -> str:
    return chinese_date(problem.deadline) + (
        "(复核)" if problem.kind == "ongoing" else ""
    )


def feedback_docx(feedback: Feedback) -> bytes:
    """The feedback as .docx bytes."""
    text = feedback.text
    document = word.official_document(text)
    word.add_paragraph(document, feedback.opening)
    sections = [("牵头整改的问题", feedback.problems)]
    if feedback.cooperating:
        sections.append(("配合整改的问题", feedback.cooperating))
    number = 0
    for title, problems in sections:
        number += 1
        word.add_heading(document, f"{chinese_numeral(number)}、{title}")
        if not problems:
            word.add_paragraph(document, "无。")
        for index, problem in enumerate(problems, start=1):
            found, required = problem_lines(problem)
            word.add_paragraph(document, f"{index}.{found}")
            word.add_paragraph(document, required)
    number += 1
    word.add_heading(document, f"{chinese_numeral(number)}、整改要求")
    word.add_paragraph(document, feedback.request)
    if feedback.problems:
        annex = word.add_paragraph(document, "附件:督导问题整改清单")
        annex.paragraph_format.space_before = word.LINE
    word.add_closing(document, text)
    if feedback.problems:
        word.add_annex_page(document, "", "督导问题整改清单")
        word.add_table(
            document,
            PROBLEM_COLUMNS,
            [
                [
                    (p.number, None),
                    (p.get_category_display(), None),
                    (p.description, None),
                    (p.requirement, None),
                    (p.get_kind_display(), None),
                    (_deadline_cell(p), None),
                ]
                for p in feedback.problems
            ],
        )
    return word.official_bytes(document, text)


def feedback_file_name(feedback: Feedback) -> str:
    return f"{feedback.round.title}督导反馈-{feedback.department.name}.docx"
