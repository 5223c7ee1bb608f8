"""Each password rule refuses with its own message in Chinese; a password
that mixes letters, digits and symbols and names nobody passes."""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from accounts.models import User


def refusals(password: str, **user_fields) -> list[str]:
    user = User(username="zhangwei", **user_fields)
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_a_password_mixing_letters_digits_and_symbols_passes():
    assert refusals("Jineng#2025ok") == []


def test_shorter_than_eight_characters_is_refused():
    assert "密码太短,至少需要 8 个字符。" in refusals("Jn#2025")


@pytest.mark.parametrize(
    "password", ["jinengyingtan", "jinengyingtan2025", "jineng#yingtan", "2025#2026"]
)
def test_a_password_without_letters_digits_and_symbols_all_three_is_refused(
    password,
):
    assert "密码必须同时包含字母、数字和符号。" in refusals(password)


@pytest.mark.parametrize("password", ["Zhangwei#2025", "2025!ZHANGWEI-jn"])
def test_a_password_containing_the_username_is_refused(password):
    assert "密码不能包含用户名。" in refusals(password)


def test_a_password_like_the_users_other_details_is_refused():
    messages = refusals("Wang.xiaoming1", email="wang.xiaoming@yingtan.gov.cn")
    assert any(m.startswith("密码与") and m.endswith("太相似。") for m in messages)


@pytest.mark.parametrize("password", ["P@ssw0rd", "password1!", "Admin@123"])
def test_a_common_password_is_refused(password):
    """From Django's list, and from the portal's list of passwords that
    pass the character rules yet are guessed first."""
    assert "这个密码太常见,容易被猜中。" in refusals(password)


def test_an_all_digit_password_is_refused():
    assert "密码不能全是数字。" in refusals("84719305261")


def test_the_rules_are_explained_in_chinese():
    texts = password_validators_help_texts()
    assert "密码至少 8 个字符。" in texts
    assert "密码必须同时包含字母、数字和符号。" in texts
    assert "密码不能包含用户名。" in texts
    assert all(not text.isascii() for text in texts)
