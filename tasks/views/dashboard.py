"""The reviewer's dashboard and urging (催办). Being written."""

from django.http import HttpResponse


def dashboard(request):
    return HttpResponse("dashboard")


def urge(request, department_pk):
    return HttpResponse("urge")
