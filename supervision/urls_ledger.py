"""The ledger's spreadsheet addresses, joined to ``supervision.urls``
(namespace ``supervision``) by ``urlpatterns += ledger_urlpatterns``."""

from django.urls import path

from . import views_ledger

urlpatterns = [
    path("ledger/export/", views_ledger.ledger_export, name="ledger-export"),
    path(
        "rounds/<int:pk>/findings/import/",
        views_ledger.findings_upload,
        name="findings-import",
    ),
    path(
        "rounds/<int:pk>/findings/template/",
        views_ledger.findings_template_download,
        name="findings-template",
    ),
]
