"""The docs stay true to the code: the generated operations table, handler names, examples."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import botocore
import pytest
import requests  # noqa: F401  (see below)
import responses  # noqa: F401
from botocore import xform_name

from personalize_fake import _coverage
from personalize_fake._model import catalog
from personalize_fake._registry import load_handlers

DOCS = Path(__file__).resolve().parent.parent / "docs"
OPERATIONS_MD = DOCS / "operations.md"

# requests and responses are imported here, not first inside an example: pytester's
# in-process runs drop the modules imported during them, and a requests imported
# again would no longer match the http.cookiejar classes it checks against.

HANDLERS = load_handlers()
OPERATIONS = {op.python_name: op for op in catalog().operations()}

_FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _examples() -> list[pytest.ParameterSet]:
    """Every ```python block of docs/*.md, with an id naming its file and line."""
    found = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(pytest.param(match.group(1), id=f"{path.name}:{line}"))
    return found


def _is_test_module(code: str) -> bool:
    return bool(re.search(r"^(?:def test_|class Test)", code, re.MULTILINE))


class TestOperationsTable:
    def test_committed_table_is_generated(self) -> None:
        """docs/operations.md is exactly what the models and handlers generate now.

        Under another botocore release (a newer one may add operations, an older one
        lacks some) only the rows of operations both releases know are compared, so
        neither an upstream release nor the oldest supported one breaks CI.
        """
        committed = OPERATIONS_MD.read_text(encoding="utf-8")
        if f"botocore {botocore.__version__}." in committed:
            assert committed == _coverage.render(), (
                "docs/operations.md is stale: run `python -m personalize_fake._coverage --write`"
            )
            return

        def operation_rows(text: str) -> dict[tuple[str, ...], str]:
            """Operation rows by (service, operation), the table's first two cells."""
            rows = (line for line in text.splitlines() if line.startswith("| personalize"))
            return {
                tuple(cell.strip() for cell in line.split("|")[1:3]): line
                for line in rows
                if line.count("|") == 6
            }

        generated = operation_rows(_coverage.render())
        committed_rows = operation_rows(committed)
        shared = [key for key in committed_rows if key in generated]
        assert shared, "docs/operations.md has no operation rows this botocore knows"
        stale = [committed_rows[key] for key in shared if committed_rows[key] != generated[key]]
        assert not stale, f"docs/operations.md is stale: {stale[:3]}"

    def test_every_operation_once(self) -> None:
        """The table has one row per modeled operation of the three services."""
        rows = _coverage.rows()
        assert len(rows) == len(catalog().operations())
        assert len({(r.service, r.operation) for r in rows}) == len(rows)

    def test_implemented_means_a_handler(self) -> None:
        """A row says implemented exactly when a handler is registered for it."""
        implemented = {r.method for r in _coverage.rows() if r.implemented}
        assert implemented == set(HANDLERS)

    def test_module_prints_the_table(self) -> None:
        """`python -m personalize_fake._coverage` prints the generated table."""
        result = subprocess.run(
            [sys.executable, "-m", "personalize_fake._coverage"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout == _coverage.render()

    def test_write_option(self, tmp_path: Path) -> None:
        """`--write PATH` writes the table to PATH."""
        target = tmp_path / "operations.md"
        assert _coverage.main(["--write", str(target)]) == 0
        assert target.read_text(encoding="utf-8") == _coverage.render()


class TestHandlers:
    @pytest.mark.parametrize("name", sorted(HANDLERS))
    def test_handler_is_a_real_operation(self, name: str) -> None:
        """A handler's name is the snake_case name of a modeled operation (no typos)."""
        assert name in OPERATIONS, f"{name} is not an operation of the three services"

    @pytest.mark.parametrize("name", sorted(HANDLERS))
    def test_handler_keywords_are_input_members(self, name: str) -> None:
        """Each handler keyword is an input member, and each required member is a keyword."""
        op = OPERATIONS.get(name)
        if op is None:
            pytest.skip("not an operation; see test_handler_is_a_real_operation")
        shape = op.input_shape
        members = {xform_name(m) for m in shape.members} if shape is not None else set()
        required = {xform_name(m) for m in shape.required_members} if shape is not None else set()
        parameters = inspect.signature(HANDLERS[name]).parameters
        keywords = {n for n, p in parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
        assert keywords <= members, f"{name} takes keywords the model lacks"
        assert required <= keywords, f"{name} ignores required members"


class TestExamples:
    @pytest.mark.parametrize("code", _examples())
    def test_example_runs(self, code: str, pytester: pytest.Pytester) -> None:
        """Every Python example in the docs runs as shown (test modules pass under pytest)."""
        if _is_test_module(code):
            pytester.makepyfile(test_example=code)
            result = pytester.runpytest_inprocess(
                "-p", "no:cacheprovider", "-p", "no:hypothesispytest"
            )
            outcomes = result.parseoutcomes()
            assert outcomes.get("passed", 0) > 0, result.stdout.str()
            assert set(outcomes) == {"passed"}, result.stdout.str()
        else:
            exec(compile(code, "<docs example>", "exec"), {"__name__": "__docs__"})
