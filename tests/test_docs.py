"""The docs stay true to the code: the generated operations table, handler names, examples."""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import botocore

# The engine's numpy and scipy are imported here, before any in-process pytester run: such a
# run unloads the modules first imported inside it, and numpy cannot be loaded twice.
import numpy  # noqa: F401
import pytest
import requests  # noqa: F401  (see below)
import responses  # noqa: F401
import scipy.sparse  # noqa: F401
from botocore import xform_name
from botocore.exceptions import ClientError

import personalize_fake
from personalize_fake import PersonalizeFake
from personalize_fake._api.registry import load_handlers
from personalize_fake._model import coverage
from personalize_fake._model.catalog import catalog

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
OPERATIONS_MD = DOCS / "operations.md"
README = ROOT / "README.md"

# requests and responses are imported here, not first inside an example: pytester's
# in-process runs drop the modules imported during them, and a requests imported
# again would no longer match the http.cookiejar classes it checks against.

HANDLERS = load_handlers()
OPERATIONS = {op.python_name: op for op in catalog().operations()}

_FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
_SH_FENCE = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(fence: re.Pattern[str], paths: list[Path]) -> list[pytest.ParameterSet]:
    """Every block ``fence`` finds in ``paths``, with an id naming its file and line."""
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for match in fence.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(pytest.param(match.group(1), id=f"{path.name}:{line}"))
    return found


def _examples() -> list[pytest.ParameterSet]:
    """Every ```python block of README.md and docs/*.md."""
    return _blocks(_FENCE, [README, *sorted(DOCS.glob("*.md"))])


def _readme_shell() -> list[pytest.ParameterSet]:
    """README.md's ```sh blocks after the first (which is what .ci/run runs)."""
    return _blocks(_SH_FENCE, [README])[1:]


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
            assert committed == coverage.render(), (
                "docs/operations.md is stale: "
                "run `python -m personalize_fake._model.coverage --write`"
            )
            return

        def operation_rows(text: str) -> dict[tuple[str, ...], str]:
            """Operation rows by (service, operation), the table's first two cells."""
            rows = (line for line in text.splitlines() if line.startswith("| personalize"))
            return {
                tuple(cell.strip() for cell in line.split("|")[1:3]): line
                for line in rows
                if line.count("|") == 7
            }

        generated = operation_rows(coverage.render())
        committed_rows = operation_rows(committed)
        shared = [key for key in committed_rows if key in generated]
        assert shared, "docs/operations.md has no operation rows this botocore knows"
        stale = [committed_rows[key] for key in shared if committed_rows[key] != generated[key]]
        assert not stale, f"docs/operations.md is stale: {stale[:3]}"

    def test_every_operation_once(self) -> None:
        """The table has one row per modeled operation of the three services."""
        rows = coverage.rows()
        assert len(rows) == len(catalog().operations())
        assert len({(r.service, r.operation) for r in rows}) == len(rows)

    def test_implemented_means_a_handler(self) -> None:
        """A row says implemented exactly when a handler is registered for it."""
        implemented = {r.method for r in coverage.rows() if r.implemented}
        assert implemented == set(HANDLERS) - set(coverage.newer_than_model())

    def test_handler_column_names_the_defining_file(self) -> None:
        """Each implemented row names the file that defines its handler; the others name none."""
        package = Path(personalize_fake.__file__).parent
        for row in coverage.rows():
            if row.method in HANDLERS:
                source = Path(inspect.getsourcefile(HANDLERS[row.method]) or "")
                assert source == package / row.module, row
            else:
                assert row.module == "", row

    def test_module_prints_the_table(self) -> None:
        """`python -m personalize_fake._model.coverage` prints the generated table."""
        result = subprocess.run(
            [sys.executable, "-m", "personalize_fake._model.coverage"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout == coverage.render()

    def test_not_implemented_names_a_command_that_lists_it(
        self, unanswered: tuple[str, str], personalize_fake: PersonalizeFake
    ) -> None:
        """NotImplementedException (for an operation newer than the fake) names the version,
        the count, and a command listing the operations.

        The installed package carries no docs/, so the message points to nothing there.
        """
        name, method = unanswered
        client = boto3.client("personalize", region_name="us-east-1")
        with pytest.raises(ClientError) as exc:
            getattr(client, method)()
        message = exc.value.response["Error"]["Message"]
        assert "docs/" not in message
        done = sum(row.implemented for row in coverage.rows())
        assert f"(answering {done} of {len(coverage.rows())} operations)" in message
        command = re.search(r"`python -m ([\w.]+)`", message)
        assert command is not None, message
        result = subprocess.run(
            [sys.executable, "-m", command.group(1)], capture_output=True, text=True, check=True
        )
        assert f"| personalize | {name} | `{method}` |" in result.stdout

    def test_write_option(self, tmp_path: Path) -> None:
        """`--write PATH` writes the table to PATH."""
        target = tmp_path / "operations.md"
        assert coverage.main(["--write", str(target)]) == 0
        assert target.read_text(encoding="utf-8") == coverage.render()


class TestHandlers:
    @pytest.mark.parametrize("name", sorted(HANDLERS))
    def test_handler_is_a_real_operation(self, name: str) -> None:
        """A handler's name is the snake_case name of a modeled operation (no typos)."""
        if name in coverage.newer_than_model():
            pytest.skip(f"{name} is newer than the installed botocore's model")
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
        newer = {
            n.split(".", 1)[1] for n in coverage.newer_than_model() if n.startswith(f"{name}.")
        }
        assert keywords - newer <= members, f"{name} takes keywords the model lacks"
        assert required <= keywords, f"{name} ignores required members"


def _no_real_sleep(seconds: float) -> None:
    raise AssertionError(f"an example slept {seconds} s: the docs say how not to")


class TestExamples:
    @pytest.mark.parametrize("code", _examples())
    def test_example_runs(
        self, code: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every Python example in the docs runs as shown (test modules pass under pytest).

        None sleeps: an example that patches ``time.sleep`` itself replaces this guard.
        """
        sleep = time.sleep
        monkeypatch.setattr(time, "sleep", lambda s: sleep(s) if s <= 0 else _no_real_sleep(s))
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


TYPED_USER_TEST = """\
from personalize_fake import PersonalizeFake, mock_personalize


def test_typed(personalize_fake: PersonalizeFake) -> None:
    with mock_personalize(lifecycle="instant") as fake:
        assert fake is not personalize_fake
"""


class TestReadme:
    def test_readme_starts_with_what_ci_runs(self) -> None:
        """The README's first block is the install and test commands, and .ci/run runs them."""
        text = README.read_text(encoding="utf-8")
        assert text.split("```", 1)[0].strip() == "# personalize-fake", "commands come first"
        first = _SH_FENCE.search(text)
        assert first is not None
        ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        for command in first.group(1).splitlines():
            assert command in ci, f"README's {command!r} is not a line of .ci/run"

    @pytest.mark.slow
    def test_installed_package_type_checks(self, tmp_path: Path) -> None:
        """`mypy --strict` on a user's test outside the checkout finds the installed package."""
        pytest.importorskip("mypy")
        environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
        where = subprocess.run(
            [sys.executable, "-c", "import personalize_fake; print(personalize_fake.__file__)"],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        here = Path(personalize_fake.__file__).resolve()
        if where.returncode != 0 or Path(where.stdout.strip()).resolve() != here:
            pytest.skip("this interpreter installs another copy of personalize_fake than this one")
        (tmp_path / "test_user.py").write_text(TYPED_USER_TEST, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--cache-dir", ".mypy", "test_user.py"],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (
            f"{result.stdout}{result.stderr}(an editable install made before package-dir was "
            "set in pyproject.toml uses an import hook mypy cannot follow: install it again)"
        )

    @pytest.mark.slow
    @pytest.mark.parametrize("code", _readme_shell())
    def test_readme_shell_block_runs(self, code: str, tmp_path: Path) -> None:
        """A README shell block runs pasted whole on a machine with no AWS configuration.

        Only the port is changed, to a free one; the block starts the server itself
        and must stop it.
        """
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        home = tmp_path / "home"  # no ~/.aws; the block runs here
        home.mkdir()
        environment = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(home),
            "LANG": "C.UTF-8",
        }
        if "PYTHONPATH" in os.environ:  # the checkout under test, when it is not installed
            environment["PYTHONPATH"] = os.environ["PYTHONPATH"]
        # Files, not pipes: a server left running would hold a pipe open after sh exits.
        with (tmp_path / "out").open("w+") as out, (tmp_path / "err").open("w+") as err:
            shell = subprocess.Popen(
                ["sh", "-c", code.replace("4567", str(port))],
                cwd=home,
                env=environment,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group: the server it starts is in it
            )
        try:
            shell.wait(timeout=120)
            stdout = (tmp_path / "out").read_text()
            assert shell.returncode == 0, (tmp_path / "err").read_text()
            assert "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop" in stdout
            assert '"status": "ACTIVE"' in stdout, stdout
            assert list(home.iterdir()) == [], "the block leaves files behind"
            for _ in range(100):  # the server it started is gone: nothing listens on the port
                with socket.socket() as client:
                    if client.connect_ex(("127.0.0.1", port)) != 0:
                        break
                time.sleep(0.1)
            else:
                raise AssertionError(f"the block left a server on port {port}")
        finally:  # end whatever of it is left, whichever way the test ends
            with contextlib.suppress(ProcessLookupError):
                os.killpg(shell.pid, signal.SIGKILL)
            shell.wait()
