"""The apps are layered: each imports only from the apps below it (import-linter), and no
function-level import crosses from one app to another."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = [*settings.PROJECT_APPS, "bench"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_the_layers_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_lists_every_app_in_the_order_of_the_settings():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = config["contracts"][0]["layers"]
    flat = [name.strip() for layer in reversed(layers) for name in layer.split(":")]
    assert flat == PACKAGES
    assert sorted(config["root_packages"]) == sorted(PACKAGES)


def test_an_upward_import_breaks_the_contract(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "refurb" / "scratch_upward.py").write_text("from shop import models  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "refurb is not allowed to import shop" in result.stdout
    assert "refurb.scratch_upward -> shop.models" in result.stdout


def _function_level_imports(path: Path, own: str):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module:
                names = [inner.module]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in PACKAGES and top != own:
                    yield f"{path.relative_to(ROOT)}:{inner.lineno} imports {name}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_function_level_import_crosses_apps(package):
    found = [
        line
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for line in _function_level_imports(path, package)
    ]
    assert found == []
