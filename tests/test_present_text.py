"""Output helpers: JSON one item per line, relative day words, tables."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netzmd.present.text import clip, days_word, dumps_lines, table, width


def per_item(data: dict[str, Any]) -> str:
    """The reference layout: every list item encoded on its own."""

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def block(value: Any) -> str:
        if isinstance(value, list) and value:
            return "[\n" + ",\n".join("    " + one(v) for v in value) + "\n  ]"
        return one(value)

    if not data:
        return "{}"
    return "{\n" + ",\n".join(f"  {one(k)}: {block(v)}" for k, v in data.items()) + "\n}"


# Texts made to look like the boundary between two encoded objects.
tricky = st.sampled_from(['}, {"id": ', '"', "\\", "\n", '}, {\\"id\\": ', "ü", "x", "📅"])
text = st.lists(tricky, max_size=4).map("".join)
scalar = st.one_of(text, st.integers(), st.none(), st.booleans())
nested = st.one_of(
    scalar,
    st.lists(scalar, max_size=2),
    st.fixed_dictionaries({"id": scalar}),
    st.lists(st.fixed_dictionaries({"id": scalar}), max_size=2),
)
item = st.fixed_dictionaries({"id": text, "name": text}, optional={"more": nested})


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.lists(item, max_size=5)))
def test_dumps_lines_is_one_item_per_line_and_valid(data: dict[str, Any]) -> None:
    out = dumps_lines(data)
    assert json.loads(out) == data
    assert out == per_item(data)


def test_dumps_lines_layout() -> None:
    data = {"today": "2026-11-27", "items": [{"id": "a"}, {"id": "b"}], "none": []}
    assert dumps_lines(data) == (
        '{\n  "today": "2026-11-27",\n  "items": [\n    {"id": "a"},\n    {"id": "b"}\n  ],\n'
        '  "none": []\n}'
    )


def test_days_words() -> None:
    assert [days_word(n) for n in (0, 1, 3, -1, -5)] == [
        "today",
        "tomorrow",
        "in 3 days",
        "yesterday",
        "5 days ago",
    ]
    assert days_word(-1, overdue=True) == "1 day overdue"
    assert days_word(-5, overdue=True) == "5 days overdue"


def test_table_pads_by_display_width() -> None:
    assert width("Zoë") == 3 and width("日本") == 4
    assert clip("Brückenwerk Digital GmbH", 10) == "Brückenwe…"
    assert table(["A", "B"], [["日本", "x"], ["ab", "y"]]) == "A     B\n日本  x\nab    y"
