"""The reader scored against real documents of other places, annotated by
hand (fixtures/policies/README.md): recall and precision of targets and of
roles, per document, at least 95% each; `pytest -s` prints the table.

The held-out documents are scored only in test_held_out_documents, which is
not used to tune the reader.
"""

import json
from pathlib import Path

import pytest

from policytext import read_document
from policytext.scoring import (
    FoundTarget,
    Score,
    expected_roles,
    expected_targets,
    found_role,
    label_matches,
    not_targets_found,
    score_roles,
    score_targets,
    without_unscored,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "policies"
PASS = 0.95


def _annotated() -> list[tuple[str, str]]:
    """Each document's name and set: "tuning", "seen" (held out until it
    was scored, then used to tune the reader: was_held_out) or "held out"."""
    documents = []
    for path in sorted(FIXTURES.glob("*.expected.json")):
        annotations = json.loads(path.read_text(encoding="utf-8"))
        if annotations.get("held_out", False):
            kind = "held out"
        elif annotations.get("was_held_out", False):
            kind = "seen"
        else:
            kind = "tuning"
        documents.append((path.name.removesuffix(".expected.json"), kind))
    return documents


TUNING = [name for name, kind in _annotated() if kind != "held out"]
SEEN = [name for name, kind in _annotated() if kind == "seen"]
HELD_OUT = [name for name, kind in _annotated() if kind == "held out"]


def score(name: str) -> tuple[Score, Score, list[str]]:
    raw = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    text = raw.split("\n", 1)[1]  # line 1 is the source
    annotations = json.loads(
        (FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8")
    )
    document = read_document(text)
    found = [
        FoundTarget(t.value, t.comparator, t.deadline, t.span, t.clause_span)
        for t in document.targets
    ]
    found = without_unscored(found, text, annotations.get("unscored", []))
    targets = score_targets(found, expected_targets(text, annotations["targets"]))
    roles = score_roles(
        [found_role(i.path, i.lead, i.cooperating) for i in document.roles],
        expected_roles(annotations["roles"]),
    )
    hits = not_targets_found(found, text, annotations.get("not_targets", []))
    return targets, roles, hits


def row(name: str, targets: Score, roles: Score, hits: list[str]) -> str:
    def cell(one: Score) -> str:
        return (
            f"{one.matched:>3}/{one.expected:<3} {one.matched:>3}/{one.found:<3} "
            f"{one.recall:6.1%} {one.precision:6.1%}"
        )

    return f"{name[:44]:<44} | {cell(targets)} | {cell(roles)} | {len(hits)}"


HEADER = (
    f"{'document':<44} | targets: recall, precision         "
    f"| roles: recall, precision           | not_targets found"
)


def check(name: str) -> None:
    targets, roles, hits = score(name)
    print(f"\n{HEADER}\n{row(name, targets, roles, hits)}")
    for missed in targets.missed:
        print(f"  missed target: {missed}")
    for extra in targets.extra:
        print(f"  extra target: {extra}")
    for missed in roles.missed:
        print(f"  missed role: {missed}")
    for extra in roles.extra:
        print(f"  extra role: {extra}")
    for hit in hits:
        print(f"  not a target, read as one: {hit}")
    assert targets.recall >= PASS
    assert targets.precision >= (1.0 if not targets.expected else PASS)
    assert roles.recall >= PASS
    assert roles.precision >= (1.0 if not roles.expected else PASS)
    assert hits == []


def test_the_corpus_is_annotated_with_documents_held_out():
    assert len(TUNING) + len(HELD_OUT) >= 12
    assert HELD_OUT


@pytest.mark.parametrize("name", TUNING)
def test_tuning_documents(name):
    check(name)


# Each held-out set is scored once, untuned, and its first scores are kept
# in fixtures/policies/README.md. The first set (02, 05, 07, 10, 12) and 16-18
# of the second and 19 of the third fell short; the reader was fixed for
# their causes and they are tuning documents now (SEEN, was_held_out). 20 fell
# short only for the scorer's label matching, fixed in policytext/scoring.py
# without a change to the reader: it stays held out, with 15 and 21. A
# held-out document that falls short carries its cause here; strict: the mark
# must go once it passes.
FALLS_SHORT: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            marks=pytest.mark.xfail(reason=FALLS_SHORT[name], strict=True),
        )
        if name in FALLS_SHORT
        else name
        for name in HELD_OUT
    ],
)
def test_held_out_documents(name):
    check(name)


def test_label_matches_a_label_written_level_by_level():
    assert label_matches(("二", "(一)", "1"), "二、(一)1.")
    assert label_matches(("二", "(一)", "1"), "(一)1.")
    assert not label_matches(("二", "(二)", "1"), "二、(一)1.")
    assert not label_matches(("一", "1"), "二、(一)1.")


def test_table(capsys):
    """The whole table, for `pytest -s`: the tuning documents (those first
    held out and since seen marked so), then the held-out ones."""
    lines = ["tuning (* held out until first scored, since tuned on)", HEADER]
    for name in TUNING:
        mark = "*" if name in SEEN else ""
        lines.append(row(mark + name, *score(name)))
    lines += ["", "held out (not tuned on)", HEADER]
    for name in HELD_OUT:
        lines.append(row(name, *score(name)))
    with capsys.disabled():
        print("\n" + "\n".join(lines))
