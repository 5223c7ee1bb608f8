"""Business data edited in the Django admin is recorded like any other
change: in the same transaction, with before and after values."""

from django.db import transaction

from .services import audit_lock, audit_record, snapshot


def _fields(obj) -> list[str]:
    return [
        f.name
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name not in ("password",)
    ]


class AuditedAdminMixin:
    """Mix into a ModelAdmin so that adds, changes and deletes through the
    admin leave an audit record."""

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(stored, _fields(stored)) if stored else None
        with transaction.atomic():
            audit_lock()  # before the row, as every writer takes them
            super().save_model(request, obj, form, change)
            after = snapshot(obj, _fields(obj))
            if before != after:
                audit_record(
                    action="admin.change" if change else "admin.add",
                    actor=request.user,
                    obj=obj,
                    before=before,
                    after=after,
                )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                action="admin.delete",
                actor=request.user,
                obj=obj,
                before=snapshot(obj, _fields(obj)),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    action="admin.delete",
                    actor=request.user,
                    obj=obj,
                    before=snapshot(obj, _fields(obj)),
                )
            super().delete_queryset(request, queryset)
