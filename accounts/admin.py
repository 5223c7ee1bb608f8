from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from common.http import SafeQueryAdminMixin

from . import services
from .forms import AccountChangeForm, AccountCreationForm
from .models import User


@admin.register(User)
class UserAdmin(SafeQueryAdminMixin, BaseUserAdmin):
    """The security administrator's tool. Nobody sets groups, permissions,
    staff or superuser status here: a role, given through the service,
    decides them, so the account forms offer no way to raise privileges.

    The department is a plain list, not an autocomplete: that would need
    the right to view departments in the admin, which the security
    administrator, kept out of business data, does not have."""

    form = AccountChangeForm
    add_form = AccountCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("last_name", "first_name", "email")}),
        ("部门与角色", {"fields": ("department", "role")}),
        (
            "状态",
            {
                "fields": (
                    "is_active",
                    "must_change_password",
                    "password_changed_at",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "last_name",
                    "first_name",
                    "email",
                    "department",
                    "role",
                ),
            },
        ),
    )
    readonly_fields = ("password_changed_at", "last_login", "date_joined")
    list_display = (
        "username",
        "last_name",
        "first_name",
        "department",
        "roles",
        "is_active",
        "must_change_password",
    )
    list_filter = ("department__kind", "groups", "is_active", "must_change_password")
    list_select_related = ("department",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="角色")
    def roles(self, obj):
        return "、".join(group.name for group in obj.groups.all())

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def has_change_permission(self, request, obj=None):
        # A superuser's account is beyond the reach of the roles.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.account_save(
            user=obj, role=form.cleaned_data["role"], actor=request.user
        )

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                services.password_set_by_admin(
                    user=self.get_object(request, unquote(id)), actor=request.user
                )
        return response


def _with_safe_queries(model) -> None:
    """django-axes registers its own admin pages; they get the same guard
    against filters the database cannot read."""
    original = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(
        model, type(original.__name__, (SafeQueryAdminMixin, original), {})
    )


for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        _with_safe_queries(_model)
