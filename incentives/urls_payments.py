"""The payments addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

from django.urls import path

from incentives.views import payments as views

urlpatterns = [
    path("payments/", views.batch_list_view, name="batch-list"),
    path("payments/new/", views.batch_create_view, name="batch-create"),
    path("payments/<int:pk>/", views.batch_detail_view, name="batch-detail"),
    path("payments/<int:pk>/export/", views.batch_export_view, name="batch-export"),
    path("payments/<int:pk>/settle/", views.batch_settle_view, name="batch-settle"),
    path("ledger/", views.ledger_view, name="ledger"),
]
