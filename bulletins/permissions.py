"""Who may see and do what with the bulletins (季通报).

- The 人社局 reviewer writes them (create, edit, regenerate, issue,
  publish, render) and sees every bulletin and every version.
- A department user sees the bulletins issued to its department, and of
  each only what was issued: the latest issued version, never the draft
  that may follow it.
- Everyone, signed in or not, sees a published bulletin's public version.
"""

from django.db.models import QuerySet

from bulletins.models import Bulletin, BulletinVersion, RenderJob
from tasks.permissions import is_department_user, is_reviewer


def can_manage(user) -> bool:
    return user is not None and is_reviewer(user)


def can_list(user) -> bool:
    return can_manage(user) or is_department_user(user)


def bulletins_for_user(user) -> QuerySet[Bulletin]:
    if can_manage(user):
        return Bulletin.objects.all()
    if not is_department_user(user):
        return Bulletin.objects.none()
    return Bulletin.objects.filter(
        issued_at__isnull=False, deliveries__department_id=user.department_id
    )


def versions_for_user(user) -> QuerySet[BulletinVersion]:
    """Versions whose figures and documents the user may read."""
    if can_manage(user):
        return BulletinVersion.objects.all()
    return BulletinVersion.objects.filter(
        issued_at__isnull=False, bulletin__in=bulletins_for_user(user)
    )


def render_jobs_for_user(user) -> QuerySet[RenderJob]:
    return RenderJob.objects.filter(version__in=versions_for_user(user))


def public_bulletins() -> QuerySet[Bulletin]:
    """Published bulletins of the policies the public page shows."""
    return Bulletin.objects.filter(
        published=True, issued_at__isnull=False, policy__published=True
    )
