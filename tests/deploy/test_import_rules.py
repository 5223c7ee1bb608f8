"""The import-direction check that bin/test runs (import-linter, configured
in pyproject.toml) holds on the real tree, and fails on a synthetic tree
that imports up STYLE.md's layout table or brings Django into policytext:
a check that cannot fail would prove nothing.

The synthetic trees hold every package of the table, empty but for the
imports a case needs, and are checked with the project's own contracts.
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]

# STYLE.md's layout table, highest first: a package may import any package
# below it; packages on one line (accounts and audit) may import each other.
TABLE = [
    ["yingtan"],
    ["portal"],
    ["incentives"],
    ["assessment"],
    ["supervision"],
    ["bulletins"],
    ["dispatch"],
    ["targets"],
    ["tasks"],
    ["accounts", "audit"],
    ["common"],
    ["policytext"],
]
PACKAGES = [name for layer in TABLE for name in layer]
# Each package imports the first one of the layer just above it.
UPWARDS = [(lower, upper[0]) for upper, layer in pairwise(TABLE) for lower in layer]


def _toml(config: dict) -> str:
    """pyproject.toml text for an import-linter config, whose values are
    strings, booleans and lists of strings: JSON spells them as TOML does."""
    lines = ["[tool.importlinter]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in config.items() if k != "contracts"]
    for contract in config["contracts"]:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in contract.items()]
    return "\n".join(lines) + "\n"


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    # cwd comes first on lint-imports' path; PYTHONPATH could still bring
    # the real packages in.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(  # noqa: S603
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _tree(root: Path, modules: dict[str, str], packages: list[str] = PACKAGES) -> Path:
    """A tree of empty packages plus the given modules, with the project's
    contracts and these packages as import-linter's root packages."""
    for name in packages:
        (root / name).mkdir()
        (root / name / "__init__.py").write_text("")
    for dotted, text in modules.items():
        (root / (dotted.replace(".", "/") + ".py")).write_text(text)
    config = CONFIG | {"root_packages": packages}
    (root / "pyproject.toml").write_text(_toml(config))
    return root


# Downward imports across the whole table, and accounts and audit importing
# each other: what the rules allow.
ALLOWED = {
    **{f"{upper}.down": f"import {lower}\n" for lower, upper in UPWARDS},
    "accounts.side": "import audit\n",
    "audit.side": "import accounts\n",
    "policytext.plain": "import re\n",
}


def _layer_names(contract: dict) -> set[str]:
    return {
        name.strip(" ()")
        for line in contract["layers"]
        for name in re.split(r"[:|]", line)
    }


def test_real_tree_imports_downwards_only():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_top_level_package_is_checked_and_has_a_layer():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    packages.discard("tests")  # tests may import anything
    (layers,) = (c for c in CONFIG["contracts"] if c["type"] == "layers")
    assert set(CONFIG["root_packages"]) == packages
    assert packages <= _layer_names(layers)
    assert _layer_names(layers) == set(PACKAGES)


def test_imports_down_the_table_pass(tmp_path):
    result = _lint(_tree(tmp_path, ALLOWED))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_layer_is_required_once_every_package_exists(tmp_path):
    """assessment was the last package of the table to be created: no
    layer stays optional (in parentheses), so a missing package fails the
    check instead of silently dropping its rules."""
    (layers,) = (c for c in CONFIG["contracts"] if c["type"] == "layers")
    assert set(CONFIG["root_packages"]) >= set(PACKAGES)
    assert [line for line in layers["layers"] if "(" in line] == []
    result = _lint(_tree(tmp_path, {}, packages=PACKAGES[:-1]))
    assert result.returncode == 1
    assert "policytext" in result.stdout


@pytest.mark.parametrize(("lower", "upper"), [*UPWARDS, ("policytext", "yingtan")])
def test_import_up_the_table_fails(tmp_path, lower, upper):
    modules = ALLOWED | {f"{lower}.upward": f"from {upper} import down\n"}
    result = _lint(_tree(tmp_path, modules))
    assert result.returncode == 1
    assert f"{lower} is not allowed to import {upper}" in result.stdout
    assert f"{lower}.upward -> {upper}" in result.stdout


@pytest.mark.parametrize(
    "statement",
    ["import django", "from django.db import models", "import import_export"],
)
def test_django_in_policytext_fails(tmp_path, statement):
    modules = ALLOWED | {"policytext.numerals": f"{statement}\n"}
    result = _lint(_tree(tmp_path, modules))
    assert result.returncode == 1
    assert "policytext is plain Python, without Django BROKEN" in result.stdout
    assert "policytext.numerals -> " in result.stdout
