from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("export/", views.event_export, name="event-export"),
]
