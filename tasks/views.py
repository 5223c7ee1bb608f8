from collections.abc import Callable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from . import permissions, selectors
from .filters import TaskFilter
from .models import Department, Role

# What the rooms above the plan add to a department's page: each is called
# with the department and the user and returns context for the template
# (targets add the targets the department leads, from their AppConfig).
department_panels: list[Callable[[Department, object], dict]] = []


class TaskListView(LoginRequiredMixin, FilterView):
    filterset_class = TaskFilter
    template_name = "tasks/task_list.html"
    context_object_name = "tasks"
    paginate_by = 50

    def get_queryset(self):
        return selectors.task_list(permissions.tasks_for_user(self.request.user))

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["tasks/_task_table.html"]
        return [self.template_name]


class TaskDetailView(LoginRequiredMixin, DetailView):
    template_name = "tasks/task_detail.html"
    context_object_name = "task"

    def get_queryset(self):
        return selectors.task_detail(permissions.tasks_for_user(self.request.user))


class DepartmentListView(LoginRequiredMixin, ListView):
    template_name = "tasks/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        return selectors.department_list().filter(
            pk__in=permissions.departments_for_user(self.request.user)
        )


class DepartmentDetailView(LoginRequiredMixin, DetailView):
    template_name = "tasks/department_detail.html"
    context_object_name = "department"

    def get_queryset(self):
        return selectors.department_detail().filter(
            pk__in=permissions.departments_for_user(self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grouped = selectors.department_responsibilities(
            self.object, permissions.tasks_for_user(self.request.user)
        )
        context["sections"] = [(label, grouped[value]) for value, label in Role.choices]
        # Tasks of several policies are labelled with their policy's number.
        context["several_policies"] = (
            len({r.task.policy_id for rows in grouped.values() for r in rows}) > 1
        )
        for panel in department_panels:
            context.update(panel(self.object, self.request.user))
        return context
