from decimal import Decimal

from django import forms

from assessment.models import Indicator, IndicatorKind, Scheme


class SchemeForm(forms.Form):
    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="方案名称", max_length=200)


class IndicatorForm(forms.Form):
    name = forms.CharField(label="指标名称", max_length=200)
    kind = forms.ChoiceField(label="指标类型", choices=IndicatorKind.choices)
    weight = forms.DecimalField(label="分值", max_digits=6, decimal_places=2)
    lead_share = forms.IntegerField(
        label="牵头任务占比(%)", min_value=0, max_value=100, initial=70
    )
    params = forms.JSONField(label="参数", required=False, initial=dict)


class StartForm(forms.Form):
    review_ends_on = forms.DateField(label="复核截止日期")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea, max_length=5000)


class ManualItemForm(forms.Form):
    department = forms.IntegerField(label="单位")
    indicator = forms.IntegerField(label="指标")
    points = forms.DecimalField(label="分值或数值", max_digits=9, decimal_places=2)
    reason = forms.CharField(label="事由", max_length=5000)
    source = forms.CharField(label="数据来源", max_length=200, required=False)
    file = forms.FileField(label="佐证材料", required=False)


class ObjectionForm(forms.Form):
    indicator = forms.IntegerField(label="指标")
    reason = forms.CharField(label="申诉理由", widget=forms.Textarea, max_length=5000)
    file = forms.FileField(label="佐证材料", required=False)


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label="答复",
        choices=[("1", "采纳"), ("0", "不予采纳")],
        coerce=lambda value: value == "1",
    )
    answer = forms.CharField(label="答复意见", widget=forms.Textarea, max_length=5000)
    corrected_points = forms.DecimalField(
        label="更正后得分", max_digits=7, decimal_places=2, required=False
    )


class ResultsRenderForm(forms.Form):
    number_text = forms.CharField(
        label="发文字号", max_length=100, required=False, help_text="可不填"
    )


class SchemeEditForm(forms.ModelForm):
    """The scheme's title and grade rules; the services check the rules
    (优秀 ≥ 良好 ≥ 一般, the quota 0–100) and refuse once frozen."""

    class Meta:
        model = Scheme
        fields = ["title", "excellent_min", "good_min", "fair_min", "excellent_quota"]


# Each kind's parameters as plain fields: (key, label, type). A blank field
# drops the key, so that the computation's default applies.
PARAM_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    IndicatorKind.DISCIPLINE: (
        ("late", "逾期报送每份计作扣减份数", "number"),
        ("missing", "未报送每份计作扣减份数", "number"),
        ("returned", "退回修改每份计作扣减份数", "number"),
    ),
    IndicatorKind.URGES: (("each", "每次催办扣分", "number"),),
    IndicatorKind.RED_LIGHTS: (("each", "每盏红灯扣分", "number"),),
    IndicatorKind.BONUS: (("cap", "加分上限", "number"),),
    IndicatorKind.PENALTY: (("cap", "扣分上限(不填按分值)", "number"),),
    IndicatorKind.SPECIAL: (
        ("target", "目标值", "number"),
        ("unit", "单位", "text"),
        ("task", "对应任务序号", "integer"),
    ),
}
PARAM_PREFIX = "param_"


def _json_number(value: Decimal) -> int | float:
    # Kept as JSON numbers, as the default scheme writes them.
    return int(value) if value == value.to_integral_value() else float(value)


class IndicatorEditForm(forms.Form):
    """An indicator's name, position, weight, its kind's parameters and,
    for task progress, the lead tasks' share. The kind stays: another kind
    has other parameters, so it is a new indicator."""

    name = forms.CharField(label="指标名称", max_length=200)
    position = forms.IntegerField(label="序号", min_value=1, max_value=999)
    weight = forms.DecimalField(
        label="分值",
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text="满分;扣分类为扣分上限,加分类为加分上限",
    )
    lead_share = forms.IntegerField(
        label="牵头任务占比(%)",
        min_value=0,
        max_value=100,
        help_text="任务进度中牵头任务所占分值比例,其余为配合任务",
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        self.indicator = indicator
        params = indicator.params or {}
        initial = {
            "name": indicator.name,
            "position": indicator.position,
            "weight": indicator.weight,
            "lead_share": indicator.lead_share,
        }
        for key, _, _ in PARAM_FIELDS.get(indicator.kind, ()):
            initial[PARAM_PREFIX + key] = params.get(key)
        super().__init__(*args, initial=initial, **kwargs)
        if indicator.kind != IndicatorKind.PROGRESS:
            del self.fields["lead_share"]
        for key, label, kind in PARAM_FIELDS.get(indicator.kind, ()):
            if kind == "number":
                field = forms.DecimalField(
                    label=label, min_value=0, max_digits=9, decimal_places=2
                )
            elif kind == "integer":
                field = forms.IntegerField(label=label, min_value=1, max_value=999)
            else:
                field = forms.CharField(label=label, max_length=20)
            field.required = False
            self.fields[PARAM_PREFIX + key] = field

    def data_for_service(self) -> dict:
        """``indicator_update``'s data: the fields, and the params with
        any key the form does not show kept as it was."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if not name.startswith(PARAM_PREFIX)
        }
        params = dict(self.indicator.params or {})
        for key, _, kind in PARAM_FIELDS.get(self.indicator.kind, ()):
            value = self.cleaned_data.get(PARAM_PREFIX + key)
            if value in (None, ""):
                params.pop(key, None)
            elif kind == "number":
                params[key] = _json_number(value)
            else:
                params[key] = value
        data["params"] = params
        return data
