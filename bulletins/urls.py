from django.urls import path, re_path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.bulletin_list, name="bulletin-list"),
    path("new/", views.bulletin_create, name="bulletin-create"),
    path("<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path("<int:pk>/edit/", views.bulletin_edit, name="bulletin-edit"),
    re_path(
        r"^(?P<pk>\d+)/(?P<action>issue|regenerate|publish|unpublish|render)/$",
        views.bulletin_action,
        name="bulletin-action",
    ),
    path("jobs/<int:pk>/", views.render_job_status, name="render-job"),
    re_path(
        r"^jobs/(?P<pk>\d+)/(?P<kind>docx|pdf|xlsx)/$",
        views.document_download,
        name="document-download",
    ),
]

# Under /public/bulletins/: the published bulletins' public versions.
public_urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.public_detail, name="detail"),
]
