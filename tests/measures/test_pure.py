"""The scoring engine is pure Python: it loads and runs with no Django settings at all."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import frame.measures

PURE = ("definitions", "scoring", "change", "wording")
ALLOWED_THIRD_PARTY = {"jsonschema"}
PACKAGE = Path(frame.measures.__file__).parent


def test_pure_modules_import_and_score_without_django() -> None:
    script = (
        "import sys\n"
        "from frame.measures import definitions, scoring, change, wording\n"
        "phq9 = definitions.get('phq9')\n"
        "result = scoring.score(phq9, scoring.parse_answers(phq9, '1,2,,3,0,0,1,2,0'))\n"
        "assert (result.total, result.prorated) == (10, True), result\n"
        "episode = change.classify_episode(phq9=(14, 8), gad7=(9, 5), sessions=2)\n"
        "assert episode.reliable_recovery is True\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(PACKAGE.parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_pure_modules_import_nothing_but_the_standard_library_and_each_other() -> None:
    for name in PURE:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if module.startswith("frame."):
                    assert module in {f"frame.measures.{p}" for p in PURE}, (name, module)
                else:
                    assert top in sys.stdlib_module_names | ALLOWED_THIRD_PARTY, (name, module)
