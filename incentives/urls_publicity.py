"""The publicity addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

from django.urls import path

from .views import publicity as views

urlpatterns = [
    path("publicity/", views.publicity_list, name="publicity-list"),
    path("publicity/new/", views.publicity_create, name="publicity-create"),
    path("publicity/<int:pk>/", views.publicity_detail, name="publicity-detail"),
    path("publicity/<int:pk>/close/", views.publicity_close, name="publicity-close"),
    path(
        "publicity/<int:pk>/notice.docx",
        views.publicity_docx,
        name="publicity-docx",
    ),
    path("<int:pk>/objections/new/", views.objection_add, name="objection-add"),
    path(
        "objections/<int:pk>/resolve/",
        views.objection_resolve,
        name="objection-resolve",
    ),
]

# The public 公示 pages, joined at /public/incentives/ (namespace
# ``public-incentives``).
public_urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.public_detail, name="detail"),
]
