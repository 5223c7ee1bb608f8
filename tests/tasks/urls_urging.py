"""The project's URLs with ``tasks:urge`` served by ``urging.urge``, for
the urging tests until ``tasks/urls.py`` points there itself."""

from django.urls import include, path

from tasks import urls as task_urls
from tasks.views import urging
from yingtan import urls as project_urls

task_patterns = [
    path("urge/<int:department_pk>/", urging.urge, name="urge"),
    *(p for p in task_urls.urlpatterns if getattr(p, "name", None) != "urge"),
]

urlpatterns = [
    path("tasks/", include((task_patterns, "tasks"))),
    *(p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "tasks"),
]
