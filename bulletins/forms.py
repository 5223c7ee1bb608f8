import datetime
import re

from django import forms

from tasks.models import Policy

from .models import Bulletin, BulletinKind

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def quarter_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The current quarter and the seven before it, newest first."""
    choices = [("", "自定义月份范围")]
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(8):
        label = f"{year}年第{'一二三四'[quarter - 1]}季度"
        choices.append((f"{year}-Q{quarter}", label))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return choices


def parse_month(value: str, label: str) -> tuple[int, int]:
    match = MONTH.match((value or "").strip())
    if not match:
        raise forms.ValidationError(f"{label}“{value}”应写作“2025-07”的形式。")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise forms.ValidationError(f"{label}“{value}”的月份不在 1–12 之间。")
    return (year, month)


class BulletinCreateForm(forms.Form):
    policy = forms.ModelChoiceField(
        label="政策文件", queryset=Policy.objects.all(), empty_label=None
    )
    kind = forms.ModelChoiceField(
        label="通报类型", queryset=BulletinKind.objects.all(), empty_label=None
    )
    quarter = forms.ChoiceField(label="季度", required=False)
    first = forms.CharField(label="起始月份", required=False, help_text="如 2025-07")
    last = forms.CharField(label="截止月份", required=False, help_text="如 2025-09")

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices(today)

    def clean(self):
        data = super().clean()
        quarter = data.get("quarter")
        if quarter:
            year, q = int(quarter[:4]), int(quarter[-1])
            data["range"] = ((year, 3 * q - 2), (year, 3 * q))
            return data
        if not data.get("first") or not data.get("last"):
            raise forms.ValidationError("请选择季度,或填写起始月份和截止月份。")
        first = parse_month(data["first"], "起始月份")
        last = parse_month(data["last"], "截止月份")
        data["range"] = (first, last)
        return data


class BulletinEditForm(forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = [
            "title",
            "number",
            "recipients",
            "overview",
            "problems",
            "next_steps",
            "copy_to",
            "printed_by",
        ]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 8}),
            "problems": forms.Textarea(attrs={"rows": 10}),
            "next_steps": forms.Textarea(attrs={"rows": 10}),
        }
        # The draft's opening words go before 一、总体情况, whose figures
        # are worded from the snapshot: the model's label would say
        # otherwise.
        labels = {"overview": "开头语"}
        help_texts = {
            "number": "如 鹰技能办〔2025〕3号:年份写在〔〕内,序号不带前导零。",
            "overview": "放在“总体情况”之前;总体情况的数字按数据快照生成,不在此填写。"
            "段落之间空一行;以“一、”“(一)”开头的段落作为标题。",
        }

    def validate_unique(self):
        """The service checks the 发文字号, with a message that names the
        bulletin holding it."""
