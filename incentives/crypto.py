"""Personal data at rest (个人信息保护法): ID numbers, phones and card
numbers encrypted with Fernet (the ``cryptography`` package), a keyed hash
of the ID number for the duplicate checks, the ID number's check (GB 11643)
and the masks every page and export shows.

The key is ``settings.PERSONAL_DATA_KEY`` (a Fernet key); production
refuses to start without a valid one. Development and tests use a key
generated once into ``var/personal-data.key``, so that data stored
yesterday still reads today. Keys listed in ``PERSONAL_DATA_KEY_FALLBACKS``
still decrypt (rotation: the new key first, the old ones as fallbacks, then
``manage.py personal_data_rotate``).

A wrong key would decrypt nothing and the pages would show garbage or
fail one by one; instead, ``KeyCanary`` holds a known text encrypted when
the first personal data was stored, and a key that cannot read it back
stops the portal (``key_verify``, the system check in
``incentives.checks``, the middleware in ``incentives.middleware``).
"""

import base64
import datetime
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from contextlib import suppress
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

KEY_FILE = Path("var") / "personal-data.key"
GENERATE_COMMAND = (
    "python3 -c 'import base64, os; "
    "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
)
CANARY_TEXT = "技能鹰潭 个人信息密钥校验"
HASH_KEY_INFO = b"yingtan incentives personal data: keyed hash"

# GB 11643-1999: the weights of the first 17 digits and the check digit
# for each remainder modulo 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_DIGITS = "10X98765432"
# The provinces' codes (GB/T 2260), with 81–83 for the residence permits
# of Hong Kong, Macao and Taiwan residents.
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43}
    | {44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
ID_SHAPE = re.compile(r"\d{17}[\dX]")


class PersonalDataKeyError(ImproperlyConfigured):
    """The personal-data key is missing, malformed or not the one the data
    was encrypted with; the message (in Chinese) says what to do."""


# -- The key ---------------------------------------------------------------------


def is_valid_key(text: str) -> bool:
    """Whether ``text`` is a Fernet key: 32 bytes in URL-safe base64."""
    try:
        Fernet(text)
    except (ValueError, TypeError):
        return False
    return True


def _primary_key() -> bytes:
    configured = getattr(settings, "PERSONAL_DATA_KEY", "")
    if configured:
        if not is_valid_key(configured):
            raise PersonalDataKeyError(
                "环境变量 PERSONAL_DATA_KEY 不是有效的个人信息密钥(应为 32 字节的"
                "URL 安全 Base64 编码,共 44 个字符)。可用以下命令生成:"
                + GENERATE_COMMAND
            )
        return configured.encode("ascii")
    if settings.PRODUCTION:
        raise PersonalDataKeyError(
            "生产环境(DJANGO_ENV=production)必须在环境变量 PERSONAL_DATA_KEY 中设置"
            f"个人信息加密密钥。可用以下命令生成:{GENERATE_COMMAND}"
        )
    return _development_key(Path(settings.BASE_DIR) / KEY_FILE)


def _fallback_keys() -> list[bytes]:
    keys = []
    for position, text in enumerate(
        getattr(settings, "PERSONAL_DATA_KEY_FALLBACKS", []), start=1
    ):
        if not is_valid_key(text):
            raise PersonalDataKeyError(
                f"环境变量 PERSONAL_DATA_KEY_FALLBACKS 中第 {position} 个密钥不是有效的"
                "个人信息密钥(应为 44 个字符的 URL 安全 Base64 编码)。"
            )
        keys.append(text.encode("ascii"))
    return keys


@cache
def _fernet() -> MultiFernet:
    """Encrypts with the primary key, decrypts with it or a fallback."""
    return MultiFernet([Fernet(key) for key in [_primary_key(), *_fallback_keys()]])


@cache
def _hash_key() -> bytes:
    """The keyed hash's own key, derived from the primary key: stable as
    long as the key is, and not the encryption key itself."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=HASH_KEY_INFO
    ).derive(base64.urlsafe_b64decode(_primary_key()))


# Keys read from a development key file, by path: one read per process.
_file_keys: dict[Path, bytes] = {}


def _development_key(path: Path) -> bytes:
    key = _file_keys.get(path)
    if key is None:
        if not path.exists():
            _create_key_file(path)
        key = path.read_text(encoding="ascii").strip().encode("ascii")
        if not is_valid_key(key.decode("ascii")):
            raise PersonalDataKeyError(
                f"开发用个人信息密钥文件 {path} 内容无效。若其中没有需要保留的数据,"
                "可删除该文件,平台下次启动时重新生成。"
            )
        _file_keys[path] = key
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key where no key is yet, as ``audit.signing`` does:
    aside, then linked into place, so that two processes starting at once
    agree on one key and neither reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as draft_file:
            draft_file.write(Fernet.generate_key().decode("ascii") + "\n")
        # Another process may have been first: its key is the one.
        with suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)


# Keys (by fingerprint) that read the stored canaries back, and keys
# checked when no canary was stored yet, in this process: a page asks the
# database once per process, and a key is never taken for another since
# each has its own fingerprint.
_verified: set[str] = set()
_checked: set[str] = set()


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs) -> None:
    if setting in {"PERSONAL_DATA_KEY", "PERSONAL_DATA_KEY_FALLBACKS", "BASE_DIR"}:
        _fernet.cache_clear()
        _hash_key.cache_clear()
        _file_keys.clear()


def _fingerprint() -> str:
    keys = b"|".join([_primary_key(), *_fallback_keys()])
    return hashlib.sha256(keys).hexdigest()


def key_verify(*, create: bool = False) -> None:
    """Refuse a key that cannot read the stored canaries back, with
    PersonalDataKeyError; with ``create`` (before personal data is
    stored), store a canary where there is none yet. Once a key has read
    the canaries, this process does not ask again; without ``create``, nor
    once it found none (a token stored since under another key fails in
    ``decrypt``)."""
    from incentives.models import KeyCanary

    fingerprint = _fingerprint()
    if fingerprint in _verified or (not create and fingerprint in _checked):
        return
    tokens = list(KeyCanary.objects.values_list("token", flat=True))
    for token in tokens:
        try:
            text = _fernet().decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            text = None
        if text != CANARY_TEXT:
            raise PersonalDataKeyError(
                "个人信息密钥与已加密的数据不符:当前 PERSONAL_DATA_KEY 无法解密已保存的"
                "身份证号、手机号和卡号。请恢复加密这些数据时使用的密钥(更换密钥时,"
                "把旧密钥放在 PERSONAL_DATA_KEY_FALLBACKS 中),平台已停止显示个人信息。"
            )
    if tokens:
        _verified.add(fingerprint)
    elif create:
        KeyCanary.objects.create(token=encrypt(CANARY_TEXT))
    else:
        _checked.add(fingerprint)


def key_checks_forget() -> None:
    """Ask the database again at the next check (the canaries changed:
    rotation, tests)."""
    _verified.clear()
    _checked.clear()


def key_needs_rotation() -> bool:
    """Whether a canary reads only with a fallback key: data encrypted
    under an old key remain, for ``manage.py personal_data_rotate``."""
    from incentives.models import KeyCanary

    primary = Fernet(_primary_key())
    for token in KeyCanary.objects.values_list("token", flat=True):
        try:
            primary.decrypt(token.encode("ascii"))
        except InvalidToken:
            return True
    return False


# -- Encryption and the keyed hash -----------------------------------------------


def encrypt(text: str) -> str:
    """The Fernet token of ``text`` (different at every call); "" stays
    ""."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token; PersonalDataKeyError if no key reads it."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise PersonalDataKeyError(
            "个人信息密钥与已加密的数据不符,无法解密,平台已停止显示个人信息。"
            "请联系系统管理员核对 PERSONAL_DATA_KEY。"
        ) from exc


def rotate(token: str) -> str:
    """The token re-encrypted under the primary key."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise PersonalDataKeyError(
            "有数据无法用当前密钥或备用密钥解密,未能更换密钥。"
        ) from exc


def keyed_hash(text: str) -> str:
    """HMAC-SHA256 of ``text`` in hex, for finding equal values without
    storing them: pass the normalised value (``normalise_id_number``)."""
    return hmac.new(_hash_key(), text.encode(), hashlib.sha256).hexdigest()


# -- ID numbers (GB 11643) -------------------------------------------------------


def normalise_id_number(text: str) -> str:
    """Full-width digits and letters as ASCII, spaces dropped, x as X."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split()).upper()


def id_check_digit(first17: str) -> str:
    pairs = zip(first17, ID_WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in pairs)
    return ID_CHECK_DIGITS[total % 11]


def id_number_problem(text: str, *, today: datetime.date | None = None) -> str | None:
    """None if ``text`` (normalised first) is a valid 18-character 居民
    身份证号码, else the reason in Chinese. With ``today``, a birth date
    after it is refused too."""
    number = normalise_id_number(text)
    if not number:
        return "请填写身份证号。"
    if len(number) == 15 and number.isdigit():
        return "这是15位的旧身份证号,请填写18位的居民身份证号码。"
    if len(number) != 18:
        return f"身份证号应为18位,当前为{len(number)}位。"
    if not ID_SHAPE.fullmatch(number):
        return "身份证号前17位应为数字,末位为数字或X。"
    if int(number[:2]) not in PROVINCE_CODES:
        return f"身份证号前6位“{number[:6]}”不是有效的行政区划代码。"
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or (today is not None and born > today):
        return f"身份证号中的出生日期(第7–14位)“{number[6:14]}”不是有效日期。"
    if number[17] != id_check_digit(number[:17]):
        return "身份证号校验码(末位)不正确,请核对。"
    return None


# -- Masks -----------------------------------------------------------------------


def _keep_ends(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id_number(v) -> str:
    """3601**********1234: the first 4 and last 4 characters."""
    return _keep_ends(str(v or "").strip(), 4, 4)


def mask_name(v) -> str:
    """张三→张*, 张小三→张*三, 欧阳小明→欧**明."""
    name = str(v or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(v) -> str:
    """138****1234: the first 3 and last 4 digits."""
    return _keep_ends(str(v or "").strip(), 3, 4)


def mask_card(v) -> str:
    """6217***********0123: the first 4 and last 4 digits."""
    return _keep_ends(str(v or "").strip(), 4, 4)


def normalise_digits(text: str) -> str:
    """A phone or card number as typed, with full-width digits as ASCII
    and spaces and hyphens dropped."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split()).replace("-", "")


def personal_values(*, id_number="", phone="", card_number="") -> dict:
    """An application's stored personal fields: each value encrypted, its
    masked form, and the ID number's keyed hash ("" stays ""). Stores the
    key's canary first if there is none, and refuses a wrong key."""
    id_number = normalise_id_number(id_number)
    phone = normalise_digits(phone)
    card_number = normalise_digits(card_number)
    if id_number or phone or card_number:
        key_verify(create=True)
    return {
        "id_number_encrypted": encrypt(id_number),
        "id_number_masked": mask_id_number(id_number),
        "id_number_hash": keyed_hash(id_number) if id_number else "",
        "phone_encrypted": encrypt(phone),
        "phone_masked": mask_phone(phone),
        "card_encrypted": encrypt(card_number),
        "card_masked": mask_card(card_number),
    }
