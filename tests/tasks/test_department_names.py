"""Splitting and resolving department names."""

import pytest

from tasks.importers.departments import DepartmentDirectory
from tasks.models import Department, DepartmentAlias, DepartmentKind

GROUP = "各区(市)人民政府、管委会"
# Full-width marks, escaped so that no editor or tool can fold them to ASCII.
FW_LPAREN, FW_RPAREN = "\uff08", "\uff09"
FW_COMMA, FW_SEMICOLON = "\uff0c", "\uff1b"
FW_GROUP = f"各区{FW_LPAREN}市{FW_RPAREN}人民政府、管委会"


@pytest.fixture
def directory(departments):
    return DepartmentDirectory.load()


def test_split_keeps_a_known_group_whose_name_contains_a_separator(directory):
    assert directory.split("市人社局,各区(市)人民政府、管委会,市财政局") == [
        "市人社局",
        GROUP,
        "市财政局",
    ]


def test_split_keeps_the_group_written_with_spaces(directory):
    assert directory.split("市人社局,各区 (市) 人民政府、管委会、市财政局") == [
        "市人社局",
        GROUP,
        "市财政局",
    ]


def test_split_keeps_the_group_written_with_full_width_brackets(directory):
    assert directory.split(f"市人社局{FW_COMMA}{FW_GROUP}、市财政局") == [
        "市人社局",
        GROUP,
        "市财政局",
    ]


def test_split_accepts_every_half_width_separator(directory):
    assert directory.split("市人社局、市财政局,市教育局;市科技局/市民政局") == [
        "市人社局",
        "市财政局",
        "市教育局",
        "市科技局",
        "市民政局",
    ]


def test_split_accepts_full_width_commas_and_semicolons(directory):
    text = f"市人社局{FW_COMMA}市财政局,市教育局{FW_SEMICOLON}市科技局、市民政局"
    assert directory.split(text) == [
        "市人社局",
        "市财政局",
        "市教育局",
        "市科技局",
        "市民政局",
    ]


def test_the_group_written_with_full_width_brackets_resolves(directory):
    assert directory.resolve(FW_GROUP).name == GROUP


def test_split_ignores_empty_items_and_trailing_separators(directory):
    assert directory.split("、市人社局、、市财政局,") == ["市人社局", "市财政局"]
    assert directory.split("") == []


def test_split_keeps_an_unknown_name_with_a_bracketed_separator_whole(directory):
    assert directory.split("各县(市、区)人民政府") == ["各县(市、区)人民政府"]
    assert directory.split("市人社局、各县(市、区)人民政府、市财政局") == [
        "市人社局",
        "各县(市、区)人民政府",
        "市财政局",
    ]


def test_split_keeps_an_alias_that_contains_a_separator_whole(directory):
    assert directory.split("各县(市、区)人民政府、管委会,市人社局") == [
        "各县(市、区)人民政府、管委会",
        "市人社局",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("市人社局", "市人社局"),
        ("市人力资源和社会保障局", "市人社局"),
        ("鹰潭市人力资源和社会保障局", "市人社局"),
        ("高新区", "高新区管委会"),
        ("高新技术产业开发区", "高新区管委会"),
        ("鹰潭高新技术产业开发区管理委员会", "高新区管委会"),
        ("龙虎山景区", "龙虎山景区管委会"),
        ("各区 (市) 人民政府、管委会", GROUP),
        ("各县(市、区)人民政府、管委会", GROUP),
        ("12类重点产业链牵头单位", "12类产业链牵头单位"),
        ("重点产业链牵头单位", "12类产业链牵头单位"),
    ],
)
def test_resolve_finds_departments_by_name_full_name_and_alias(
    directory, name, expected
):
    assert directory.resolve(name).name == expected


def test_resolve_returns_none_for_an_unknown_name(directory):
    assert directory.resolve("市XX局") is None
    assert directory.resolve("各县(市、区)人民政府") is None


def test_the_group_resolves_to_one_department_of_kind_group(directory):
    group = directory.resolve(GROUP)
    assert group.kind == DepartmentKind.GROUP
    assert sorted(group.members.values_list("name", flat=True)) == sorted(
        [
            "月湖区人民政府",
            "余江区人民政府",
            "贵溪市人民政府",
            "信江新区管委会",
            "高新区管委会",
            "龙虎山景区管委会",
        ]
    )


def test_resolve_all_drops_repeats_and_lists_unknown_names_with_their_place(
    directory,
):
    unknown: list[str] = []
    found = directory.resolve_all(
        ["高新区", "市人社局", "高新技术产业开发区", "市XX局", "人社局"],
        "第8行",
        unknown,
    )
    assert [d.name for d in found] == ["高新区管委会", "市人社局"]
    assert unknown == ["第8行:“市XX局”"]


def test_an_alias_added_later_is_found_by_a_newly_loaded_directory(directory):
    assert directory.resolve("市XX局") is None
    DepartmentAlias.objects.create(
        name="市XX局", department=Department.objects.get(name="市财政局")
    )
    assert DepartmentDirectory.load().resolve("市XX局").name == "市财政局"
