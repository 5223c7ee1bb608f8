import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    department = models.ForeignKey(
        "tasks.Department",
        verbose_name="所属部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # New accounts get a password someone else chose: the owner replaces it
    # at the first sign-in.
    must_change_password = models.BooleanField("须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.get_full_name() or self.username

    def password_change_due(self, now: datetime.datetime | None = None) -> bool:
        """Must this user choose a new password before doing anything else:
        first sign-in, or the password older than PASSWORD_MAX_AGE_DAYS."""
        if self.must_change_password:
            return True
        changed = self.password_changed_at or self.date_joined
        max_age = datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
        return (now or timezone.now()) - changed > max_age
