"""The 公示 forms: they check the shape of the input; the rules (working
days, states, periods) are ``services.publicity``'s."""

from django import forms

from incentives.documents import DEFAULT_TITLE
from incentives.models import Objection
from incentives.services.publicity import MIN_WORKING_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicityForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label="列入公示的申请",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请选择列入公示的申请。",
            "invalid_choice": "所选申请%(value)s不是待公示的申请,请刷新后重新选择。",
            "invalid_pk_value": "“%(pk)s”不是有效的申请。",
        },
    )
    title = forms.CharField(label="公示标题", max_length=200, initial=DEFAULT_TITLE)
    starts_on = forms.DateField(
        label="公示开始日期", widget=DATE, help_text="须为工作日"
    )
    working_days = forms.IntegerField(
        label="公示工作日数",
        initial=MIN_WORKING_DAYS,
        min_value=MIN_WORKING_DAYS,
        max_value=60,
        error_messages={"min_value": f"公示期不得少于{MIN_WORKING_DAYS}个工作日。"},
        help_text="不少于5个工作日,节假日和周末不计",
    )
    contact = forms.CharField(
        label="异议受理",
        max_length=200,
        required=False,
        help_text="受理单位与联系电话,如 市人社局职业能力建设科 0701-6200000",
    )

    def __init__(self, *args, ready, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = ready


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label="收到日期", widget=DATE)
    raised_by = forms.CharField(label="反映人", max_length=100, required=False)
    content = forms.CharField(
        label="异议内容", widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="核查结论", choices=Objection.Outcome.choices, widget=forms.RadioSelect
    )
    resolution = forms.CharField(
        label="核查情况", widget=forms.Textarea(attrs={"rows": 3})
    )
