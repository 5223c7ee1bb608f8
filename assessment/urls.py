from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/new/", views.scheme_create, name="scheme-create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme-edit"),
    path("schemes/<int:pk>/indicators/", views.indicator_add, name="indicator-add"),
    path("schemes/<int:pk>/start/", views.assessment_start, name="assessment-start"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path(
        "indicators/<int:pk>/delete/",
        views.indicator_delete,
        name="indicator-delete",
    ),
    path("<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("<int:pk>/items/", views.manual_item_add, name="manual-item-add"),
    path("<int:pk>/results/xlsx/", views.results_xlsx, name="results-xlsx"),
    path("<int:pk>/results/render/", views.results_render, name="results-render"),
    path(
        "<int:pk>/results/<str:kind>/",
        views.results_document,
        name="results-document",
    ),
    path(
        "<int:pk>/<str:action>/",
        views.assessment_move,
        name="assessment-move",
    ),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet-detail"),
    path("sheets/<int:pk>/objections/", views.objection_raise, name="objection-raise"),
    path("objections/", views.objection_list, name="objection-list"),
    path(
        "objections/<int:pk>/answer/",
        views.objection_answer,
        name="objection-answer",
    ),
    path("objections/<int:pk>/file/", views.objection_file, name="objection-file"),
    path("items/<int:pk>/file/", views.manual_item_file, name="manual-item-file"),
]
