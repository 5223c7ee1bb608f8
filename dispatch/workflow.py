"""The graph a progress report moves along: each action, the states it may
start from and the state it leads to. Services enforce it; pages read it to
offer only the moves that are possible."""

from dataclasses import dataclass

from dispatch.models import ReportState


@dataclass(frozen=True)
class Move:
    label: str
    sources: tuple[str, ...]
    target: str
    needs_reason: bool = False


S = ReportState
MOVES: dict[str, Move] = {
    "submit": Move("提交", (S.DRAFT, S.RETURNED), S.SUBMITTED),
    "sign_off": Move("签批报送", (S.PENDING_SIGNOFF,), S.SUBMITTED),
    "decline": Move("负责人退回", (S.PENDING_SIGNOFF,), S.RETURNED, needs_reason=True),
    "approve": Move("审核通过", (S.SUBMITTED,), S.APPROVED),
    "return": Move("退回修改", (S.SUBMITTED,), S.RETURNED, needs_reason=True),
    "reopen": Move(
        "重新开放",
        (S.DRAFT, S.PENDING_SIGNOFF, S.SUBMITTED, S.RETURNED, S.APPROVED),
        S.RETURNED,
        needs_reason=True,
    ),
}
