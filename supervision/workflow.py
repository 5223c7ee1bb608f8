"""The graph a problem moves along, as one table: each action, the states
it may start from, the state it leads to, who takes it and whether a
reason is required. ``services.problem_transition`` enforces it; pages
read it to offer only the moves that are possible.

Drawing up the plan (``plan``) is the department's first answer; the
reopened problem (回头看 found it back) behaves like a planned one. A
回头看 that finds nothing (``recheck``) is recorded without a move.
"""

from dataclasses import dataclass

from supervision.models import ProblemState

DEPARTMENT = "department"
REVIEWER = "reviewer"


@dataclass(frozen=True)
class Move:
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays
    who: str
    needs_reason: bool = False

    def leads_from(self, state: str) -> str:
        return self.target or state


S = ProblemState
MOVES: dict[str, Move] = {
    "plan": Move("提交整改方案", (S.OPEN,), S.PLANNED, DEPARTMENT),
    "request": Move("申请销号", (S.PLANNED, S.REOPENED), S.REQUESTED, DEPARTMENT),
    "sign_off": Move("销号", (S.REQUESTED,), S.SIGNED_OFF, REVIEWER),
    "return": Move("退回", (S.REQUESTED,), S.PLANNED, REVIEWER, needs_reason=True),
    "reopen": Move(
        "回头看:重新整改", (S.SIGNED_OFF,), S.REOPENED, REVIEWER, needs_reason=True
    ),
    "recheck": Move("回头看:未发现反弹", (S.SIGNED_OFF,), None, REVIEWER),
}
# The moves a page offers as buttons; ``plan`` has a form of its own.
BUTTON_MOVES = ("request", "sign_off", "return", "reopen", "recheck")


def moves_from(state: str, who: str) -> list[tuple[str, Move]]:
    return [
        (action, move)
        for action, move in MOVES.items()
        if state in move.sources and move.who == who
    ]
