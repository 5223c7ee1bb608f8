"""policytext is plain Python: importing all of it loads no Django."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import policytext

ROOT = Path(__file__).resolve().parents[2]


def test_every_policytext_module_imports_without_django():
    modules = sorted(
        f"policytext.{info.name}" for info in pkgutil.iter_modules(policytext.__path__)
    )
    # -I: no PYTHONPATH, no current directory, no user site; the checkout
    # is put on the path by the script itself.
    script = (
        "import importlib, os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'DJANGO_SETTINGS_MODULE' not in os.environ\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(  # noqa: S603 (a fixed script, this interpreter)
        [sys.executable, "-I", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert len(modules) >= 6
