"""The offline reporting sheet round trip. Being written."""

from django.http import HttpResponse


def sheet_download(request, pk):
    return HttpResponse("sheet")


def sheet_upload(request, pk):
    return HttpResponse("upload")
