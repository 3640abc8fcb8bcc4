"""Filters applied to candidates, pure: every documented expression against a small catalogue,
and the choices the module documents where AWS is silent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pytest

from personalize_fake._domain.filter_eval import compile_filter
from personalize_fake._domain.filter_parser import parse_filter
from personalize_fake._domain.filter_values import FilterValueError
from personalize_fake._domain.filters import DatasetType
from personalize_fake._domain.item_attributes import item_attributes
from personalize_fake._errors import InvalidInput

ITEMS: dict[str, dict[str, Any]] = {
    "i1": {
        "ITEM_ID": "i1",
        "GENRE": "Comedy",
        "GENRES": "Comedy",
        "PRICE": 10.0,
        "YEAR": 1975,
        "CREATION_TIMESTAMP": 100,
        "CATEGORY": "shoe",
        "CATEGORY_L1": "shoe",
        "CATEGORY_L2": "boot",
        "DESCRIPTION": "boot",
        "NUMBER_OF_DOWNLOADS": 5,
        "OWNER": "in-house",
        "PROMOTION": "true",
        "ARTICLE_GENRE": "tech",
    },
    "i2": {
        "GENRE": "Comedy|Drama",
        "PRICE": 20.0,
        "YEAR": 1985,
        "CREATION_TIMESTAMP": 200,
        "CATEGORY": "shoe",
        "CATEGORY_L1": "shoe",
        "CATEGORY_L2": "sandal",
        "NUMBER_OF_DOWNLOADS": 50,
        "OWNER": "partner",
        "ARTICLE_GENRE": "non tech",
    },
    "i3": {
        "GENRE": "Horror",
        "PRICE": 5,
        "YEAR": 1995,
        "CREATION_TIMESTAMP": 300,
        "CATEGORY": "watch",
        "CATEGORY_L1": "watch",
        "CATEGORY_L2": "luxury",
        "DESCRIPTION": "luxury",
        "NUMBER_OF_DOWNLOADS": 25,
        "OWNER": "in-house",
        "ARTICLE_GENRE": "tech",
    },
    "i4": {"genre": "comedy", "price": "30", "category": "clothing", "available": "True"},
    "i5": {"GENRE": None, "PRICE": None},
}
"""i4 stores its columns in lower case and its price as text; i5 has empty fields; i6 (a
candidate) has no record."""
USERS: dict[str, dict[str, Any]] = {
    "u1": {"AGE": 25, "MEMBERSHIP": "Premium", "MEMBERSHIP_STATUS": "Gold", "COUNTRY": "Japan購入"},
    "u2": {"AGE": 15, "MEMBERSHIP": "Basic", "MEMBERSHIP_STATUS": "Silver", "COUNTRY": "England"},
    "u4": {"AGE": 40, "MEMBERSHIP_STATUS": "Gold", "COUNTRY": "France"},
}
ACTIONS: dict[str, dict[str, Any]] = {
    "a1": {"CATEGORY": "upsell", "VALUE": 10, "MEMBERSHIP_LEVEL": "Premium"},
    "a2": {"CATEGORY": "retention", "VALUE": 50, "MEMBERSHIP_LEVEL": "Basic"},
    "a3": {"CATEGORY": "upsell", "VALUE": 100, "MEMBERSHIP_LEVEL": "Premium|Basic"},
}
INTERACTIONS = {
    "u1": [("i1", "click"), ("i2", "Purchase"), ("i3", "CLICK"), ("i1", "Watch")],
    "u2": [("i3", "stream"), ("i2", "favorite"), ("i4", "rating")],
    "u4": [("i5", "Watch")],
}
ACTION_INTERACTIONS = {"u1": [("a1", "TAKEN"), ("a2", "NOT_TAKEN")], "u2": [("a3", "taken")]}
CANDIDATES = {
    "ItemID": ["i1", "i2", "i3", "i4", "i5", "i6"],
    "UserID": ["u1", "u2", "u3", "u4"],
    "ActionID": ["a1", "a2", "a3", "a4"],
}


@attrs.define
class Data:
    """The store as evaluation sees it, counting what it is asked."""

    calls: list[tuple[str, str]] = attrs.Factory(list)

    def record(self, dataset: DatasetType, id: str) -> Mapping[str, Any] | None:
        self.calls.append((dataset, id))
        return {"ITEMS": ITEMS, "USERS": USERS, "ACTIONS": ACTIONS}[dataset].get(id)

    def interacted(self, dataset: str, user: str) -> Sequence[tuple[str, str]]:
        self.calls.append((dataset, user))
        table = INTERACTIONS if dataset == "INTERACTIONS" else ACTION_INTERACTIONS
        return table.get(user, [])


def passing(expression: str, values: Mapping[str, str] | None = None, **current: Any) -> list[str]:
    """The candidates of the filter's target that pass it."""
    tree = parse_filter(expression)
    test = compile_filter(tree, values or {}, Data(), **current)
    return [id for id in CANDIDATES[tree.target] if test(id)]


ALL_ITEMS = CANDIDATES["ItemID"]

REAL: list[tuple[str, str, dict[str, Any], dict[str, str], list[str]]] = [
    # (key, expression, user/item/action, filterValues, what passes)
    (
        "01",
        "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
        {"user": "u1"},
        {"EVENT_TYPE": '"click"'},
        ["i2", "i4", "i5", "i6"],
    ),
    (
        "02",
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
        {"user": "u2"},
        {},
        ["i1", "i2", "i4", "i5", "i6"],
    ),
    (
        "03",
        'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
        {"user": "u1"},
        {},
        ["i1", "i3"],
    ),
    (
        "04",
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchased")',
        {"user": "u1"},
        {},
        ALL_ITEMS,
    ),
    (
        "05a",
        'INCLUDE ItemID WHERE Interaction.event_type IN ("*")',
        {"user": "u2"},
        {},
        ["i2", "i3", "i4"],
    ),
    (
        "05b",
        'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
        {"user": "u1"},
        {},
        ["i1", "i2", "i3"],
    ),
    (
        "06",
        "EXCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)",
        {},
        {"CATEGORY": '"shoe"'},
        ["i3", "i4", "i5", "i6"],
    ),
    (
        "07",
        "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.GENRE IN CurrentItem.GENRE",
        {"item": "i2"},
        {},
        ["i1"],
    ),
    (
        "08a",
        'EXCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("shoe") AND Items.CATEGORY_L2 NOT IN ("boot")',
        {},
        {},
        ["i1", "i3", "i4", "i5", "i6"],
    ),
    (
        "08b",
        'EXCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") AND Items.DESCRIPTION NOT IN ("boot")',
        {},
        {},
        ALL_ITEMS,  # i2 has no DESCRIPTION: NOT IN does not match an empty field
    ),
    (
        "09",
        "INCLUDE ItemID WHERE Items.PRICE <= $PRICE",
        {},
        {"PRICE": "20"},
        ["i1", "i2", "i3"],
    ),
    (
        "10",
        "INCLUDE ItemID WHERE Items.CREATION_TIMESTAMP < $DATE",
        {},
        {"DATE": '"250"'},
        ["i1", "i2"],
    ),
    (
        "11",
        "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)",
        {},
        {"GENRE": '"Drama","Horror"'},
        ["i2", "i3"],
    ),
    (
        "12",
        "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.CREATION_TIMESTAMP > $DATE",
        {"item": "i2"},
        {"DATE": "150"},
        ["i3"],
    ),
    ("13a", "INCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20", {}, {}, ["i1"]),
    (
        "13b",
        "INCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS = $NUMBER_OF_DOWNLOADS",
        {},
        {"NUMBER_OF_DOWNLOADS": "50"},
        ["i2"],
    ),
    ("14", 'INCLUDE ItemID WHERE Items.OWNER IN ("in-house")', {}, {}, ["i1", "i3"]),
    (
        "15",
        'INCLUDE ItemID WHERE Items.CATEGORY IN ("clothing") AND Items.AVAILABLE IN ("True")',
        {},
        {},
        ["i4"],
    ),
    (
        "16",
        "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE",
        {"user": "u1"},
        {"GENRE": '"Comedy"', "AGE": "25"},
        ["i3", "i4", "i5", "i6"],
    ),
    (
        "17a",
        'INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("watch") AND Items.CATEGORY_L2 IN ("luxury")'
        " IF CurrentUser.AGE > 18",
        {"user": "u1"},
        {},
        ["i3"],
    ),
    (
        "17b",
        'INCLUDE ItemID WHERE Items.CATEGORY IN ("watch") AND Items.DESCRIPTION IN ("luxury")'
        " IF CurrentUser.AGE > 18",
        {"user": "u1"},
        {},
        ["i3"],
    ),
    (
        "18",
        "EXCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20"
        " IF CurrentUser.AGE > 18 AND CurrentUser.AGE < 30",
        {"user": "u1"},
        {},
        ["i2", "i3", "i4", "i5", "i6"],
    ),
    (
        "19",
        "INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)",
        {},
        {"MEMBERSHIP": '"Gold"'},
        ["u1", "u4"],
    ),
    ("20", "EXCLUDE UserID WHERE Users.AGE < $AGE", {}, {"AGE": "18"}, ["u1", "u3", "u4"]),
    (
        "21a",
        'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "rating")',
        {},
        {},
        ["u1", "u2"],
    ),
    (
        "21b",
        'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click, rating")',
        {},
        {},
        [],  # one event type named "click, rating"
    ),
    (
        "22",
        "EXCLUDE UserID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
        {},
        {"EVENT_TYPE": '"watch"'},
        ["u2", "u3"],
    ),
    (
        "23",
        'exclude UserId where users.country in ("England", "Japan購入")',
        {},
        {},
        ["u3", "u4"],
    ),
    (
        "24",
        "INCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
        {"user": "u1"},
        {"EVENT_TYPE": '"taken"'},
        ["a1"],
    ),
    (
        "25",
        'EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("NOT_TAKEN")',
        {"user": "u1"},
        {},
        ["a1", "a3", "a4"],
    ),
    (
        "26",
        "EXCLUDE ActionID WHERE Actions.CATEGORY IN ($CATEGORY)",
        {},
        {"CATEGORY": '"upsell"'},
        ["a2", "a4"],
    ),
    ("27", "INCLUDE ActionID WHERE Actions.VALUE > ($VALUE)", {}, {"VALUE": '"20"'}, ["a2", "a3"]),
    (
        "28",
        'INCLUDE ActionID WHERE Action.MEMBERSHIP_LEVEL IN ("Premium")'
        " IF CurrentUser.MEMBERSHIP = $PREMIUM",
        {"user": "u1"},
        {"PREMIUM": '"Premium"'},
        ["a1", "a3"],
    ),
    (
        "29",
        "EXCLUDE ActionID WHERE Actions.VALUE < ($VALUE) IF CurrentUser.MEMBERSHIP = $PREMIUM",
        {"user": "u1"},
        {"VALUE": "60", "PREMIUM": '"Premium"'},
        ["a3", "a4"],
    ),
    (
        "30",
        "INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)"
        ' | INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("favorite")',
        {"user": "u2"},
        {"CATEGORY": '"watch"'},
        ["i2", "i3"],
    ),
    (
        "31",
        "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)"
        ' | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
        {"user": "u1"},
        {"GENRE": '"Comedy","Horror"'},
        ["i2"],
    ),
    (
        "32",
        "INCLUDE ItemID WHERE Items.ARTICLE_GENRE IN ($GENRELIST) AND Items.CREATION_TIMESTAMP"
        ' > $CUTOFF | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
        {"user": "u4"},
        {"GENRELIST": '"tech","non tech"', "CUTOFF": "150"},
        ["i2", "i3"],
    ),
    (
        "33a",
        'EXCLUDE itemId WHERE INTERACTIONS.event_type in ("Purchase")',
        {"user": "u1"},
        {},
        ["i1", "i3", "i4", "i5", "i6"],
    ),
    (
        "33b",
        "INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($CATEGORY)",
        {},
        {"CATEGORY": '"watch"'},
        ["i3"],
    ),
    ("34a", "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)", {}, {"GENRE": '"Comedy"'}, ["i1"]),
    ("34b", 'INCLUDE ItemID WHERE Items.PROMOTION IN ("true")', {}, {}, ["i1"]),
    (
        "34c",
        "INCLUDE ItemID WHERE Items.YEAR >= $YEAR1 AND Items.YEAR < $YEAR2",
        {},
        {"YEAR1": "1970", "YEAR2": "1980"},
        ["i1"],
    ),
    (
        "34d",
        'INCLUDE ItemID WHERE Interactions.event_type IN ("Watch")',
        {"user": "u1"},
        {},
        ["i1"],
    ),
    (
        "34e",
        'EXCLUDE ItemID WHERE Interactions.event_type IN ("Watch")',
        {"user": "u1"},
        {},
        ["i2", "i3", "i4", "i5", "i6"],
    ),
]
"""Every expression of shared/reference/filters.md §5 the parser accepts, with a request and
what passes it in the catalogue above."""


@pytest.mark.parametrize(
    ("expression", "current", "values", "expected"),
    [case[1:] for case in REAL],
    ids=[case[0] for case in REAL],
)
def test_documented_expressions(
    expression: str, current: dict[str, Any], values: dict[str, str], expected: list[str]
) -> None:
    """Each documented expression passes exactly the candidates it describes."""
    assert passing(expression, values, **current) == expected


# -- interactions --------------------------------------------------------------------------


def test_event_types_match_in_any_case() -> None:
    """Event types match whatever their case, in the filter, the value and the data."""
    assert passing('INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("CLICK")', user="u1") == [
        "i1",
        "i3",
    ]
    values = {"T": '"pUrChAsE"'}
    assert passing("INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($T)", values, user="u1") == [
        "i2"
    ]


def test_star_in_a_placeholder_means_every_event_type() -> None:
    """A "*" value stands for every event type, as it does written in the expression."""
    expression = "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($T)"
    assert passing(expression, {"T": '"*"'}, user="u2") == ["i1", "i5", "i6"]


def test_not_in_event_types_means_interactions_of_other_types() -> None:
    """NOT IN on EVENT_TYPE: the items the user interacted with by some other event type."""
    expression = 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("click")'
    assert passing(expression, user="u1") == ["i1", "i2"]  # i1 was also watched
    assert passing('INCLUDE UserID WHERE Interactions.EVENT_TYPE NOT IN ("Watch")') == [
        "u1",
        "u2",
    ]


def test_without_a_user_interactions_filter_nothing_in_and_nothing_out() -> None:
    """No userId: an INCLUDE on interactions passes nothing, an EXCLUDE removes nothing."""
    assert passing('INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")') == []
    assert passing('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")') == ALL_ITEMS
    assert passing('INCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("*")') == []


def test_a_user_without_history_is_like_no_user() -> None:
    """A user with no interactions: an INCLUDE on them passes nothing."""
    assert passing('INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")', user="u3") == []


def test_the_users_interactions_are_read_once_per_request() -> None:
    """The user's interactions are read at compile time, never per candidate."""
    data = Data()
    tree = parse_filter(
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
        ' | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("Watch")'
    )
    test = compile_filter(tree, {}, data, user="u1")
    data.calls.clear()
    assert [id for id in ALL_ITEMS if test(id)] == ["i2", "i4", "i5", "i6"]
    assert data.calls == []


# -- fields --------------------------------------------------------------------------------


def test_values_are_case_sensitive_and_field_names_are_not() -> None:
    """Values match exactly; a column stored in lower case is found by any spelling."""
    assert passing('INCLUDE ItemID WHERE Items.GENRE IN ("comedy")') == ["i4"]
    assert passing('INCLUDE ItemID WHERE Items.genre IN ("Comedy")') == ["i1", "i2"]


def test_a_multi_valued_field_matches_any_of_its_values() -> None:
    """A value of "Comedy|Drama" is IN ("Drama"), and NOT IN ("Drama") is false for it."""
    assert passing('INCLUDE ItemID WHERE Items.GENRE IN ("Drama")') == ["i2"]
    assert passing('INCLUDE ItemID WHERE Items.GENRE NOT IN ("Drama")') == ["i1", "i3", "i4"]


def test_a_missing_record_or_field_matches_no_condition() -> None:
    """A candidate without a record or with an empty field matches neither IN nor NOT IN."""
    assert "i5" not in passing('INCLUDE ItemID WHERE Items.GENRE NOT IN ("x")')
    assert "i6" not in passing('INCLUDE ItemID WHERE Items.GENRE NOT IN ("x")')
    assert passing("INCLUDE ItemID WHERE Items.PRICE >= 0") == ["i1", "i2", "i3", "i4"]
    assert passing("EXCLUDE ItemID WHERE Items.PRICE >= 0") == ["i5", "i6"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("Items.PRICE = 20", ["i2"]),
        ("Items.PRICE != 20", ["i1", "i3", "i4"]),
        ("Items.PRICE < 10", ["i3"]),
        ("Items.PRICE <= 10", ["i1", "i3"]),
        ("Items.PRICE > 20", ["i4"]),
        ("Items.PRICE >= 20", ["i2", "i4"]),
        ("Items.PRICE > 19.5", ["i2", "i4"]),
        ("Items.PRICE > (19.5)", ["i2", "i4"]),
        ("Items.PRICE = 30", ["i4"]),
    ],
)
def test_numbers_compare_numerically(condition: str, expected: list[str]) -> None:
    """Comparisons are numeric, ints against floats and a price stored as text alike."""
    assert passing(f"INCLUDE ItemID WHERE {condition}") == expected


@pytest.mark.parametrize("value", ["20", '"20"', " 20 ", '"20.0"', "2e1", '"-5"'])
def test_numeric_placeholders_may_be_quoted_or_not(value: str) -> None:
    """A number may be given bare or in quotes, as real calls did."""
    expected = ["i1", "i2", "i3"] if "-" not in value else []
    assert passing("INCLUDE ItemID WHERE Items.PRICE <= $P", {"P": value}) == expected


def test_a_numeric_placeholder_with_in_matches_numbers() -> None:
    """A number given to IN matches a numeric field holding it, quoted or not."""
    expression = "INCLUDE ItemID WHERE Items.YEAR IN ($Y)"
    assert passing(expression, {"Y": "1975"}) == ["i1"]
    assert passing(expression, {"Y": '"1985", 1995'}) == ["i2", "i3"]


def test_and_binds_tighter_than_or() -> None:
    """``a OR b AND c`` is ``a OR (b AND c)``."""
    expression = (
        'INCLUDE ItemID WHERE Items.GENRE IN ("Horror") OR Items.GENRE IN ("Comedy")'
        " AND Items.PRICE > 15"
    )
    assert passing(expression) == ["i2", "i3"]


def test_an_in_list_of_strings_with_quotes_and_commas() -> None:
    """A value may hold a comma or an escaped quote: it is JSON."""
    expression = "INCLUDE ItemID WHERE Items.ARTICLE_GENRE IN ($G)"
    assert passing(expression, {"G": '"non tech", "a \\"b\\", c"'}) == ["i2"]


# -- chains ---------------------------------------------------------------------------------


def test_a_chain_of_includes_is_their_union() -> None:
    """INCLUDE | INCLUDE passes what either passes."""
    expression = (
        'INCLUDE ItemID WHERE Items.GENRE IN ("Horror")'
        ' | INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("favorite")'
    )
    assert passing(expression, user="u2") == ["i2", "i3"]


def test_a_chain_of_excludes_removes_their_union() -> None:
    """EXCLUDE | EXCLUDE removes what either removes."""
    expression = (
        'EXCLUDE ItemID WHERE Items.GENRE IN ("Horror")'
        ' | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("favorite")'
    )
    assert passing(expression, user="u2") == ["i1", "i4", "i5", "i6"]


def test_order_in_a_mixed_chain_does_not_matter() -> None:
    """INCLUDEs minus EXCLUDEs, in whichever order they are written."""
    include = 'INCLUDE ItemID WHERE Items.CATEGORY IN ("shoe")'
    exclude = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("Purchase")'
    assert passing(f"{include} | {exclude}", user="u1") == ["i1"]
    assert passing(f"{exclude} | {include}", user="u1") == ["i1"]


# -- the current item and user --------------------------------------------------------------


def test_current_item_without_an_item_or_its_field_matches_nothing() -> None:
    """CurrentItem with no itemId, an unknown item, or an empty field: no candidate matches."""
    expression = "INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE"
    assert passing(expression, item="i1") == ["i1", "i2"]
    assert passing(expression) == []
    assert passing(expression, item="i6") == []
    assert passing(expression, item="i5") == []


def test_current_item_multi_valued_matches_any_shared_value() -> None:
    """A current item in Comedy|Drama matches candidates in either genre."""
    assert passing("INCLUDE ItemID WHERE Items.GENRE = CurrentItem.GENRE", item="i2") == [
        "i1",
        "i2",
    ]


def test_if_decides_whether_the_expression_applies() -> None:
    """An IF that fails (user too young, unknown, missing, or the field empty) leaves the
    expression out, so an INCLUDE then filters nothing."""
    expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("Horror") IF CurrentUser.AGE > 18'
    assert passing(expression, user="u1") == ["i3"]
    assert passing(expression, user="u2") == ALL_ITEMS
    assert passing(expression, user="u3") == ALL_ITEMS
    assert passing(expression) == ALL_ITEMS
    membership = 'INCLUDE ItemID WHERE Items.GENRE IN ("Horror") IF CurrentUser.MEMBERSHIP = $M'
    assert passing(membership, {"M": '"Premium"'}, user="u4") == ALL_ITEMS


def test_if_with_a_placeholder_compares_the_value_given() -> None:
    """``IF CurrentUser.AGE = $AGE`` applies the expression only for that age."""
    expression = "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE"
    assert passing(expression, {"GENRE": '"Comedy"', "AGE": '"30"'}, user="u1") == ALL_ITEMS
    assert passing(expression, {"GENRE": '"Comedy"'}, user="u1") == ALL_ITEMS


def test_a_skipped_include_leaves_the_excludes_of_its_chain() -> None:
    """A chain whose INCLUDE does not apply still removes what its EXCLUDE names."""
    expression = (
        'INCLUDE ItemID WHERE Items.GENRE IN ("Horror") IF CurrentUser.AGE > 18'
        ' | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("stream")'
    )
    assert passing(expression, user="u2") == ["i1", "i2", "i4", "i5", "i6"]


# -- filterValues -----------------------------------------------------------------------------


def test_a_missing_include_value_is_invalid_input_naming_it() -> None:
    """An INCLUDE placeholder without a value fails the request, naming the placeholder."""
    with pytest.raises(FilterValueError, match=r"\$GENRE") as exc:
        passing("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", {"OTHER": '"x"'})
    assert isinstance(exc.value, InvalidInput)
    assert exc.value.code == "InvalidInputException"


def test_value_keys_are_case_sensitive() -> None:
    """``genre`` is not ``GENRE``: the message points at the key that is there."""
    with pytest.raises(FilterValueError, match="case-sensitive; it has 'genre'"):
        passing("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", {"genre": '"Comedy"'})


def test_a_missing_value_in_an_include_if_clause_is_invalid_input() -> None:
    """An INCLUDE needs every value, its IF clause's included, even when no user is given."""
    with pytest.raises(FilterValueError, match=r"\$P"):
        passing('INCLUDE ItemID WHERE Items.GENRE IN ("Horror") IF CurrentUser.AGE > $P')


def test_a_missing_exclude_value_leaves_that_expression_out() -> None:
    """An EXCLUDE placeholder without a value: that expression is not used."""
    assert passing("EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE)") == ALL_ITEMS
    expression = (
        "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) AND Items.PRICE > 0"
        ' | EXCLUDE ItemID WHERE Items.GENRE IN ("Horror")'
    )
    assert passing(expression) == ["i1", "i2", "i4", "i5", "i6"]
    mixed = "INCLUDE ItemID WHERE Items.PRICE < 15 | EXCLUDE ItemID WHERE Items.GENRE IN ($G)"
    assert passing(mixed) == ["i1", "i3"]


@pytest.mark.parametrize(
    "value",
    ['"comedy', "comedy", "", '"a",', '["a"]', "true", "null", '{"a": 1}', "NaN", '"a" "b"'],
)
def test_a_malformed_value_is_invalid_input(value: str) -> None:
    """A value that is not JSON strings or numbers separated by commas fails the request."""
    with pytest.raises(FilterValueError, match="filterValues 'G' is") as exc:
        passing("INCLUDE ItemID WHERE Items.GENRE IN ($G)", {"G": value})
    assert "double quotes" in exc.value.message


def test_a_malformed_exclude_value_is_invalid_input_too() -> None:
    """A value given to an EXCLUDE is checked like any other."""
    with pytest.raises(FilterValueError):
        passing("EXCLUDE ItemID WHERE Items.GENRE IN ($G)", {"G": '"comedy'})


@pytest.mark.parametrize("value", ['"abc"', '"1", "2"', "1,2", '"twenty"'])
def test_a_comparison_needs_one_number(value: str) -> None:
    """A range comparison's value must be one number, quoted or not."""
    with pytest.raises(FilterValueError, match=r"\$P is compared with <=.*one number"):
        passing("INCLUDE ItemID WHERE Items.PRICE <= $P", {"P": value})


def test_an_equality_takes_one_value() -> None:
    """``=`` with a placeholder takes a single value."""
    with pytest.raises(FilterValueError, match="one value"):
        passing("INCLUDE ItemID WHERE Items.PRICE = $P", {"P": "1, 2"})


# -- itemAttributes -------------------------------------------------------------------------


def segment_items(expression: str, values: Mapping[str, str] | None = None) -> list[str]:
    test = item_attributes(expression, values or {}, Data())
    return [id for id in ALL_ITEMS if test(id)]


def test_item_attributes_as_documented() -> None:
    """The documented itemAttributes: both genres, as ``=`` on strings, with any case."""
    expression = 'ITEMS.genre = "Comedy" AND ITEMS.genre = "Drama"'
    assert segment_items(expression) == ["i2"]
    assert segment_items('ITEMS.GENRE != "Comedy"') == ["i3", "i4"]


def test_item_attributes_take_placeholders_and_all_conditions() -> None:
    """itemAttributes take $PARAM values, IN lists and numbers as a WHERE clause does."""
    expression = 'Items.OWNER IN ($OWNER) AND Items.PRICE < 8 OR Items.GENRE = "comedy"'
    assert segment_items(expression, {"OWNER": '"in-house"'}) == ["i3", "i4"]
    with pytest.raises(FilterValueError, match=r"\$OWNER"):
        segment_items(expression)


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ('ITEMS.genre = "Comedy', "not closed"),
        ("ITEMS.genre", "Expected IN"),
        ('Interactions.EVENT_TYPE IN ("click")', "Items fields"),
        ("Items.GENRE IN CurrentItem.GENRE", "Items fields"),
        ('Items.GENRE IN ("a") IF CurrentUser.AGE > 3', "no IF"),
        ('Items.GENRE IN ("a") | INCLUDE ItemID WHERE Items.GENRE IN ("b")', "without |"),
        ("", "end of expression"),
    ],
)
def test_item_attributes_that_are_not_a_clause_on_items_are_refused(
    expression: str, why: str
) -> None:
    """An itemAttributes that is not a WHERE clause on Items fields is refused, saying why."""
    with pytest.raises(FilterValueError, match=r"itemAttributes .* is not valid") as exc:
        segment_items(expression)
    assert why in exc.value.message
    assert "(at character" not in exc.value.message
