"""The lock files pin every dependency that pyproject.toml declares, with
hashes, and the test environment runs exactly the pinned versions."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", re.M)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for group in groups:
        specs += project["optional-dependencies"][group]
    return {_canonical(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]) for spec in specs}


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {_canonical(n): v for n, v in PIN.findall(text)}


def test_runtime_lock_pins_every_runtime_dependency_and_no_test_tool():
    pins = _pins("requirements.lock")
    assert _declared() <= set(pins)
    assert not {"pytest", "ruff", "playwright"} & set(pins)


def test_dev_lock_pins_every_dependency_with_hashes():
    text = (ROOT / "requirements-dev.lock").read_text()
    pins = _pins("requirements-dev.lock")
    assert _declared("dev") <= set(pins)
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if PIN.match(block):
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_both_locks_agree_on_shared_versions():
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {n: dev[n] for n in runtime} == runtime


def test_installed_versions_are_the_locked_ones():
    wrong = {
        name: (version, metadata.version(name))
        for name, version in _pins("requirements-dev.lock").items()
        if metadata.version(name) != version
    }
    assert wrong == {}
