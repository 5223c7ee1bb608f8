"""The audited reveal: one personal field of one application, shown in
full to someone who reviews it, for a stated reason. The trail keeps who,
when, which field and why, never the value."""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.models import AuditAction
from audit.services import audit_record
from incentives import crypto, permissions
from incentives.models import Application, KeyCanary


class PersonalField(NamedTuple):
    token: str  # the column of the encrypted value
    masked: str  # the column of its masked form
    label: str


FIELDS = {
    "id_number": PersonalField("id_number_encrypted", "id_number_masked", "身份证号"),
    "phone": PersonalField("phone_encrypted", "phone_masked", "手机号"),
    "card_number": PersonalField("card_encrypted", "card_masked", "社保卡/银行卡号"),
}
REASON_MAX_LENGTH = 200


@transaction.atomic
def personal_reveal(*, application: Application, field: str, reason: str, actor) -> str:
    """The plaintext of ``field``; PermissionDenied unless ``actor`` may
    reveal it (``permissions.can_reveal``), ValueError (in Chinese) for an
    unknown field or a blank or overlong reason."""
    if field not in FIELDS:
        raise ValueError(f"没有可查看的个人信息项“{field}”。")
    if not permissions.can_reveal(actor, application):
        raise PermissionDenied("您无权查看该申请的个人信息。")
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("请填写查看理由。")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValueError(f"查看理由不能超过{REASON_MAX_LENGTH}个字。")
    value = crypto.decrypt(getattr(application, FIELDS[field].token))
    audit_record(
        action=AuditAction.PERSONAL_REVEAL,
        actor=actor,
        obj=application,
        after={"field": field, "reason": reason},
    )
    return value


@transaction.atomic
def personal_data_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every stored personal field (and the key's canary) under
    the primary key and recompute the ID numbers' keyed hashes, which
    follow the primary key: after a new key is put first and the old one in
    PERSONAL_DATA_KEY_FALLBACKS, so that the old one can then be dropped.
    Returns the number of applications rewritten."""
    crypto.key_verify()
    tokens = [field.token for field in FIELDS.values()]
    changed = []
    rows = Application.objects.select_for_update().only("pk", *tokens)
    for application in rows.order_by("pk").iterator(chunk_size=batch_size):
        for column in tokens:
            setattr(application, column, crypto.rotate(getattr(application, column)))
        number = crypto.decrypt(application.id_number_encrypted)
        application.id_number_hash = crypto.keyed_hash(number) if number else ""
        changed.append(application)
    Application.objects.bulk_update(
        changed, [*tokens, "id_number_hash"], batch_size=batch_size
    )
    canaries = KeyCanary.objects.all()
    if canaries.exists() or changed:
        canaries.delete()
        KeyCanary.objects.create(token=crypto.encrypt(crypto.CANARY_TEXT))
    return len(changed)
