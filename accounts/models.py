from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    department = models.ForeignKey(
        "tasks.Department",
        verbose_name="所属部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.get_full_name() or self.username
