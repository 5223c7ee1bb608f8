from django import forms
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from .models import User
from .roles import RoleName, role_names

DEPARTMENT_ROLES = {RoleName.REPORTER, RoleName.LEADER, RoleName.INCENTIVE_CLERK}


class RoleFormMixin(forms.Form):
    """One role per account, chosen here and given by ``user_set_role``.

    ``actor`` (the signed-in administrator) is set by the admin.
    """

    role = forms.ChoiceField(label="角色", choices=RoleName.choices)
    actor = None

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in DEPARTMENT_ROLES and not cleaned.get("department"):
            self.add_error(
                "department", "部门填报员、部门负责人和激励经办员必须选择所属部门。"
            )
        if (
            self.instance.pk
            and self.actor is not None
            and self.instance.pk == self.actor.pk
            and role
            and [role] != sorted(role_names(self.instance))
        ):
            self.add_error("role", "不能修改自己的角色,请由另一位安全管理员操作。")
        return cleaned


class AccountCreationForm(RoleFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "last_name", "first_name", "email", "department")


class AccountChangeForm(RoleFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = sorted(role_names(self.instance))
        if current:
            self.fields["role"].initial = current[0]
