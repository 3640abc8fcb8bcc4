"""Print the lowest versions pyproject.toml declares for the runtime dependencies, as pins.

`.ci/run` and tox's `lowest` environment install these over the newest, so the suite
also runs against what the package promises to support ("botocore>=1.34" -> botocore==1.34).

The ``[project]`` table's ``dependencies`` array is read with a regular expression, not
``tomllib``: that arrived in Python 3.11, and the package supports 3.10 with no extra
dependency. The array is a plain list of quoted strings, which is all this reads.
"""

from __future__ import annotations

import re
from pathlib import Path

text = (Path(__file__).parent.parent / "pyproject.toml").read_text()
project = re.search(r"^\[project\]$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
# The array: quoted strings and comments up to its closing bracket (an extra's "[...]" is quoted).
array = project and re.search(
    r"""^dependencies\s*=\s*\[((?:\s*(?:"[^"]*"|'[^']*'|#[^\n]*|,))*)\s*\]""",
    project.group(1),
    re.MULTILINE,
)
if array is None:
    raise SystemExit("pyproject.toml: no [project] dependencies array")
for pair in re.findall(r""""([^"]*)"|'([^']*)'""", array.group(1)):
    requirement = pair[0] or pair[1]
    match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][0-9.]*)", requirement.strip())
    if match is None:
        raise SystemExit(f"pyproject.toml: {requirement!r} has no plain '>=' floor to pin")
    print(f"{match.group(1)}=={match.group(2)}")
