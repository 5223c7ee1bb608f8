"""How well a reading agrees with a careful reader's annotations: pure
functions over plain values, used by tests/policytext/test_corpus.py.

A found target matches an expected one when its number stands inside the
expected text (or its clause overlaps it) and value (to 1e-4, relative),
comparator and deadline agree. An expected role matches an item that ends
with the expected label ("(一)1." is the item 1 of section (一)) when the
lead set and the cooperating set agree, unit names compared without
spaces, in half width and simplified characters.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .text import name_key, to_simplified

TOLERANCE = Decimal("0.0001")


@dataclass(frozen=True)
class ExpectedTarget:
    text: str
    value: Decimal
    comparator: str
    deadline: datetime.date | None
    span: tuple[int, int]  # where text stands in the document


@dataclass(frozen=True)
class FoundTarget:
    value: Decimal
    comparator: str
    deadline: datetime.date | None
    span: tuple[int, int]  # the number
    clause_span: tuple[int, int]


@dataclass(frozen=True)
class ExpectedRole:
    item: str
    lead: frozenset[str]
    cooperating: frozenset[str]


@dataclass(frozen=True)
class FoundRole:
    path: tuple[str, ...]
    lead: frozenset[str]
    cooperating: frozenset[str]


@dataclass
class Score:
    expected: int
    found: int
    matched: int
    missed: list = field(default_factory=list)  # expected, not matched
    extra: list = field(default_factory=list)  # found, not matched

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0


def expected_targets(document: str, annotations: list[dict]) -> list[ExpectedTarget]:
    """The annotated targets of a document, each placed where its text
    stands (the annotation rules say each text occurs once)."""
    targets = []
    for annotation in annotations:
        start = document.find(annotation["text"])
        if start < 0:
            raise ValueError(f"“{annotation['text']}”不在文中")
        deadline = annotation.get("deadline")
        targets.append(
            ExpectedTarget(
                text=annotation["text"],
                value=Decimal(annotation["value"]),
                comparator=annotation["comparator"],
                deadline=datetime.date.fromisoformat(deadline) if deadline else None,
                span=(start, start + len(annotation["text"])),
            )
        )
    return targets


def expected_roles(annotations: list[dict]) -> list[ExpectedRole]:
    return [
        ExpectedRole(
            item=annotation["item"],
            lead=frozenset(unit_key(name) for name in annotation["lead"]),
            cooperating=frozenset(unit_key(name) for name in annotation["cooperating"]),
        )
        for annotation in annotations
    ]


def found_role(path: tuple[str, ...], lead, cooperating) -> FoundRole:
    return FoundRole(
        path=tuple(label_key(label) for label in path),
        lead=frozenset(unit_key(name) for name in lead),
        cooperating=frozenset(unit_key(name) for name in cooperating),
    )


def unit_key(name: str) -> str:
    """The form under which unit names are compared."""
    return to_simplified(name_key(name))


def label_key(label: str) -> str:
    """ "(一)" and "(一)", "1." and "1、" are the same label."""
    return name_key(label).replace("\u3001", ".").rstrip(".")


def values_agree(first: Decimal, second: Decimal) -> bool:
    if first == second:
        return True
    scale = max(abs(first), abs(second))
    return abs(first - second) <= TOLERANCE * scale


def locates(found: FoundTarget, expected: ExpectedTarget) -> bool:
    """The found target was read from the expected one's text."""
    start, end = expected.span
    if start <= found.span[0] and found.span[1] <= end:
        return True
    clause_start, clause_end = found.clause_span
    inside = start <= clause_start and clause_end <= end
    return inside and _overlap(found.span, expected.span)


def agrees(found: FoundTarget, expected: ExpectedTarget) -> bool:
    return (
        values_agree(found.value, expected.value)
        and found.comparator == expected.comparator
        and found.deadline == expected.deadline
    )


def score_targets(found: list[FoundTarget], expected: list[ExpectedTarget]) -> Score:
    """Each expected target matched to at most one found target, in the
    order written."""
    free = list(found)
    missed = []
    for target in expected:
        match = next(
            (one for one in free if locates(one, target) and agrees(one, target)),
            None,
        )
        if match is None:
            missed.append(target)
        else:
            free.remove(match)
    matched = len(expected) - len(missed)
    return Score(len(expected), len(found), matched, missed, free)


_LABEL = re.compile(r"\([^()]*\)|[^().\u3001]+[.\u3001]?")


def label_matches(path: tuple[str, ...], item: str) -> bool:
    """ "(一)1." matches the path ("一", "(一)", "1"); "2." matches any
    item 2 whose path ends with it; "二、(一)1." is read label by label."""
    wanted = label_key(item)
    labels = [label_key(label) for label in _LABEL.findall(name_key(item))]
    return any(
        label_key("".join(path[index:])) == wanted
        or "".join(label_key(label) + "." for label in path[index:]).rstrip(".")
        == wanted
        or [label_key(label) for label in path[index:]] == labels
        for index in range(len(path))
    )


def score_roles(found: list[FoundRole], expected: list[ExpectedRole]) -> Score:
    free = list(found)
    missed = []
    for role in expected:
        match = next(
            (
                one
                for one in free
                if label_matches(one.path, role.item)
                and one.lead == role.lead
                and one.cooperating == role.cooperating
            ),
            None,
        )
        if match is None:
            missed.append(role)
        else:
            free.remove(match)
    matched = len(expected) - len(missed)
    return Score(len(expected), len(found), matched, missed, free)


def not_targets_found(
    found: list[FoundTarget], document: str, not_targets: list[str]
) -> list[str]:
    """The annotated non-targets whose numbers were read as targets."""
    hits = []
    for text in not_targets:
        start = document.find(text)
        while start >= 0:
            end = start + len(text)
            if any(start <= one.span[0] and one.span[1] <= end for one in found):
                hits.append(text)
                break
            start = document.find(text, start + 1)
    return hits


def without_unscored(
    found: list[FoundTarget], document: str, unscored: list[str]
) -> list[FoundTarget]:
    """Found targets less those read inside a text the annotator left out on
    purpose, neither expected nor wrong (08's 涨幅35%左右, most likely 3.5%
    with the point lost in copying)."""
    spans = []
    for text in unscored:
        start = document.find(text)
        if start >= 0:
            spans.append((start, start + len(text)))
    return [
        one
        for one in found
        if not any(start <= one.span[0] and one.span[1] <= end for start, end in spans)
    ]


def _overlap(first: tuple[int, int], second: tuple[int, int]) -> bool:
    return first[0] < second[1] and second[0] < first[1]
