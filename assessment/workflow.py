"""The graph an assessment moves along, as one table: each action, the
states it may start from and the state it leads to, and whether a reason
is required. ``services`` checks every move against it; pages read it to
offer only the moves that are possible.

Starting freezes the scheme and computes the sheets; departments see their
sheet and may object during 复核期. A correction after issue is a new
version that goes back to 已定稿, to be issued again: what was issued
before stays what it was (the audit trail keeps it).
"""

from dataclasses import dataclass

from assessment.models import AssessmentState


@dataclass(frozen=True)
class Move:
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays
    needs_reason: bool = False

    def leads_from(self, state: str) -> str:
        return self.target or state


S = AssessmentState
MOVES: dict[str, Move] = {
    "start": Move("启动考核", (S.DRAFT,), S.REVIEW),
    "recompute": Move("重新计算", (S.DRAFT, S.REVIEW), None),
    "finalise": Move("定稿", (S.REVIEW,), S.FINAL),
    "issue": Move("印发", (S.FINAL,), S.ISSUED),
    "correct": Move("更正(新版本)", (S.ISSUED,), S.FINAL, needs_reason=True),
}
# States in which manual items may still change the scores.
OPEN_STATES = (S.DRAFT, S.REVIEW)
# States in which a department sees its own sheet.
VISIBLE_STATES = (S.REVIEW, S.FINAL, S.ISSUED)


def allowed(action: str, state: str) -> bool:
    return state in MOVES[action].sources


def moves_from(state: str) -> list[tuple[str, Move]]:
    return [(action, move) for action, move in MOVES.items() if state in move.sources]
