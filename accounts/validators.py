"""Password rules, each with its message in Chinese.

Django's validators are kept for what they check and given the portal's
own messages: the shipped Chinese catalogue lacks some of them, and an
assessor reads the rule where it is enforced.
"""

from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短,至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(
    password_validation.UserAttributeSimilarityValidator
):
    def get_error_message(self):
        return "密码与%(verbose_name)s太相似。"

    def get_help_text(self):
        return "密码不能与用户名、姓名、邮箱等个人信息相似。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of common passwords and the portal's own."""

    LOCAL_LIST_PATH = Path(__file__).resolve().parent / "common-passwords.txt"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        lines = self.LOCAL_LIST_PATH.read_text(encoding="utf-8").splitlines()
        self.passwords |= {
            line.strip() for line in lines if line.strip() and line[0] != "#"
        }

    def get_error_message(self):
        return "这个密码太常见,容易被猜中。"

    def get_help_text(self):
        return "不能使用常见密码。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全是数字。"

    def get_help_text(self):
        return "密码不能全是数字。"


class CharacterClassesValidator:
    """Letters, digits and symbols, each at least once."""

    def validate(self, password, user=None):
        has_letter = any(c.isalpha() for c in password)
        has_digit = any(c.isdigit() for c in password)
        has_symbol = any(not c.isalnum() and not c.isspace() for c in password)
        if not (has_letter and has_digit and has_symbol):
            raise ValidationError(self.get_help_text(), code="password_classes")

    def get_help_text(self):
        return "密码必须同时包含字母、数字和符号。"


class UsernameInPasswordValidator:
    """The username may not appear in the password, in any case.

    Django's similarity check lets a long password through that merely
    contains the username; this rule does not. Usernames shorter than
    ``min_length`` are too likely to occur by chance to be refused.
    """

    def __init__(self, min_length=3):
        self.min_length = min_length

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").casefold()
        if len(username) >= self.min_length and username in password.casefold():
            raise ValidationError(self.get_help_text(), code="password_has_username")

    def get_help_text(self):
        return "密码不能包含用户名。"
