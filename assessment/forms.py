from django import forms

from assessment.models import IndicatorKind


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
