"""The figures addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

from django.urls import path

from .views import figures

urlpatterns = [
    path("figures/", figures.figures, name="figures"),
    path("figures/export.xlsx", figures.figures_export, name="figures-export"),
]
