from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.board, name="board"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.target_detail, name="target-detail"),
    path("<int:pk>/readings/", views.reading_add, name="reading-add"),
]
