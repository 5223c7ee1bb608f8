from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.TaskListView.as_view(), name="task-list"),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    path(
        "departments/<int:pk>/",
        views.DepartmentDetailView.as_view(),
        name="department-detail",
    ),
]
