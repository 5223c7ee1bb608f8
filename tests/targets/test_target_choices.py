"""The parser's plain enums and the models' choices hold the same values:
what the parser proposes is what a Target stores."""

import pytest

from policytext import targets as parser
from targets import models


@pytest.mark.parametrize("name", ["Comparator", "TargetKind"])
def test_parser_enums_and_model_choices_have_the_same_members(name):
    plain, choices = getattr(parser, name), getattr(models, name)
    assert {m.name: m.value for m in plain} == {m.name: m.value for m in choices}
