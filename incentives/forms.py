"""The incentives' forms. They check the shape of the input (a date is a
date, an amount a number); the rules (which facts each award needs, the ID
number's check digit, duplicates, the amount itself) are the services'.
There is no amount field: the amount is computed from the rule.

The application form shows the facts in groups, each for the award kinds it
applies to: with a kind chosen only its groups are shown (the kind select
asks the page again through htmx), without one every group is shown with
the kinds it applies to."""

from dataclasses import dataclass

from django import forms

from incentives import permissions
from incentives.models import (
    CERTIFICATE_KINDS,
    PERSONAL_KINDS,
    ApplicationState,
    AwardKind,
    CertificateKind,
    Fact,
    FactResult,
    Level,
)
from incentives.selectors.applications import CITY_AREA

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The social insurance is counted in months: a month input, read as its 1st.
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]

K = AwardKind
ALL_KINDS = frozenset(K)
MEDAL_KINDS = frozenset({K.COMPETITION, K.COACH})
MEDALS = (Level.GOLD, Level.SILVER, Level.BRONZE)
CERTIFICATE_LEVELS = (Level.ONE, Level.TWO, Level.THREE, Level.SPECIAL, Level.CHIEF)


@dataclass(frozen=True)
class Group:
    title: str
    fields: tuple[str, ...]
    kinds: frozenset


GROUPS = (
    Group("申请信息", ("level", "area", "filed_on", "name"), ALL_KINDS),
    Group("个人信息", ("id_number", "phone"), PERSONAL_KINDS),
    Group("发放账户", ("card_number", "card_bank"), ALL_KINDS),
    Group(
        "职业资格证书",
        ("certificate_kind", "certificate_number", "occupation", "certificate_date"),
        CERTIFICATE_KINDS,
    ),
    Group(
        "用人单位",
        ("employer_name", "employer_credit_code"),
        ALL_KINDS - {K.STARTUP},
    ),
    Group(
        "劳动合同",
        ("contract_start", "contract_end"),
        frozenset({K.EMPLOYMENT, K.UPSKILL}),
    ),
    Group("营业执照", ("licence_number", "licence_date"), frozenset({K.STARTUP})),
    Group(
        "在鹰社保",
        ("insurance_first_month", "insurance_months", "fresh_graduate"),
        CERTIFICATE_KINDS,
    ),
    Group(
        "技能竞赛",
        ("competition", "competition_grade", "prize_amount"),
        MEDAL_KINDS | {K.GRAND},
    ),
    Group("其他", ("note",), ALL_KINDS),
)
PERSONAL_FIELDS = ("id_number", "phone", "card_number")


def level_choices(kind: str) -> list[tuple[str, str]]:
    """The levels an award kind has: certificate levels for item 19, medals
    for item 15, none for the others."""
    if kind in CERTIFICATE_KINDS:
        levels = CERTIFICATE_LEVELS
    elif kind in MEDAL_KINDS:
        levels = MEDALS
    elif kind:
        return [("", "不分等级")]
    else:
        levels = CERTIFICATE_LEVELS + MEDALS
    return [("", "请选择")] + [(level.value, level.label) for level in levels]


def _kinds_note(kinds: frozenset) -> str:
    if kinds == ALL_KINDS:
        return ""
    return "适用于:" + "、".join(k.label for k in AwardKind if k in kinds)


class ApplicationForm(forms.Form):
    """One application's facts as ``services.application_create`` and
    ``application_update`` take them. Editing (``application`` given) keeps
    the area, and leaves a personal number unchanged when left blank: the
    stored one is encrypted and shown masked only."""

    kind = forms.ChoiceField(label="奖励类别", choices=[("", "请选择"), *K.choices])
    level = forms.ChoiceField(label="等级", required=False)
    area = forms.ModelChoiceField(
        queryset=None,
        label="所属区(市)",
        help_text="就业或注册所在区(市),决定负担财政",
    )
    filed_on = forms.DateField(label="申请日期", widget=DATE)
    name = forms.CharField(label="姓名/单位名称", max_length=100)
    id_number = forms.CharField(
        label="身份证号", max_length=30, required=False, help_text="18位,末位可为X"
    )
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    card_number = forms.CharField(
        label="社保卡/银行卡号", max_length=40, required=False
    )
    card_bank = forms.CharField(label="开户银行", max_length=50, required=False)
    certificate_kind = forms.ChoiceField(
        label="证书类别",
        choices=[("", "请选择"), *CertificateKind.choices],
        required=False,
    )
    certificate_number = forms.CharField(
        label="证书编号", max_length=50, required=False
    )
    occupation = forms.CharField(label="职业(工种)", max_length=100, required=False)
    certificate_date = forms.DateField(label="发证日期", widget=DATE, required=False)
    employer_name = forms.CharField(label="用人单位", max_length=200, required=False)
    employer_credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        help_text="据此查重点产业链企业名录(上浮10%)",
    )
    contract_start = forms.DateField(label="劳动合同起始", widget=DATE, required=False)
    contract_end = forms.DateField(
        label="劳动合同终止",
        widget=DATE,
        required=False,
        help_text="空白为无固定期限",
    )
    licence_number = forms.CharField(label="营业执照号", max_length=50, required=False)
    licence_date = forms.DateField(
        label="营业执照登记日期", widget=DATE, required=False
    )
    insurance_first_month = forms.DateField(
        label="首次在鹰参保月份",
        widget=MONTH,
        input_formats=MONTH_FORMATS,
        required=False,
    )
    insurance_months = forms.IntegerField(
        label="在鹰连续缴纳社保月数", min_value=0, max_value=600, required=False
    )
    fresh_graduate = forms.BooleanField(
        label="职业院校应届毕业生", required=False, help_text="就业奖励适用"
    )
    competition = forms.CharField(label="赛事名称", max_length=200, required=False)
    competition_grade = forms.CharField(
        label="赛事级别",
        max_length=50,
        required=False,
        help_text="如 省级一类、国家级一类",
    )
    prize_amount = forms.DecimalField(
        label="赛事奖金(元)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text="等额配套奖励按此计算",
    )
    note = forms.CharField(
        label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, application=None, refresh_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        if application is None:
            city = permissions.is_city_clerk(user)
            area = self.fields["area"]
            area.queryset = permissions.entry_areas(user).order_by("sort_order", "name")
            area.required = not city
            area.empty_label = "市本级(不属任何区(市))" if city else None
        else:
            del self.fields["area"]
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            for name, masked in (
                ("id_number", application.id_number_masked),
                ("phone", application.phone_masked),
                ("card_number", application.card_masked),
            ):
                if masked:
                    self.fields[name].help_text = f"现为 {masked},不修改请留空"
        kind = self["kind"].value() or ""
        self.kind = kind if kind in K.values else ""
        self.fields["level"].choices = level_choices(self.kind)
        self.fields["kind"].widget.attrs.update(
            {
                "hx-get": refresh_url,
                "hx-target": "#application-fields",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-params": "not csrfmiddlewaretoken",
            }
        )

    def groups(self) -> list[dict]:
        """The groups shown for the chosen kind (every group when none is
        chosen), each with its bound fields and the kinds it applies to."""
        return [
            {
                "title": group.title,
                "note": "" if self.kind else _kinds_note(group.kinds),
                "fields": [self[name] for name in group.fields if name in self.fields],
            }
            for group in GROUPS
            if not self.kind or self.kind in group.kinds
        ]

    def shown(self) -> set[str]:
        return {"kind"} | {f.name for g in self.groups() for f in g["fields"]}

    def service_data(self) -> dict:
        """The facts for the service: the shown groups' values (a hidden
        group's are blank); on an edit a personal number left blank is
        left out, and so unchanged."""
        shown = self.shown()
        data = {}
        for name, value in self.cleaned_data.items():
            if name in ("area", "version"):
                continue
            if name not in shown:
                value = self.fields[name].to_python(None)
            if self.application is not None and name in PERSONAL_FIELDS and not value:
                continue
            data[name] = value
        if "fresh_graduate" in data:
            data["fresh_graduate"] = bool(data["fresh_graduate"])
        return data

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """The service's errors on their fields; one on a field this form
        does not show (or "") above the form, naming the field."""
        shown = self.shown()
        for name, messages in errors.items():
            for message in messages:
                if name in shown and name in self.fields:
                    self.add_error(name, message)
                elif name in self.fields:
                    self.add_error(None, f"{self.fields[name].label}:{message}")
                else:
                    self.add_error(None, message)


class ApplicationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *ApplicationState.choices], required=False
    )
    kind = forms.ChoiceField(
        label="奖励类别", choices=[("", "全部"), *K.choices], required=False
    )
    level = forms.ChoiceField(
        label="等级", choices=[("", "全部"), *Level.choices], required=False
    )
    area = forms.ChoiceField(label="区(市)", required=False)
    q = forms.CharField(
        label="查找",
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "申请编号或姓名", "type": "search"}
        ),
    )

    def __init__(self, *args, areas, **kwargs):
        """``areas``: the 区(市) the user sees; one (a 区(市) clerk's own)
        needs no choice."""
        super().__init__(*args, **kwargs)
        areas = list(areas)
        if len(areas) <= 1:
            del self.fields["area"]
        else:
            self.fields["area"].choices = [
                ("", "全部"),
                (CITY_AREA, "市本级"),
                *((str(a.pk), a.name) for a in areas),
            ]

    def filters(self) -> dict:
        """The valid filters, as ``selectors.application_list`` takes them
        (a value that is not one of the choices is left out, and its
        message shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class MoveForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, max_length=2000)
    version = forms.IntegerField(required=False, min_value=1)


class FactCheckForm(forms.Form):
    fact = forms.ChoiceField(label="核验事项", choices=Fact.choices)
    result = forms.ChoiceField(label="核验结果", choices=FactResult.choices)
    source = forms.CharField(
        label="数据来源",
        max_length=100,
        help_text="如 全国职业资格证书查询系统、鹰潭市社保系统",
    )
    checked_on = forms.DateField(label="核验日期", widget=DATE)
    insurance_first_month = forms.DateField(
        label="首次参保月份",
        widget=MONTH,
        input_formats=MONTH_FORMATS,
        required=False,
        help_text="社保缴费核验填写",
    )
    insurance_months = forms.IntegerField(
        label="连续缴费月数",
        min_value=0,
        max_value=600,
        required=False,
        help_text="社保缴费核验填写",
    )
    detail = forms.CharField(
        label="核验说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssessForm(forms.Form):
    """The office's amount for an award the policy leaves "按规定"."""

    assessed_amount = forms.DecimalField(
        label="核定金额(元)", min_value=0, max_digits=14, decimal_places=2
    )
    special_funds = forms.DecimalField(
        label="省、市专项资金负担(元)",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        initial=0,
        help_text="其余部分按规定比例由市本级和受益财政负担",
    )


def form_errors(form: forms.Form) -> str:
    """A form's errors in one line, each after its field's label, for a
    message on the page the form was posted from."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            parts.append(f"{label}:{error}" if label else error)
    return ";".join(parts)
