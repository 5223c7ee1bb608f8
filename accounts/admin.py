from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("所属部门", {"fields": ("department",)}))
    list_display = ("username", "last_name", "first_name", "department", "is_active")
    list_filter = ("department__kind", "groups", "is_active", "is_staff")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)
