"""The imports addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

from django.urls import path

from .views import imports as views

urlpatterns = [
    path("import/", views.application_import, name="application-import"),
    path(
        "import/template.xlsx",
        views.application_import_template,
        name="application-import-template",
    ),
    path("facts/import/", views.fact_import, name="fact-import"),
    path(
        "facts/import/template.xlsx",
        views.fact_import_template,
        name="fact-import-template",
    ),
]
