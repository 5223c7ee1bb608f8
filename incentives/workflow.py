"""The graph an application moves along, as one table: each action, the
states it may start from, the state it leads to, who takes it and whether a
reason is required. ``services.application_move`` enforces it; pages read
it to offer only the moves that are possible.

- The 区(市) clerk (or the 人社局's, for 市本级) enters and submits an
  application and does the 初审; the 人社局 reviewer does the 复审.
- ``publicise`` and ``approve`` are taken by the 公示's own services (a
  publicity lists its candidates; closing it approves those without an open
  objection), ``pay`` by the payment import: they are here so that every
  move is one of the table's, but no page offers them as buttons.
"""

from dataclasses import dataclass

from incentives.models import ApplicationState

CLERK = "clerk"  # the area's 激励经办员 (初审)
REVIEWER = "reviewer"  # 人社局 (复审, 公示, payment)
SYSTEM = "system"  # taken by a service, never offered as a button


@dataclass(frozen=True)
class Move:
    label: str
    sources: tuple[str, ...]
    target: str
    who: str
    needs_reason: bool = False


S = ApplicationState
MOVES: dict[str, Move] = {
    "submit": Move("提交初审", (S.DRAFT, S.RETURNED), S.FIRST_REVIEW, CLERK),
    "first_pass": Move("初审通过", (S.FIRST_REVIEW,), S.SECOND_REVIEW, CLERK),
    "first_return": Move(
        "初审退回", (S.FIRST_REVIEW,), S.RETURNED, CLERK, needs_reason=True
    ),
    "first_refuse": Move(
        "初审不予奖励", (S.FIRST_REVIEW,), S.REFUSED, CLERK, needs_reason=True
    ),
    "second_pass": Move("复审通过", (S.SECOND_REVIEW,), S.READY, REVIEWER),
    "second_return": Move(
        "复审退回", (S.SECOND_REVIEW, S.READY), S.RETURNED, REVIEWER, needs_reason=True
    ),
    "second_refuse": Move(
        "复审不予奖励",
        (S.SECOND_REVIEW, S.READY, S.PUBLICITY),
        S.REFUSED,
        REVIEWER,
        needs_reason=True,
    ),
    "publicise": Move("列入公示", (S.READY,), S.PUBLICITY, SYSTEM),
    "approve": Move("公示期满无异议", (S.PUBLICITY,), S.APPROVED, SYSTEM),
    "pay": Move("发放到账", (S.APPROVED,), S.PAID, SYSTEM),
}
# Moves a page offers as buttons.
BUTTON_MOVES = tuple(action for action, move in MOVES.items() if move.who != SYSTEM)
# States in which the application is still "alive" for the duplicate checks.
LIVE_STATES = tuple(s for s in ApplicationState.values if s != S.REFUSED)
# States whose facts may still be edited.
EDITABLE_STATES = (S.DRAFT, S.RETURNED)


def moves_from(state: str, who: str) -> list[tuple[str, Move]]:
    return [
        (action, move)
        for action, move in MOVES.items()
        if state in move.sources and move.who == who
    ]
