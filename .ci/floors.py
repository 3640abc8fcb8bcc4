"""Print the lowest versions pyproject.toml declares for the runtime dependencies, as pins.

`.ci/run` and tox's `lowest` environment install these over the newest, so the suite
also runs against what the package promises to support ("botocore>=1.34" -> botocore==1.34).
"""

from __future__ import annotations

import re
from pathlib import Path

import tomllib

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
for requirement in project["dependencies"]:
    match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][0-9.]*)", requirement.strip())
    if match is None:
        raise SystemExit(f"pyproject.toml: {requirement!r} has no plain '>=' floor to pin")
    print(f"{match.group(1)}=={match.group(2)}")
