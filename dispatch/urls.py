from django.urls import path, re_path

from .views import dashboard, periods, reports, sheet, urging

app_name = "dispatch"

urlpatterns = [
    path("mine/", reports.my_tasks, name="my-tasks"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report-edit"),
    re_path(
        r"^reports/(?P<pk>\d+)/(?P<action>submit|sign_off|decline|approve|return|reopen)/$",
        reports.report_move,
        name="report-move",
    ),
    path("reports/<int:pk>/evidence/", reports.evidence_upload, name="evidence-upload"),
    path(
        "evidence/<int:pk>/download/",
        reports.evidence_download,
        name="evidence-download",
    ),
    path("evidence/<int:pk>/delete/", reports.evidence_delete, name="evidence-delete"),
    path("review/", reports.ReviewQueueView.as_view(), name="review-queue"),
    path("signoff/", reports.SignoffListView.as_view(), name="signoff-list"),
    path("periods/", periods.period_list, name="period-list"),
    re_path(
        r"^periods/(?P<pk>\d+)/(?P<action>close|reopen)/$",
        periods.period_action,
        name="period-action",
    ),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("urge/<int:department_pk>/", urging.urge, name="urge"),
    path("periods/<int:pk>/sheet.xlsx", sheet.sheet_download, name="sheet-download"),
    path("periods/<int:pk>/sheet/upload/", sheet.sheet_upload, name="sheet-upload"),
]
