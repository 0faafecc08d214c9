"""Data flows one way: no stage imports a later one (house style, guideline 1)."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Each stage and the packages it must never import.
LATER = {
    "schemas": ("service.model", "service.render", "service.convert", "service.web",
                "service.pipeline", "service.app"),
    "service/model": ("service.render", "service.convert", "service.web", "service.pipeline",
                      "service.app"),
    "service/render": ("service.convert", "service.web", "service.pipeline", "service.app"),
    "service/convert": ("service.render", "service.model", "service.web", "service.pipeline",
                        "schemas"),
    # The database is below every area that keeps something in it.
    "service/db": ("service.batch", "service.model", "service.render", "service.convert",
                   "service.web", "service.pipeline", "service.app", "schemas"),
    "service/sign": ("service.render", "service.web", "service.pipeline", "service.app",
                     "schemas"),
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("stage", list(LATER))
def test_no_stage_imports_a_later_one(stage):
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / stage).rglob("*.py")
        for name in imports(path)
        if name.startswith(LATER[stage])
    }
    assert not offenders


def test_only_one_module_imports_uno():
    users = [p.relative_to(ROOT) for p in (ROOT / "service").rglob("*.py")
             if {"uno", "unohelper"} & {n.split(".")[0] for n in imports(p)}]
    assert len(users) <= 1, users
