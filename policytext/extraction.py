"""The candidate targets of a whole policy: its annex rows and its text.

Pure, like the parser: the caller (targets.services.policy_targets_extract)
stores the candidates. Order: the targets of the annex rows; then those of
the text's 发展目标; then those of the text's key-task paragraphs that no
annex row of the same key task already gives (same value and unit, similar
metric), such as key task 6's “培育10家家政培训示范基地” which the annex
leaves out.
"""

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from .structure import CHAPTER, KEY_TASK, MAIN_TASKS
from .targets import ParsedTarget, parse_targets
from .text import clean_text, to_half_width

GOALS = re.compile(
    r"^[一二三四五六七八九十]+\u3001\s*(?:发展目标|主要目标|工作目标|总体目标)"
)
# How alike two metrics must be, as the share of the shorter one's
# character pairs found in the other, for a text target to be the annex
# row's: "新增核心发明专利" is "新增授权核心发明专利" (1.0); "创建技师学院" is
# not "建成高级技工学校" (0.0).
SIMILAR = 0.5
_NOT_IN_KEY = re.compile(r"[\s\u201c\u201d\u2018\u2019\"'\u3001\u3002,.;:()\[\]]")


@dataclass(frozen=True)
class Candidate:
    source_ref: str
    task_number: int | None
    key_task_number: int | None
    target: ParsedTarget
    fingerprint: str


@dataclass(frozen=True)
class Paragraph:
    source_ref: str
    key_task_number: int | None
    text: str


def extract_candidates(
    *, annex_rows: list[tuple[int, int | None, str]], text: str
) -> list[Candidate]:
    """annex_rows are (task number, key task number, requirement text)."""
    goals = goal_paragraphs(text)
    key_tasks = key_task_paragraphs(text)
    default = policy_deadline(text)
    found: list[tuple[str, int | None, int | None, ParsedTarget]] = []
    in_annex: dict[int | None, list[ParsedTarget]] = defaultdict(list)
    for number, key_task, requirement in annex_rows:
        for target in parse_targets(requirement, default_deadline=default):
            found.append((f"附件第{number}行", number, key_task, target))
            in_annex[key_task].append(target)
    for paragraph in goals:
        for target in parse_targets(paragraph.text, default_deadline=default):
            found.append((paragraph.source_ref, None, None, target))
    for paragraph in key_tasks:
        unmatched = list(in_annex.get(paragraph.key_task_number, []))
        for target in parse_targets(paragraph.text, default_deadline=default):
            same = _same_target(target, unmatched)
            if same is not None:
                unmatched.remove(same)
                continue
            found.append(
                (paragraph.source_ref, None, paragraph.key_task_number, target)
            )
    return _with_fingerprints(found)


def goal_paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of the 发展目标 chapter."""
    return [
        Paragraph("正文\u00b7发展目标", None, line)
        for line in _chapter(text, GOALS)
        if line
    ]


def key_task_paragraphs(text: str) -> list[Paragraph]:
    """The numbered key tasks of the 主要任务 chapter ("6.培育家政…"), up to
    the next chapter (四、保障措施); the annex table printed after it is not
    read."""
    paragraphs = []
    for line in _chapter(text, MAIN_TASKS):
        if match := KEY_TASK.match(line):
            number = int(match[1])
            source_ref = f"正文\u00b7重点任务{number}"
            paragraphs.append(Paragraph(source_ref, number, match[2]))
    return paragraphs


def policy_deadline(text: str) -> datetime.date | None:
    """The policy's horizon, for targets that state no date: the deadline of
    its first dated goal ("到2025年", "十四五末"), else the latest of its key
    tasks."""
    for paragraph in goal_paragraphs(text):
        for target in parse_targets(paragraph.text):
            if target.deadline:
                return target.deadline
    dates = [
        target.deadline
        for paragraph in key_task_paragraphs(text)
        for target in parse_targets(paragraph.text)
        if target.deadline
    ]
    return max(dates, default=None)


def fingerprint(target: ParsedTarget, *, key_task_number: int | None) -> str:
    """A stable id of a candidate: the same target found again gets the same
    one wherever it is found; an edited value, unit, metric or date gets a
    new one."""
    parts = (
        metric_key(target.metric),
        format(target.value, "f"),
        target.unit,
        target.kind,
        target.deadline.isoformat() if target.deadline else "",
        str(key_task_number or ""),
    )
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()


def metric_key(metric: str) -> str:
    """The form under which metrics are compared: no spaces, marks or
    quotes."""
    return _NOT_IN_KEY.sub("", to_half_width(metric))


def similarity(first: str, second: str) -> float:
    """Share of the shorter metric's character pairs found in the other."""
    a, b = _pairs(metric_key(first)), _pairs(metric_key(second))
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _pairs(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)} or ({key} if key else set())


def _same_target(
    target: ParsedTarget, annex_targets: list[ParsedTarget]
) -> ParsedTarget | None:
    scored = [
        (similarity(target.metric, other.metric), index, other)
        for index, other in enumerate(annex_targets)
        if other.value == target.value and other.unit == target.unit
    ]
    scored = [item for item in scored if item[0] >= SIMILAR]
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0], -item[1]))[2]


def _chapter(text: str, heading: re.Pattern) -> list[str]:
    lines = [to_half_width(clean_text(line)) for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        return []
    chapter = []
    for line in lines[start + 1 :]:
        if CHAPTER.match(line):
            break
        chapter.append(line)
    return chapter


def _with_fingerprints(found) -> list[Candidate]:
    """A second identical target of the same key task (the same words in
    two annex rows) is told apart by its place among its twins, so that
    each stored target keeps one fingerprint."""
    seen: dict[str, int] = defaultdict(int)
    candidates = []
    for source_ref, task, key_task, target in found:
        base = fingerprint(target, key_task_number=key_task)
        seen[base] += 1
        if seen[base] > 1:
            base = hashlib.sha1(
                f"{base}#{seen[base]}".encode(), usedforsecurity=False
            ).hexdigest()
        candidates.append(Candidate(source_ref, task, key_task, target, base))
    return candidates
