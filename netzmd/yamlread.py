"""Reading front matter so that values mean what the person typed.

PyYAML follows YAML 1.1: ``0170123`` becomes a number, ``NO`` becomes false and ``12:30`` becomes
750. Here only ``true``/``false`` are booleans, ``null``/``~``/empty are null, ``YYYY-MM-DD`` is a
date; every other plain scalar is the text as written. The loader also refuses duplicate keys
(naming both lines) and impossible dates, with the position of the offending value.

It is a python-frontmatter handler (``NoteYAMLHandler``) built on libyaml's C parser.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(ConstructorError):
    def __init__(self, key: str, first: yaml.Mark, second: yaml.Mark) -> None:
        super().__init__(
            None,
            None,
            f"duplicate key '{key}' on lines {{first}} and {{second}}",
            second,
        )
        self.key = key
        self.first_mark = first


class NoteLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader with a small, literal-minded set of implicit types."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = key_node.value
                if key in seen:
                    raise DuplicateKeyError(key, seen[key], key_node.start_mark)
                seen[key] = key_node.start_mark
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


def _bool(loader: Any, node: ScalarNode) -> bool:
    return str(node.value).lower() == "true"


NoteLoader.add_constructor("tag:yaml.org,2002:bool", _bool)


class FrontMatterError(Exception):
    """A YAML problem at a line counted from the start of the front matter text (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_mapping(text: str) -> tuple[Any, dict[str, int]]:
    """Parse front matter text into (data, key lines).

    The key lines map each top-level key, and ``key.sub`` for the keys of a nested mapping, to
    its line (1-based, relative to ``text``). Raises ``FrontMatterError``."""
    loader = NoteLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
        lines: dict[str, int] = {}
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    key = str(key_node.value)
                    lines.setdefault(key, key_node.start_mark.line + 1)
                    if isinstance(value_node, MappingNode):
                        for sub_key, _ in value_node.value:
                            if isinstance(sub_key, ScalarNode):
                                lines.setdefault(
                                    f"{key}.{sub_key.value}", sub_key.start_mark.line + 1
                                )
        return data, lines
    except DuplicateKeyError as exc:
        first = exc.first_mark.line + 1
        assert exc.problem_mark is not None
        second = exc.problem_mark.line + 1
        problem = (exc.problem or "").format(first=first, second=second)
        raise FrontMatterError(second, problem) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        context_line = exc.context_mark.line + 1 if exc.context_mark is not None else line
        raise FrontMatterError(line, _describe(exc).format(context_line=context_line)) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def _describe(exc: yaml.MarkedYAMLError) -> str:
    if isinstance(exc, ConstructorError) and exc.problem and exc.problem.startswith("impossible"):
        return exc.problem
    text = f"invalid YAML: {exc.problem or exc.context or 'cannot parse'}"
    if exc.context and exc.problem and exc.context_mark is not None:
        context = exc.context.removeprefix("while ")
        text += f" ({context} from line {{context_line}})"
    return text


class NoteYAMLHandler(YAMLHandler):
    """python-frontmatter handler that reads with ``NoteLoader``."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_mapping(fm)[0]
