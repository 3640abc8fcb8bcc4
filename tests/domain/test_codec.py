"""The wire JSON codec gives exactly what the standard library gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personalize_fake._domain import codec

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(values)
def test_encode_is_compact_utf8_json(value: Any) -> None:
    expected = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    assert codec.encode(value) == expected


@given(values, st.sampled_from(["", " ", "\n", " \t\r\n"]))
def test_decode_reads_what_loads_reads(value: Any, space: str) -> None:
    text = space + json.dumps(value) + space
    assert codec.decode(text) == json.loads(text)


@pytest.mark.parametrize("text", ["", " ", "{", '{"a":1}x', "[1] 2", "{'a': 1}", "nul"])
def test_decode_refuses_what_loads_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        codec.decode(text)


def test_encode_refuses_a_non_json_value() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        codec.encode({"when": object()})
