"""Target pages. Being written."""

from django.http import HttpResponse


def board(request):
    return HttpResponse("board")


def export(request):
    return HttpResponse("export")


def target_detail(request, pk):
    return HttpResponse("detail")


def reading_add(request, pk):
    return HttpResponse("reading")


def public(request):
    return HttpResponse("public")
