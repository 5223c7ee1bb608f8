"""The supervision forms: they check the shape of the input; the rules
are the services'."""

from django import forms

from accounts.models import User
from accounts.roles import RoleName
from supervision.models import (
    ProblemCategory,
    ProblemState,
    RectificationKind,
    Round,
    Visit,
    VisitMethod,
)
from tasks.models import Department, Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "policy",
            "title",
            "year",
            "half",
            "starts_on",
            "ends_on",
            "leader",
            "members",
            "scope",
            "departments",
            "tasks",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "departments": forms.CheckboxSelectMultiple,
            "tasks": forms.SelectMultiple(attrs={"size": 10}),
            "scope": forms.Textarea(attrs={"rows": 5}),
            "members": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(
            groups__name=RoleName.REVIEWER.label, is_active=True
        ).order_by("username")
        self.fields["departments"].queryset = Department.objects.order_by(
            "sort_order", "name"
        )
        self.fields["tasks"].queryset = Task.objects.select_related("policy").order_by(
            "policy", "number"
        )
        self.fields["tasks"].label_from_instance = lambda t: (
            f"{t.number}. {t.requirement[:40]}"
        )

    def clean(self):
        data = super().clean()
        policy, tasks = data.get("policy"), data.get("tasks")
        if policy and tasks:
            alien = [t for t in tasks if t.policy_id != policy.pk]
            if alien:
                self.add_error("tasks", f"任务{alien[0].number}不属于“{policy}”。")
        return data


class VisitForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label="被督导单位")
    visited_on = forms.DateField(label="走访日期", widget=DATE)
    methods = forms.MultipleChoiceField(
        label="督导方式",
        choices=VisitMethod.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.CharField(
        label="参加人员", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    checked_tasks = forms.ModelMultipleChoiceField(
        Task.objects.none(),
        label="核查任务",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    findings = forms.CharField(
        label="发现情况", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = round.departments.order_by("sort_order")
        self.fields["checked_tasks"].queryset = round.tasks.order_by("number")
        self.fields["checked_tasks"].label_from_instance = lambda t: (
            f"{t.number}. {t.requirement[:40]}"
        )


class ProblemForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label="责任单位")
    cooperating = forms.ModelMultipleChoiceField(
        Department.objects.none(),
        label="配合单位",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    visit = forms.ModelChoiceField(
        Visit.objects.none(), label="督导走访", required=False
    )
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices)
    description = forms.CharField(
        label="问题表现", widget=forms.Textarea(attrs={"rows": 4})
    )
    tasks = forms.ModelMultipleChoiceField(
        Task.objects.none(),
        label="涉及任务",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requirement = forms.CharField(
        label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label="整改类型", choices=RectificationKind.choices)
    deadline = forms.DateField(
        label="整改时限", widget=DATE, help_text="持续整改填复核日期"
    )
    source = forms.CharField(label="问题来源", initial="半年督导", max_length=100)

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("sort_order", "name")
        self.fields["department"].queryset = departments
        self.fields["cooperating"].queryset = departments
        self.fields["visit"].queryset = round.visits.select_related("department")
        self.fields["tasks"].queryset = round.tasks.order_by("number")
        self.fields["tasks"].label_from_instance = lambda t: (
            f"{t.number}. {t.requirement[:40]}"
        )


class PlanForm(forms.Form):
    responsible = forms.CharField(label="责任人", max_length=100)
    measures = forms.CharField(
        label="整改措施", widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label="申请延至", widget=DATE)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))


class ProblemFilterForm(forms.Form):
    round = forms.ModelChoiceField(
        Round.objects.none(), label="督导轮次", required=False
    )
    department = forms.ModelChoiceField(
        Department.objects.none(), label="责任单位", required=False
    )
    state = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *ProblemState.choices], required=False
    )
    overdue = forms.BooleanField(label="仅看逾期", required=False)

    def __init__(self, *args, rounds, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["department"].queryset = departments
