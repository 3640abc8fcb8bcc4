"""The package's layers import downwards only, so each layer can be read and changed alone.

Every ``import`` of every module is read with ``ast`` (those inside functions and under
``TYPE_CHECKING`` too), so a new module or import is held to the rule as soon as it exists.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import personalize_fake

PACKAGE = Path(personalize_fake.__file__).parent

ENTRY_POINTS = {"__init__", "__main__", "server", "pytest_plugin", "_activation", "_handle"}
"""Top-level modules that assemble the layers; they may import anything, and no layer them."""

SUPPORT = {"_errors", "_settings", "_shared", "_environment"}
"""Top-level modules the layers share; they import no layer and no entry point."""

MAY_IMPORT = {
    "_domain": {"_errors"},
    "_model": {"_domain", "_errors"},
    "_state": {"_domain", "_errors", "_settings"},
    "_api": {"_domain", "_model", "_state", "_errors", "_settings"},
    "_wire": {"_domain", "_model", "_state", "_api.registry", "_errors", "_settings", "_shared"},
}
"""What each layer may import besides itself; ``_wire`` finds handlers only through the registry.
``_errors`` is the one module every layer may import: errors are raised at every level."""

EXCEPTIONS = {
    ("_model.coverage", "_api.registry"): "the table counts the operations that have a handler",
    ("_state.persistence", "_api.registry"): "the resource classes live in the handler modules",
    ("_wire.admin", "server"): "type only: the endpoints are handed the server that owns them",
    ("_wire.http_server", "server"): "type only: the HTTP layer is handed the server it serves",
    ("_errors", "_model.coverage"): "NotImplementedException counts the operations answered",
    ("_settings", "_model.catalog"): "fail_next's error codes are checked against the models",
}
"""Imports that break the rule today, each with why; each is needed (see the last test)."""

HANDLER_MODULES = {
    "batch_jobs",
    "campaigns",
    "data_deletion",
    "data_jobs",
    "dataset_groups",
    "datasets",
    "event_trackers",
    "events",
    "filters",
    "metric_attributions",
    "recipes",
    "recommenders",
    "runtime",
    "schemas",
    "solution_metrics",
    "solution_versions",
    "solutions",
    "tagging",
}


def _modules() -> dict[str, Path]:
    """Every module of the package by its name relative to the package (``_wire.dispatch``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """The package's modules that module ``name`` imports, relative to the package."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            dotted = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, f"{name}: imports are absolute"
            dotted = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for full in dotted:
            if full.startswith("personalize_fake."):
                relative = full.removeprefix("personalize_fake.")
                while relative and relative not in MODULES:  # a name in a module, not a module
                    relative = relative.rpartition(".")[0]
                targets.add(relative or "__init__")
    targets.discard(name)
    return targets


def _layer(name: str) -> str:
    return name.split(".", 1)[0]


def _allowed(importer: str, target: str) -> bool:
    """Whether the rule lets ``importer`` import ``target`` (both relative module names)."""
    here, there = _layer(importer), _layer(target)
    if here in ENTRY_POINTS:
        return True
    if there in ENTRY_POINTS:
        return False
    if here in SUPPORT:
        return there in SUPPORT
    if here == there:
        return True
    allowed = MAY_IMPORT[here]
    return there in allowed or target in allowed


def _broken() -> set[tuple[str, str]]:
    """Every (importer, imported) pair the rule does not allow."""
    return {(i, t) for i in MODULES for t in _imports(i) if not _allowed(i, t)}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_belongs_to_a_layer(name: str) -> None:
    """Every module is an entry point, a shared support module, or inside one of the layers."""
    assert _layer(name) in ENTRY_POINTS | SUPPORT | set(MAY_IMPORT), f"{name}: which layer?"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_downwards(name: str) -> None:
    """A module imports only what its layer may import, or an import listed with its reason."""
    upward = [t for t in sorted(_imports(name)) if not _allowed(name, t)]
    unexplained = [t for t in upward if (name, t) not in EXCEPTIONS]
    assert not unexplained, f"{name} imports upwards: {unexplained}"


def test_every_exception_is_still_needed() -> None:
    """An exception the code no longer needs is removed from the list, so the list stays true."""
    assert set(EXCEPTIONS) <= _broken(), set(EXCEPTIONS) - _broken()


def test_handler_modules_are_the_api_package() -> None:
    """The handler modules ``load_handlers`` imports are every module of ``_api`` but those
    the handlers share (the registry, common shapes, the batch job resources)."""
    api = {name.removeprefix("_api.") for name in MODULES if name.startswith("_api.")}
    shared = {
        "registry",
        "common",
        "batch_resources",
        "batch_output",
        "answers",
        "answer_items",
        "group_data",
        "serving",
    }
    assert api - shared == HANDLER_MODULES


def test_import_loads_no_handler_module() -> None:
    """``import personalize_fake`` leaves the handler modules unimported until first needed."""
    code = "import sys, personalize_fake; print(*sorted(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split())
    assert "personalize_fake._api.registry" in loaded
    assert not {f"personalize_fake._api.{m}" for m in HANDLER_MODULES} & loaded
