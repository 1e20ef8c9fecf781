"""Reading front matter so that values mean what the person typed.

PyYAML follows YAML 1.1: ``0170123`` becomes a number, ``NO`` becomes false and ``12:30`` becomes
750. Here only ``true``/``false`` are booleans, ``null``/``~``/empty are null, ``YYYY-MM-DD`` is a
date; every other plain scalar is the text as written. The loader also refuses duplicate keys
(naming both lines) and impossible dates, with the position of the offending value.

It is built on libyaml's C parser. ``netzmd.notes.frontmatter_handler`` offers the same reading to
scripts that use python-frontmatter.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from typing import Any, ClassVar

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LIBYAML = _BaseLoader is not yaml.SafeLoader

# YAML 1.1 also ends a line at NEL, LS and PS; in a note only "\n" does. While parsing they hide
# behind noncharacters, so that they stay text and line numbers stay the file's line numbers.
_HIDE = str.maketrans({"\x85": "\ufdd0", "\u2028": "\ufdd1", "\u2029": "\ufdd2"})
_RESTORE = str.maketrans({"\ufdd0": "\x85", "\ufdd1": "\u2028", "\ufdd2": "\u2029"})


class DuplicateKeyError(ConstructorError):
    def __init__(self, key: str, first: yaml.Mark, second: yaml.Mark) -> None:
        super().__init__(
            None,
            None,
            f"duplicate key '{key}'",
            second,
        )
        self.key = key
        self.first_mark = first


# A plain key such as ``true:``, ``null:`` or ``2026-01-01:`` stays the text typed (not True,
# None or a date, which would come out as "True" and "None").
_TYPED_KEYS = {f"tag:yaml.org,2002:{t}" for t in ("bool", "null", "timestamp")}


class NoteLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader with a small, literal-minded set of implicit types."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = key_node.value
                if key in seen:
                    raise DuplicateKeyError(key.translate(_RESTORE), seen[key], key_node.start_mark)
                seen[key] = key_node.start_mark
                if key_node.tag in _TYPED_KEYS and not key_node.style:
                    key_node.tag = "tag:yaml.org,2002:str"  # a key is a name: as typed
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return result

    def construct_iso_date(self, node: Node) -> date:
        value = str(node.value)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ConstructorError(
                None, None, f"impossible date '{value}'", node.start_mark
            ) from None


NoteLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
NoteLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
NoteLoader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp", re.compile(r"^\d{4}-\d{2}-\d{2}$"), list("0123456789")
)
NoteLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
NoteLoader.add_constructor("tag:yaml.org,2002:timestamp", NoteLoader.construct_iso_date)
# Explicit ``!!binary`` and ``!!set`` would give bytes and sets, which JSON cannot hold: keep the
# text as written, and a set as the mapping (of nulls) it is written as.
NoteLoader.add_constructor("tag:yaml.org,2002:binary", NoteLoader.construct_yaml_str)
NoteLoader.add_constructor("tag:yaml.org,2002:set", NoteLoader.construct_yaml_map)
# ``<<`` merges as a key; as a value it is the text typed.
NoteLoader.add_constructor("tag:yaml.org,2002:merge", NoteLoader.construct_yaml_str)


def plain_reads_as_text(text: str) -> bool:
    """Whether ``text`` written as a plain scalar reads back as that text here (not as a
    boolean, null or date)."""
    tag: str = _resolver().resolve(ScalarNode, text, (True, False))
    return tag == "tag:yaml.org,2002:str"


@cache
def _resolver() -> NoteLoader:
    return NoteLoader("")


class _HiddenBreaksLoader(NoteLoader):
    """For text read with ``_HIDE`` applied: scalars get their NEL, LS and PS back."""

    def construct_scalar(self, node: ScalarNode) -> Any:
        return super().construct_scalar(node).translate(_RESTORE)


_HIDDEN = re.compile("[\x85\u2028\u2029]")
_PLACEHOLDERS = re.compile("[\ufdd0-\ufdd2]")
# Nesting deeper than MAX_DEPTH needs many brackets or a deeply indented line: only then (or
# with anchors, which aliases need) is the node tree walked by ``_check_shape``.
_DEEP_LINE = re.compile(r"^[ \t-]{40,}", re.MULTILINE)


def _needs_shape_check(text: str) -> bool:
    return (
        "&" in text or text.count("[") + text.count("{") > 40 or _DEEP_LINE.search(text) is not None
    )


def _bool(loader: Any, node: ScalarNode) -> bool:
    return str(node.value).lower() == "true"


NoteLoader.add_constructor("tag:yaml.org,2002:bool", _bool)


class FrontMatterError(Exception):
    """A YAML problem at a line counted from the start of the front matter text (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# While ``remembering()`` is on, the last few front matters read are kept (by their text) and a
# read of the same text again gets a deep copy: an edit reads a note's front matter, and reads
# it back twice to check itself, which an import of thousands of notes pays for many times.
_remembered: OrderedDict[tuple[str, int], tuple[Any, dict[str, int]]] | None = None
_REMEMBER = 8


@contextmanager
def remembering() -> Iterator[None]:
    """Within this block, reading the same front matter text again is a copy, not a parse."""
    global _remembered
    outer = _remembered
    _remembered = OrderedDict()
    try:
        yield
    finally:
        _remembered = outer


def load_mapping(text: str, first_line: int = 1) -> tuple[Any, dict[str, int]]:
    """Parse front matter text into (data, key lines): ``read_mapping``, remembered for the
    same text within ``remembering()`` (each caller gets its own copy)."""
    memo = _remembered
    if memo is None:
        return read_mapping(text, first_line)
    key = (text, first_line)
    found = memo.get(key)
    if found is None:
        found = memo[key] = read_mapping(text, first_line)  # an error is not remembered
        if len(memo) > _REMEMBER:
            memo.popitem(last=False)
    else:
        memo.move_to_end(key)
    data, lines = found
    return _copied(data), dict(lines)


def _copied(value: Any) -> Any:
    """A copy of what YAML gave, deep for mappings and lists (the only mutable values it
    makes; dates and texts are immutable): several times faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, set):
        return set(value)
    return value


def read_mapping(text: str, first_line: int = 1) -> tuple[Any, dict[str, int]]:
    """Parse front matter text into (data, key lines).

    ``first_line`` is the number of the line ``text`` starts on; every line number given out,
    in key lines, in ``FrontMatterError.line`` and inside its message, counts from there.
    The key lines map each top-level key, and ``key.sub`` for the keys of a nested mapping, to
    its line. Raises ``FrontMatterError``."""
    hide = _HIDDEN.search(text) is not None and _PLACEHOLDERS.search(text) is None
    if hide:
        text = text.translate(_HIDE)
    loader = _HiddenBreaksLoader(text) if hide else NoteLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if _needs_shape_check(text):
            _check_shape(node)
        data = loader.construct_document(node)
        lines: dict[str, int] = {}

        def name(key_node: ScalarNode) -> str:
            return str(key_node.value).translate(_RESTORE) if hide else str(key_node.value)

        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    key = name(key_node)
                    lines.setdefault(key, key_node.start_mark.line + first_line)
                    if isinstance(value_node, MappingNode):
                        for sub_key, _ in value_node.value:
                            if isinstance(sub_key, ScalarNode):
                                lines.setdefault(
                                    f"{key}.{name(sub_key)}", sub_key.start_mark.line + first_line
                                )
        return data, lines
    except DuplicateKeyError as exc:
        first = exc.first_mark.line + first_line
        assert exc.problem_mark is not None
        second = exc.problem_mark.line + first_line
        problem = f"{exc.problem} on lines {first} and {second}"
        raise FrontMatterError(second, problem) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else first_line
        context_line = exc.context_mark.line + first_line if exc.context_mark is not None else line
        raise FrontMatterError(line, _describe(exc, context_line)) from None
    except yaml.reader.ReaderError as exc:
        # libyaml reads the UTF-8 encoding of ``text``: its position is a byte offset.
        if _LIBYAML:
            line = text.encode()[: exc.position].count(b"\n") + first_line
        else:
            line = text[: exc.position].count("\n") + first_line
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise FrontMatterError(
            line, f"invalid YAML: the unprintable character U+{code:04X} is not allowed"
        ) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise FrontMatterError(first_line, f"invalid YAML: {message}") from None
    finally:
        loader.dispose()


MAX_DEPTH = 100  # levels of nested lists and mappings
MAX_ALIAS_EXPANSION = 100_000  # values that aliases may add when expanded


def _check_shape(root: Node) -> None:
    """Refuse what would make reading the data explode: an alias inside its own anchor (a value
    that contains itself), nesting deeper than ``MAX_DEPTH``, and aliases that expand to more
    than ``MAX_ALIAS_EXPANSION`` extra values (a "billion laughs")."""
    size: dict[int, int] = {}  # expanded node count of each finished node
    depth: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if key in size:
            continue
        children = _children(node)
        if finished:
            active.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if depth[key] > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_DEPTH} levels deep",
                    problem_mark=node.start_mark,
                )
            continue
        active.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in active:
                raise yaml.MarkedYAMLError(
                    problem="an alias refers to the anchor it is inside (a value that "
                    "contains itself)",
                    problem_mark=child.start_mark,
                )
            if id(child) not in size:
                stack.append((child, False))
    if size[id(root)] - len(size) > MAX_ALIAS_EXPANSION:
        raise yaml.MarkedYAMLError(
            problem=f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} extra values",
            problem_mark=root.start_mark,
        )


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _describe(exc: yaml.MarkedYAMLError, context_line: int) -> str:
    if isinstance(exc, ConstructorError) and exc.problem and exc.problem.startswith("impossible"):
        return exc.problem
    text = f"invalid YAML: {exc.problem or exc.context or 'cannot parse'}"
    if exc.context and exc.problem and exc.context_mark is not None:
        context = exc.context.removeprefix("while ")
        text += f" ({context} from line {context_line})"
    return text
