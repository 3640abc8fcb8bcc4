"""A batch segment job's ``itemAttributes``: which items an attribute query selects, read
with the filter parser and evaluated by the filter evaluator, so the two languages cannot
drift apart.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

from personalize_fake._domain.filter_eval import FilterData, Predicate, column_of, compile_filter
from personalize_fake._domain.filter_parser import parse_filter, tokenize
from personalize_fake._domain.filter_values import FilterValueError
from personalize_fake._domain.filters import Current, conditions
from personalize_fake._errors import InvalidInput

_AT = re.compile(r"\s*\(at character \d+\)$")


def item_attributes(expression: str, values: Mapping[str, str], data: FilterData) -> Predicate:
    """Which items a batch segment job's ``itemAttributes`` selects (``ITEMS.genres =
    "Comedy" AND ITEMS.genres = "Action"``), with ``$PARAM`` values from its filterValues.

    Written as a WHERE clause on Items fields; ``= "x"`` and ``!= "x"`` (as the documented
    example compares strings) are read as ``IN ("x")`` and ``NOT IN ("x")``.

    Raises:
        FilterValueError: the expression is not such a clause, or a value is missing or
            malformed.
    """
    try:
        tree = parse_filter("INCLUDE ItemID WHERE " + _as_where(expression))
    except InvalidInput as error:
        why = _AT.sub("", error.message.removeprefix("Could not create filter. "))
        raise FilterValueError(f"itemAttributes {expression!r} is not valid: {why}") from None
    only = tree.expressions[0]
    problem = None
    if len(tree.expressions) > 1:
        problem = "it is one clause on Items fields, without |"
    elif only.when:
        problem = "it has no IF clause"
    elif any(
        column_of(c).dataset != "ITEMS" or isinstance(c.operand, Current)
        for c in conditions(only.where)
    ):
        problem = "its conditions compare Items fields with values or $PLACEHOLDERs"
    if problem is not None:
        raise FilterValueError(f"itemAttributes {expression!r} is not valid: {problem}.")
    return compile_filter(tree, values, data)


def _as_where(expression: str) -> str:
    """``expression`` with ``= "x"`` and ``!= "x"`` spelled ``IN ("x")``, ``NOT IN ("x")``."""
    tokens = tokenize(expression)
    words: list[str] = []
    skip = False
    for token, following in itertools.pairwise(tokens):
        if skip:
            skip = False
        elif token.text in ("=", "!=") and following.kind == "string":
            words.append(f"{'IN' if token.text == '=' else 'NOT IN'} ({following.text})")
            skip = True
        else:
            words.append(token.text)
    return " ".join(words)
