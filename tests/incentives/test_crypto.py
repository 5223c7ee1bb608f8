"""Personal data at rest: Fernet encryption under the configured key, the
keyed hash, a wrong key refused, rotation, the ID number's check (GB 11643)
and the masks."""

import datetime
import hashlib
import hmac
import os
import stat

import pytest
from cryptography.fernet import Fernet

from incentives import crypto
from incentives.crypto import PersonalDataKeyError
from incentives.models import KeyCanary
from tests.incentives.conftest import ID_LI, ID_ZHANG

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def key_checks_afresh():
    """Each test asks the database for the canaries afresh (its rows are
    its own); the process's earlier answers are put back after it."""
    saved = set(crypto._verified), set(crypto._checked)
    crypto.key_checks_forget()
    yield
    crypto.key_checks_forget()
    crypto._verified.update(saved[0])
    crypto._checked.update(saved[1])


@pytest.fixture
def key_a(settings):
    settings.PERSONAL_DATA_KEY = KEY_A
    settings.PERSONAL_DATA_KEY_FALLBACKS = []
    return settings


# -- Encryption --------------------------------------------------------------------


def test_encryption_round_trip(key_a):
    token = crypto.encrypt(ID_ZHANG)

    assert crypto.decrypt(token) == ID_ZHANG
    assert crypto.decrypt(crypto.encrypt("张三 13800001234")) == "张三 13800001234"


def test_the_token_is_not_the_text_and_differs_at_every_encryption(key_a):
    first, second = crypto.encrypt(ID_ZHANG), crypto.encrypt(ID_ZHANG)

    assert ID_ZHANG not in first
    assert "1990" not in first
    assert first != second
    # The token is Fernet's, readable with the configured key.
    assert Fernet(KEY_A).decrypt(first.encode()).decode() == ID_ZHANG


def test_blank_stays_blank(key_a):
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""


def test_a_wrong_key_raises_a_key_error_not_garbage(key_a):
    token = crypto.encrypt(ID_ZHANG)
    key_a.PERSONAL_DATA_KEY = KEY_B

    with pytest.raises(PersonalDataKeyError, match="个人信息密钥与已加密的数据不符"):
        crypto.decrypt(token)


def test_a_malformed_key_is_refused_with_how_to_make_one(key_a):
    key_a.PERSONAL_DATA_KEY = "not-a-fernet-key"

    with pytest.raises(PersonalDataKeyError, match="PERSONAL_DATA_KEY 不是有效的"):
        crypto.encrypt(ID_ZHANG)


def test_fallback_keys_read_old_tokens_and_rotation_moves_them_to_the_new_key(key_a):
    old = crypto.encrypt(ID_ZHANG)
    key_a.PERSONAL_DATA_KEY = KEY_B
    key_a.PERSONAL_DATA_KEY_FALLBACKS = [KEY_A]

    assert crypto.decrypt(old) == ID_ZHANG
    new = crypto.rotate(old)
    assert Fernet(KEY_B).decrypt(new.encode()).decode() == ID_ZHANG
    # New data goes under the new key only.
    assert Fernet(KEY_B).decrypt(crypto.encrypt(ID_LI).encode()).decode() == ID_LI

    key_a.PERSONAL_DATA_KEY_FALLBACKS = []
    assert crypto.decrypt(new) == ID_ZHANG
    with pytest.raises(PersonalDataKeyError):
        crypto.decrypt(old)


def test_a_malformed_fallback_key_is_refused(key_a):
    key_a.PERSONAL_DATA_KEY_FALLBACKS = [KEY_B, "short"]

    with pytest.raises(PersonalDataKeyError, match="第 2 个密钥"):
        crypto.decrypt(crypto.encrypt(ID_ZHANG))


def test_the_development_key_is_made_once_and_read_back_after_a_restart(tmp_path):
    path = tmp_path / "var" / "personal-data.key"
    key = crypto._development_key(path)
    crypto._file_keys.clear()  # as a new process would

    assert crypto._development_key(path) == key
    assert crypto.is_valid_key(key.decode())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["personal-data.key"]


def test_development_uses_the_key_file_when_no_key_is_set(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.PERSONAL_DATA_KEY = ""
    token = crypto.encrypt(ID_ZHANG)

    key = (tmp_path / "var" / "personal-data.key").read_text().strip()
    assert Fernet(key).decrypt(token.encode()).decode() == ID_ZHANG


# -- The keyed hash ----------------------------------------------------------------


def test_the_keyed_hash_is_stable_and_keyed(key_a):
    digest = crypto.keyed_hash(ID_ZHANG)

    assert digest == crypto.keyed_hash(ID_ZHANG)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest != crypto.keyed_hash(ID_LI)
    # Not a plain digest, and not keyed with the encryption key itself.
    assert digest != hashlib.sha256(ID_ZHANG.encode()).hexdigest()
    fernet = Fernet(KEY_A)
    for key in (KEY_A.encode(), fernet._signing_key, fernet._encryption_key):
        assert digest != hmac.new(key, ID_ZHANG.encode(), hashlib.sha256).hexdigest()

    key_a.PERSONAL_DATA_KEY = KEY_B
    assert crypto.keyed_hash(ID_ZHANG) != digest
    key_a.PERSONAL_DATA_KEY = KEY_A
    assert crypto.keyed_hash(ID_ZHANG) == digest


# -- The canary --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_stored_personal_data_store_the_canary_and_a_wrong_key_is_refused(
    key_a,
):
    assert not KeyCanary.objects.exists()
    crypto.key_verify()  # nothing stored yet: nothing to refuse
    assert not KeyCanary.objects.exists()

    crypto.personal_values(id_number=ID_ZHANG)
    assert KeyCanary.objects.count() == 1
    crypto.personal_values(id_number=ID_LI)
    assert KeyCanary.objects.count() == 1

    key_a.PERSONAL_DATA_KEY = KEY_B
    with pytest.raises(PersonalDataKeyError, match="个人信息密钥与已加密的数据不符"):
        crypto.key_verify()
    # Nothing more is stored under the wrong key.
    with pytest.raises(PersonalDataKeyError):
        crypto.personal_values(id_number=ID_LI)


@pytest.mark.django_db
def test_the_canary_under_a_fallback_key_asks_for_rotation(key_a):
    crypto.key_verify(create=True)
    assert not crypto.key_needs_rotation()

    key_a.PERSONAL_DATA_KEY = KEY_B
    key_a.PERSONAL_DATA_KEY_FALLBACKS = [KEY_A]
    crypto.key_verify()
    assert crypto.key_needs_rotation()


# -- Stored values -----------------------------------------------------------------


@pytest.mark.django_db
def test_personal_values_hold_tokens_masks_and_the_hash_of_the_normalised_number(
    key_a,
):
    values = crypto.personal_values(
        id_number=" 3606０2199003071233 ".replace("1233", "123３"),
        phone="138 0000-1234",
        card_number="6217 0012 3456 7890 123",
    )

    assert set(values) == {
        "id_number_encrypted",
        "id_number_masked",
        "id_number_hash",
        "phone_encrypted",
        "phone_masked",
        "card_encrypted",
        "card_masked",
    }
    assert crypto.decrypt(values["id_number_encrypted"]) == ID_ZHANG
    assert values["id_number_masked"] == "3606**********1233"
    assert values["id_number_hash"] == crypto.keyed_hash(ID_ZHANG)
    assert crypto.decrypt(values["phone_encrypted"]) == "13800001234"
    assert values["phone_masked"] == "138****1234"
    assert crypto.decrypt(values["card_encrypted"]) == "6217001234567890123"
    assert values["card_masked"] == "6217***********0123"
    for name in ("id_number_encrypted", "phone_encrypted", "card_encrypted"):
        assert "1234" not in values[name]


def test_blank_personal_values_stay_blank(key_a):
    assert crypto.personal_values() == {
        "id_number_encrypted": "",
        "id_number_masked": "",
        "id_number_hash": "",
        "phone_encrypted": "",
        "phone_masked": "",
        "card_encrypted": "",
        "card_masked": "",
    }


# -- ID numbers (GB 11643) ---------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        ID_ZHANG,
        ID_LI,
        # The standard's own example (GB 11643-1999, appendix).
        "11010519491231002X",
        "36060219851120005X",
    ],
)
def test_valid_id_numbers_pass(number):
    assert crypto.id_number_problem(number) is None


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("110105 19491231 002ｘ", "11010519491231002X"),
        (" 360602199003071233\u3000", ID_ZHANG),
        ("", ""),
    ],
)
def test_id_numbers_are_normalised(typed, normalised):
    assert crypto.normalise_id_number(typed) == normalised
    if normalised:
        assert crypto.id_number_problem(typed) is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", "请填写身份证号。"),
        ("360602900307123", "这是15位的旧身份证号,请填写18位的居民身份证号码。"),
        ("36060219900307123", "身份证号应为18位,当前为17位。"),
        ("3606021990030712333", "身份证号应为18位,当前为19位。"),
        ("36060219900307123Y", "身份证号前17位应为数字,末位为数字或X。"),
        ("3606021990030712X3", "身份证号前17位应为数字,末位为数字或X。"),
        ("990602199003071233", "身份证号前6位“990602”不是有效的行政区划代码。"),
        (
            "360602199002300011",
            "身份证号中的出生日期(第7–14位)“19900230”不是有效日期。",
        ),
        (
            "360602189912310011",
            "身份证号中的出生日期(第7–14位)“18991231”不是有效日期。",
        ),
        ("360602199003071234", "身份证号校验码(末位)不正确,请核对。"),
        ("110105194912310021", "身份证号校验码(末位)不正确,请核对。"),
        ("360602198511200050", "身份证号校验码(末位)不正确,请核对。"),
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(number, problem):
    assert crypto.id_number_problem(number) == problem


def test_a_birth_date_after_today_is_refused_when_today_is_given():
    number = "360602202501010000"
    number = number[:17] + crypto.id_check_digit(number[:17])

    assert crypto.id_number_problem(number) is None
    assert crypto.id_number_problem(number, today=datetime.date(2025, 1, 1)) is None
    assert crypto.id_number_problem(number, today=datetime.date(2024, 12, 31)) == (
        "身份证号中的出生日期(第7–14位)“20250101”不是有效日期。"
    )


# -- Masks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mask", "value", "masked"),
    [
        (crypto.mask_id_number, ID_ZHANG, "3606**********1233"),
        (crypto.mask_id_number, "11010519491231002X", "1101**********002X"),
        (crypto.mask_id_number, "", ""),
        (crypto.mask_id_number, None, ""),
        (crypto.mask_name, "张三", "张*"),
        (crypto.mask_name, "张小三", "张*三"),
        (crypto.mask_name, "欧阳小明", "欧**明"),
        (crypto.mask_name, "买买提·艾力", "买****力"),
        (crypto.mask_name, "张", "*"),
        (crypto.mask_name, "", ""),
        (crypto.mask_phone, "13800001234", "138****1234"),
        (crypto.mask_phone, "", ""),
        (crypto.mask_phone, "1234567", "*******"),
        (crypto.mask_card, "6217001234567890123", "6217***********0123"),
        (crypto.mask_card, "6222020200001234", "6222********1234"),
        (crypto.mask_card, "", ""),
    ],
)
def test_masks(mask, value, masked):
    assert mask(value) == masked
