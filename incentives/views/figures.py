"""The incentives' figures page and its workbook, for the clerks (their
区(市)'s figures, by ``permissions.applications_for_user``) and the
人社局 reviewer (the whole city); nobody else."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.http import BadQuery
from common.spreadsheets import XLSX_CONTENT_TYPE
from incentives import permissions
from incentives.figures_export import (
    FIGURE_HEADERS,
    NOTE,
    export_file_name,
    figures_workbook,
)
from incentives.selectors.figures import (
    FigureRow,
    Figures,
    award_figures,
    figure_years,
    format_yuan,
)

ALL_YEARS = "all"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _require_use(user) -> None:
    if not permissions.can_use(user):
        raise PermissionDenied("激励奖励统计只对激励经办员和人社局审核员开放。")


def _year(request: HttpRequest, today) -> int | None:
    """The year asked for (``?year=``): this year when absent, None for
    every year (``all``)."""
    value = request.GET.get("year", "")
    if value == "":
        return today.year
    if value == ALL_YEARS:
        return None
    if not (value.isascii() and value.isdigit() and len(value) == 4) or not (
        FIRST_YEAR <= int(value) <= LAST_YEAR
    ):
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise BadQuery(f"网址中的年度(参数 year)应为四位年份或 all,而不是“{shown}”。")
    return int(value)


def _line(names: list[str], row: FigureRow, *, strong: bool = False) -> dict:
    """A table row for the page: its names, then each figure with its
    header (the card's label on a phone)."""
    values = [
        *(str(tally.count) for tally in row.group_cells),
        str(row.approvals.count),
        format_yuan(row.approvals.amount),
        str(row.payments.count),
        format_yuan(row.payments.amount),
    ]
    return {
        "names": names,
        "cells": list(zip(FIGURE_HEADERS, values, strict=True)),
        "strong": strong,
    }


def _tables(data: Figures) -> dict:
    kinds = []
    for block in data.kinds:
        kinds += [_line([block.label, row.label], row) for row in block.levels]
        kinds.append(_line([block.label, "小计"], block.total, strong=True))
    if data.kinds:
        kinds.append(_line(["合计", ""], data.total, strong=True))
    months = [_line([row.label], row) for row in data.months]
    if months:
        months.append(_line(["合计"], data.month_total, strong=True))
    return {
        "kind_names": ["奖励类别", "等级"],
        "finance_names": ["负担财政"],
        "month_names": ["月份"],
        "empty": f"{data.label}没有奖励申请、通过或发放。",
        "kind_rows": kinds,
        "finance_rows": [_line([row.label], row) for row in data.finances],
        "month_rows": months,
    }


def _scope(user) -> str:
    if permissions.is_reviewer(user) or permissions.is_city_clerk(user):
        return "全市"
    return user.department.name


@require_GET
@login_required
def figures(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_use(user)
    today = timezone.localdate()
    year = _year(request, today)
    data = award_figures(user=user, year=year)
    years = figure_years(user=user, today=today)
    if year is not None and year not in years:
        years = sorted({*years, year}, reverse=True)
    return render(
        request,
        "incentives/figures/figures.html",
        {
            "figures": data,
            **_tables(data),
            "year": year,
            "years": years,
            "all_years": ALL_YEARS,
            "scope": _scope(user),
            "headers": FIGURE_HEADERS,
            "note": NOTE,
        },
    )


@require_GET
@login_required
@never_cache
def figures_export(request: HttpRequest) -> FileResponse:
    user = request.user
    _require_use(user)
    today = timezone.localdate()
    data = award_figures(user=user, year=_year(request, today))
    return FileResponse(
        io.BytesIO(figures_workbook(data, scope=_scope(user))),
        as_attachment=True,
        filename=export_file_name(data, today),
        content_type=XLSX_CONTENT_TYPE,
    )
