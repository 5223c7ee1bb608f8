from django import forms
from django.core.exceptions import ValidationError

from common.spreadsheets import normalise_text
from dispatch.models import REPORT_TEXT_FIELDS, ProgressReport, ProgressStatus

from .services.reports import text_length_problem


class ReportForm(forms.ModelForm):
    """The department's text; ``version`` is the one the editor started from."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    proposed_status = forms.ChoiceField(
        label="进度判断",
        choices=[("", "请选择")] + ProgressStatus.choices,
        required=False,
    )
    completion = forms.IntegerField(
        label="完成度(%)", min_value=0, max_value=100, required=False
    )

    class Meta:
        model = ProgressReport
        fields = ["progress", "problems", "next_steps", "proposed_status", "completion"]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 6}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, targets=(), current=None, **kwargs):
        """``targets``: the task's accepted targets, which a lead report
        gives the current value of; ``current``: values already given."""
        super().__init__(*args, **kwargs)
        for name in REPORT_TEXT_FIELDS:
            # The textarea keeps its maxlength; the message is the service's.
            self.fields[name].validators = [_length_rule(name)]
        self.targets = list(targets)
        current = current or {}
        for target in self.targets:
            self.fields[f"target_{target.pk}"] = forms.DecimalField(
                label=f"{target.metric}:截至本月末的值({target.unit})",
                help_text=f"目标:{target.get_comparator_display()} "
                f"{target.value_display},期限 {target.deadline:%Y年%m月}",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=current.get(target.pk),
            )

    def clean(self):
        cleaned = super().clean()
        # As stored, before the model's own checks see it: a browser sends
        # a line break as two characters.
        for name in REPORT_TEXT_FIELDS:
            if name in cleaned:
                cleaned[name] = normalise_text(cleaned[name])
        return cleaned

    def target_values(self) -> list[tuple[object, object]]:
        return [(t, self.cleaned_data.get(f"target_{t.pk}")) for t in self.targets]


def _length_rule(name: str):
    def validate(value: str) -> None:
        problem = text_length_problem(name, value)
        if problem:
            raise ValidationError(problem, code="max_length")

    return validate


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料")


class PeriodForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2022, max_value=2035)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)
    deadline = forms.DateField(
        label="截止日期",
        required=False,
        help_text="留空则为当月 25 日",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class UrgeForm(forms.Form):
    period = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(
        label="催办内容",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )
