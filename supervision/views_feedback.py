"""The 督导反馈 to one department: the page and its .docx, for the team
and for that department's own users. Who may read which department's
feedback is ``permissions.feedback_departments_for_user``; another
department's is a 404, as its problems are."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.services import audit_record
from tasks.services import file_digest

from . import permissions
from .feedback import Feedback, feedback_data, feedback_docx, feedback_file_name

DOCX_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


def _feedback(request: HttpRequest, pk: int, department_pk: int) -> Feedback:
    user = request.user
    if not permissions.can_list(user):
        raise PermissionDenied("督导反馈只对督导组和被督导单位开放。")
    round_ = get_object_or_404(permissions.rounds_for_user(user), pk=pk)
    department = get_object_or_404(
        permissions.feedback_departments_for_user(user, round_), pk=department_pk
    )
    return feedback_data(round_, department, today=timezone.localdate())


@require_GET
@login_required
def feedback_page(request: HttpRequest, pk: int, department_pk: int) -> HttpResponse:
    feedback = _feedback(request, pk, department_pk)
    return render(
        request,
        "supervision/feedback.html",
        {
            "feedback": feedback,
            "round": feedback.round,
            "department": feedback.department,
        },
    )


@require_GET
@login_required
@never_cache
def feedback_download(
    request: HttpRequest, pk: int, department_pk: int
) -> FileResponse:
    feedback = _feedback(request, pk, department_pk)
    data = feedback_docx(feedback)
    file_name = feedback_file_name(feedback)
    audit_record(
        action="round.feedback_download",
        actor=request.user,
        obj=feedback.round,
        department=feedback.department,
        after={
            "file_name": file_name,
            "sha256": file_digest(data),
            "problems": len(feedback.problems),
            "cooperating": len(feedback.cooperating),
        },
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=file_name,
        content_type=DOCX_CONTENT_TYPE,
    )
