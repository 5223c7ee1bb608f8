"""Jobs for the tests of common.jobs: module-level, so that a worker in
another process imports them by path, and each leaves a row to look for."""

import time

from django.contrib.auth.models import Group


def write_group(name: str) -> int:
    return Group.objects.create(name=name).pk


def fail(name: str) -> None:
    raise RuntimeError(f"{name} 出错")


def sleep(name: str, seconds: float) -> None:
    time.sleep(seconds)


def record_error(name: str, *rest, error: str) -> None:
    Group.objects.create(name=f"{name}: {error}"[:150])
