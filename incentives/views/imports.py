"""The spreadsheet pages of the incentives: an employer's sheet of
applications uploaded by a clerk for their 区(市) (a clerk of the 市人社局
for any, or 市本级), and the exports of the certificate query and social
insurance systems uploaded to check many applications at once; the blank
sheets of both. The rules are in ``incentives.services.imports``."""

import datetime
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from common.files import megabytes
from common.http import BadQuery
from common.spreadsheets import XLSX_CONTENT_TYPE
from incentives import permissions
from incentives.models import Fact
from incentives.services.imports import (
    FACT_SOURCES,
    SheetError,
    application_template,
    applications_import,
    fact_template,
    facts_import,
)

CITY = "city"  # the area choice of 市本级
FACTS = (Fact.CERTIFICATE, Fact.INSURANCE)
FILE_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, file_name: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=file_name,
        content_type=XLSX_CONTENT_TYPE,
    )


class SheetFileField(forms.FileField):
    """An .xlsx upload, refused before it is read when it is too large."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"文件“{upload.name}”大小为 {megabytes(upload.size)},"
                f"超过上限 {megabytes(limit)}。"
            )
        return upload


class ApplicationImportForm(forms.Form):
    area = forms.ChoiceField(
        label="所属区(市)", error_messages={"required": "请选择所属区(市)或市本级。"}
    )
    file = SheetFileField(
        label="申报表(.xlsx)",
        error_messages={"required": "请选择要导入的申报表(.xlsx 文件)。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {str(d.pk): d for d in permissions.entry_areas(user)}
        choices = [(pk, str(d)) for pk, d in self.areas.items()]
        if permissions.is_city_clerk(user):
            choices = [("", "请选择"), (CITY, "市本级"), *choices]
            self.fields[
                "area"
            ].help_text = "申请人就业或注册所在的区(市);市本级由市本级财政负担。"
        else:
            self.fields["area"].disabled = True
            self.fields["area"].initial = next(iter(self.areas), "")
        self.fields["area"].choices = choices

    def clean_area(self):
        value = self.cleaned_data["area"]
        if value == CITY:
            return None
        return self.areas[value]


class FactImportForm(forms.Form):
    fact = forms.ChoiceField(
        label="核验事项",
        choices=[(f.value, f.label) for f in FACTS],
        widget=forms.RadioSelect,
        initial=Fact.CERTIFICATE,
    )
    source = forms.CharField(
        label="数据来源",
        max_length=100,
        help_text="导出该文件的系统,如 " + "、".join(FACT_SOURCES.values()),
    )
    checked_on = forms.DateField(
        label="核验日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="在该系统中查询的日期",
    )
    file = SheetFileField(
        label="导出文件(.xlsx)",
        error_messages={"required": "请选择要导入的导出文件(.xlsx 文件)。"},
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["checked_on"].initial = today
        self.fields["source"].initial = FACT_SOURCES[Fact.CERTIFICATE]

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day > self.today:
            raise forms.ValidationError(f"核验日期{day}晚于今天({self.today})。")
        return day


def _require_clerk(user) -> None:
    if not permissions.can_enter(user):
        raise PermissionDenied("只有激励经办员可以批量导入奖励申请。")


def _require_checker(user) -> None:
    if not permissions.can_use(user):
        raise PermissionDenied("只有激励经办员和人社局审核员可以导入核验结果。")


@require_http_methods(["GET", "POST"])
@login_required
def application_import(request: HttpRequest) -> HttpResponse:
    """Upload an employer's sheet; all its rows become draft applications,
    or none and every error is listed."""
    user = request.user
    _require_clerk(user)
    form = ApplicationImportForm(request.POST or None, request.FILES or None, user=user)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        area = form.cleaned_data["area"]
        try:
            created = applications_import(
                data=upload.read(),
                file_name=upload.name,
                area=area,
                actor=user,
                today=timezone.localdate(),
            )
        except SheetError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                f"已从“{upload.name}”导入 {len(created)} 份"
                f"{area or '市本级'}的奖励申请,状态为待提交;请逐份核对后提交初审。",
            )
            return redirect("incentives:application-list")
    return render(
        request,
        "incentives/imports/application_import.html",
        {
            "form": form,
            "errors": errors,
            "max_size": megabytes(settings.IMPORT_MAX_UPLOAD_BYTES),
        },
        status=400 if errors or form.errors else 200,
    )


@require_GET
@login_required
def application_import_template(request: HttpRequest) -> FileResponse:
    _require_clerk(request.user)
    return _xlsx(application_template(), "奖励申请批量申报模板.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def fact_import(request: HttpRequest) -> HttpResponse:
    """Upload a certificate query or social-insurance export; its rows are
    recorded as checks of the applications they match (those the user may
    check), and the rows that match none are listed."""
    user = request.user
    _require_checker(user)
    today = timezone.localdate()
    form = FactImportForm(request.POST or None, request.FILES or None, today=today)
    errors: list[str] = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fact = form.cleaned_data["fact"]
        try:
            result = facts_import(
                data=upload.read(),
                file_name=upload.name,
                fact=fact,
                source=form.cleaned_data["source"],
                checked_on=form.cleaned_data["checked_on"],
                actor=user,
            )
        except SheetError as exc:
            errors = exc.errors
        else:
            result["file_name"] = upload.name
            result["fact_label"] = Fact(fact).label
            messages.success(
                request,
                f"已从“{upload.name}”记录 {result['checked']} 条{Fact(fact).label}结果"
                + (
                    f",{len(result['unmatched'])} 行未对应到申请,见下表。"
                    if result["unmatched"]
                    else "。"
                ),
            )
    return render(
        request,
        "incentives/imports/fact_import.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "facts": FACTS,
            "max_size": megabytes(settings.IMPORT_MAX_UPLOAD_BYTES),
        },
        status=400 if errors or form.errors else 200,
    )


@require_GET
@login_required
def fact_import_template(request: HttpRequest) -> FileResponse:
    _require_checker(request.user)
    fact = request.GET.get("fact", Fact.CERTIFICATE)
    if fact not in FACTS:
        raise BadQuery("网址中的核验事项(参数 fact)应为 certificate 或 insurance。")
    return _xlsx(fact_template(fact), f"{Fact(fact).label}导入模板.xlsx")
