"""The personal addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

from django.urls import path

from incentives.views import personal

urlpatterns = [
    path(
        "<int:pk>/reveal/<str:field>/",
        personal.personal_reveal,
        name="personal-reveal",
    ),
]
