"""The application pages as a 区(市) clerk and the 人社局 reviewer use them:
the list with its filters and counts per state, entry and editing, the
detail with the facts, the amount and its explanation, the eligibility
conditions, the fact checks and the history, and the moves the state
graph offers the user as buttons. The views call the permissions,
selectors and services; they hold no rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from incentives import eligibility, permissions, rules
from incentives.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    AssessForm,
    FactCheckForm,
    MoveForm,
    form_errors,
)
from incentives.models import AmountBasis, Application, ApplicationState
from incentives.selectors import applications as selectors
from incentives.services import applications as services
from incentives.workflow import (
    BUTTON_MOVES,
    CLERK,
    EDITABLE_STATES,
    MOVES,
    REVIEWER,
    moves_from,
)
from tasks.models import Department

PER_PAGE = 50
S = ApplicationState


def _require_use(user) -> None:
    if not permissions.can_use(user):
        raise PermissionDenied("激励奖励只对激励经办员和人社局审核员开放。")


def _application(request, pk) -> Application:
    _require_use(request.user)
    return selectors.application_detail(user=request.user, pk=pk)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _list_areas(user):
    """The 区(市) a user may filter by: none for a 区(市) clerk, who sees
    one."""
    if permissions.is_reviewer(user) or permissions.is_city_clerk(user):
        return Department.objects.filter(finance__isnull=False).order_by(
            "sort_order", "name"
        )
    return Department.objects.none()


# -- the list -----------------------------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_use(user)
    form = ApplicationFilterForm(request.GET, areas=_list_areas(user))
    filters = form.filters()
    page = Paginator(
        selectors.application_list(user=user, filters=filters), PER_PAGE
    ).get_page(request.GET.get("page"))
    counted = selectors.application_state_counts(user=user, filters=filters)
    return render(
        request,
        "incentives/applications/application_list.html",
        {
            "form": form,
            "applications": page.object_list,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "state_counts": [
                (value, label, counted.get(value, 0)) for value, label in S.choices
            ],
            "total": sum(counted.values()),
            "chosen_state": filters.get("state", ""),
            "can_enter": permissions.can_enter(user),
        },
    )


# -- entry and editing --------------------------------------------------------


def _form_page(request, form, *, application=None, status=200):
    template = (
        "incentives/applications/_fields.html"
        if _is_htmx(request)
        else "incentives/applications/application_form.html"
    )
    return render(
        request,
        template,
        {"form": form, "application": application},
        status=400 if form.errors else status,
    )


@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_enter(user):
        raise PermissionDenied("只有激励经办员可以录入奖励申请。")
    today = timezone.localdate()
    if request.method != "POST":
        # A chosen kind (the htmx refresh) keeps what was typed so far.
        form = ApplicationForm(
            initial={"filed_on": today, **request.GET.dict()},
            user=user,
            refresh_url=request.path,
        )
        return _form_page(request, form)
    form = ApplicationForm(request.POST, user=user, refresh_url=request.path)
    if form.is_valid():
        try:
            application = services.application_create(
                data=form.service_data(),
                area=form.cleaned_data.get("area"),
                actor=user,
                today=today,
            )
        except services.ApplicationError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(
                request, f"已录入申请{application.number},核对无误后请提交初审。"
            )
            return redirect(application)
    return _form_page(request, form)


def _initial(application: Application) -> dict:
    """The stored facts as the form shows them; the personal numbers are
    encrypted and stay blank (left blank, unchanged)."""
    initial = {
        name: getattr(application, name)
        for name in ApplicationForm.base_fields
        if name not in ("area", "id_number", "phone", "card_number")
    }
    initial["version"] = application.version
    return initial


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user = request.user
    if CLERK not in permissions.who_for(user, application):
        raise PermissionDenied("只有申请所属区(市)的激励经办员可以修改申请。")
    if application.state not in EDITABLE_STATES:
        messages.error(
            request,
            f"申请{application.get_state_display()},不能修改;"
            "只有待提交或已退回的申请可以修改。",
        )
        return redirect(application)
    if request.method != "POST":
        form = ApplicationForm(
            initial={**_initial(application), **request.GET.dict()},
            user=user,
            application=application,
            refresh_url=request.path,
        )
        return _form_page(request, form, application=application)
    form = ApplicationForm(
        request.POST, user=user, application=application, refresh_url=request.path
    )
    if form.is_valid():
        try:
            services.application_update(
                application=application,
                data=form.service_data(),
                actor=user,
                version=form.cleaned_data["version"],
            )
        except services.ApplicationError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存修改,金额已按标准重新计算。")
            return redirect(application)
    return _form_page(request, form, application=application)


# -- the detail ---------------------------------------------------------------


def _moves(application, roles) -> list:
    return [
        (action, move)
        for who in (CLERK, REVIEWER)
        if who in roles
        for action, move in moves_from(application.state, who)
    ]


def _can_assess(application, roles) -> bool:
    return (
        REVIEWER in roles
        and application.state == S.SECOND_REVIEW
        and application.rule is not None
        and application.rule.basis == AmountBasis.OFFICE
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user = request.user
    roles = permissions.who_for(user, application)
    amount = (
        rules.amount_from_rule(
            application.rule,
            key_chain=application.key_enterprise_id is not None,
            prize_amount=application.prize_amount,
            assessed_amount=application.assessed_amount,
            special_funds=application.special_funds,
        )
        if application.rule is not None
        else rules.amount_for(
            kind=application.kind,
            level=application.level,
            on=application.filed_on,
            key_chain=application.key_enterprise_id is not None,
        )
    )
    # The selector prefetched the history, the checks, objections, shares.
    transitions = list(application.transitions.all())
    for transition in transitions:
        move = MOVES.get(transition.action)
        transition.label = move.label if move else transition.action
    return render(
        request,
        "incentives/applications/application_detail.html",
        {
            "application": application,
            "amount": amount,
            "conditions": eligibility.conditions(application),
            "fact_checks": application.fact_checks.all(),
            "transitions": transitions,
            "objections": application.objections.all(),
            "shares": application.shares.all(),
            "moves": _moves(application, roles),
            "can_edit": CLERK in roles and application.state in EDITABLE_STATES,
            "fact_form": FactCheckForm(initial={"checked_on": timezone.localdate()})
            if roles and application.state not in services.FACT_CLOSED_STATES
            else None,
            "assess_form": AssessForm(
                initial={
                    "assessed_amount": application.assessed_amount,
                    "special_funds": application.special_funds,
                }
            )
            if _can_assess(application, roles)
            else None,
        },
    )


# -- the actions --------------------------------------------------------------


@require_POST
@login_required
def application_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = _application(request, pk)
    if action not in BUTTON_MOVES:
        raise Http404
    move = MOVES[action]
    if move.who not in permissions.who_for(request.user, application):
        who = "人社局审核员" if move.who == REVIEWER else "申请所属区(市)的激励经办员"
        raise PermissionDenied(f"“{move.label}”由{who}办理。")
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(application)
    try:
        services.application_move(
            application=application,
            action=action,
            actor=request.user,
            reason=form.cleaned_data["reason"].strip(),
            version=form.cleaned_data["version"],
        )
    except services.ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{move.label}。")
    return redirect(application)


@require_POST
@login_required
def application_assess(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if REVIEWER not in permissions.who_for(request.user, application):
        raise PermissionDenied("核定金额由人社局审核员办理。")
    form = AssessForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(application)
    try:
        services.application_assess(
            application=application, **form.cleaned_data, actor=request.user
        )
    except services.ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已核定金额。")
    return redirect(application)


@require_POST
@login_required
def fact_check_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if not permissions.who_for(request.user, application):
        raise PermissionDenied(
            "核验结果由申请所属区(市)的激励经办员或人社局审核员记录。"
        )
    form = FactCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(application)
    try:
        services.fact_check_record(
            application=application, **form.cleaned_data, actor=request.user
        )
    except services.ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已记录核验结果,资格条件已按此重新判断。")
    return redirect(application)
