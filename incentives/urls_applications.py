"""The applications addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

from django.urls import path

from .views import applications as views

urlpatterns = [
    path("", views.application_list, name="application-list"),
    path("new/", views.application_create, name="application-create"),
    path("<int:pk>/", views.application_detail, name="application-detail"),
    path("<int:pk>/edit/", views.application_edit, name="application-edit"),
    path(
        "<int:pk>/move/<str:action>/",
        views.application_move,
        name="application-move",
    ),
    path("<int:pk>/assess/", views.application_assess, name="application-assess"),
    path("<int:pk>/facts/", views.fact_check_add, name="fact-check-add"),
]
