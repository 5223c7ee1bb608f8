from django.urls import path, re_path

from . import views, views_feedback
from .urls_ledger import urlpatterns as ledger_urlpatterns

app_name = "supervision"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/notify/", views.round_notify, name="round-notify"),
    path(
        "rounds/<int:pk>/feedback/<int:department_pk>/",
        views_feedback.feedback_page,
        name="feedback",
    ),
    path(
        "rounds/<int:pk>/feedback/<int:department_pk>/docx/",
        views_feedback.feedback_download,
        name="feedback-docx",
    ),
    path("rounds/<int:pk>/visits/new/", views.visit_create, name="visit-create"),
    path("rounds/<int:pk>/problems/new/", views.problem_create, name="problem-create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/files/", views.visit_file_upload, name="visit-file-upload"),
    path("visit-files/<int:pk>/", views.visit_file_download, name="visit-file"),
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/plan/", views.problem_plan, name="problem-plan"),
    path(
        "problems/<int:pk>/progress/", views.problem_progress, name="problem-progress"
    ),
    re_path(
        r"^problems/(?P<pk>\d+)/(?P<action>request|sign_off|return|reopen|recheck)/$",
        views.problem_move,
        name="problem-move",
    ),
    path(
        "problems/<int:pk>/extension/",
        views.extension_request,
        name="extension-request",
    ),
    re_path(
        r"^extensions/(?P<pk>\d+)/(?P<decision>grant|refuse)/$",
        views.extension_decide,
        name="extension-decide",
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("ledger/", views.ledger, name="ledger"),
]
urlpatterns += ledger_urlpatterns
