"""``netzmd.toml``: the vault's settings, read with the standard library's tomllib."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netzmd.dates import NO_CADENCE, PartialDate, cadence_problem
from netzmd.errors import ConfigError
from netzmd.model import CIRCLES, Problem

CONFIG_NAME = "netzmd.toml"


@dataclass(frozen=True, slots=True)
class Occasion:
    """A yearly greeting occasion, such as Christmas, and whom to greet."""

    name: str
    month: int
    day: int
    lead_days: int = 21
    circles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


DEFAULT_OCCASIONS = (Occasion("Christmas", 12, 24, 21, ("competence",), ()),)


# How often to be in touch with someone of a circle who has no ``cadence:`` of their own, unless
# ``[cadence]`` says otherwise; "none" (there or in a note) means no cadence.
DEFAULT_CADENCE = {"competence": "3m", "career": "1y", "publication": "6m"}


@dataclass(frozen=True, slots=True)
class Config:
    cadence: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    occasions: tuple[Occasion, ...] = DEFAULT_OCCASIONS
    auto_commit: bool = True
    auto_commit_watch: bool = False
    agenda_note: str = "Agenda.md"
    news_days: int = 30
    warnings: tuple[Problem, ...] = ()


_TOP_KEYS = {
    "cadence",
    "occasions",
    "auto_commit",
    "auto_commit_watch",
    "agenda_note",
    "news_days",
}
_OCCASION_KEYS = {"name", "date", "lead_days", "circles", "tags"}


def load_config(vault: Path) -> Config:
    """Read ``netzmd.toml`` in the vault; the defaults when there is none."""
    path = vault / CONFIG_NAME
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"{CONFIG_NAME}: cannot read it: {exc.strerror}") from None
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{CONFIG_NAME}:1: error: not valid UTF-8") from None
    return parse_config(text)


def parse_config(text: str) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(m[1]) if m else 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        message = re.sub(r"\s*\(at end of document\)", " (at the end of the file)", message)
        raise ConfigError(f"{CONFIG_NAME}:{line}: error: {message}") from None
    return _Reader(text).read(data)


class _Reader:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.warnings: list[Problem] = []

    def line_of(self, key: str, start: int = 0) -> int:
        pattern = re.compile(rf"^\s*(?:\[+\s*)?\"?{re.escape(key)}\"?\s*(?:=|\]|$)")
        for number, line in enumerate(self.lines[start:], start + 1):
            if pattern.match(line):
                return number
        return 1

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{CONFIG_NAME}:{self.line_of(key)}: error: {message}")

    def read(self, data: dict[str, Any]) -> Config:
        self.misplaced(data)
        for key in data:
            if key not in _TOP_KEYS:
                self.warnings.append(
                    Problem(
                        CONFIG_NAME,
                        self.line_of(key),
                        "warning",
                        f"unknown setting '{key}' is ignored",
                    )
                )
        cadence = self.cadences(data.get("cadence", {}))
        occasions = self.occasions(data["occasions"]) if "occasions" in data else DEFAULT_OCCASIONS
        return Config(
            cadence=cadence,
            occasions=occasions,
            auto_commit=self.boolean(data, "auto_commit", True),
            auto_commit_watch=self.boolean(data, "auto_commit_watch", False),
            agenda_note=self.string(data, "agenda_note", "Agenda.md"),
            news_days=self.integer(data, "news_days", 30),
            warnings=tuple(self.warnings),
        )

    def misplaced(self, data: dict[str, Any]) -> None:
        """A setting written below a table's header belongs to that table in TOML: a top-level
        key after ``[cadence]`` or after an ``[[occasions]]`` silently stops being a setting.
        Say where it went and where it belongs."""
        tables: list[tuple[str, str, Any]] = []
        if isinstance(data.get("cadence"), dict):
            tables.append(("[cadence]", "cadence", data["cadence"]))
        if isinstance(data.get("occasions"), list):
            for item in data["occasions"]:
                if isinstance(item, dict):
                    tables.append((f"[[occasions]] '{item.get('name', '?')}'", "occasions", item))
        for header, table_key, table in tables:
            for key in [k for k in table if k in _TOP_KEYS - {"cadence", "occasions"}]:
                value = table.pop(key)
                first = self.line_of(table_key)
                self.warnings.append(
                    Problem(
                        CONFIG_NAME,
                        self.line_of(key, first),
                        "warning",
                        f"'{key} = {_toml(value)}' is inside {header}, so it is not a setting "
                        f"and is ignored: move it above line {first}, before the first table",
                    )
                )

    def cadences(self, table: Any) -> dict[str, str]:
        if not isinstance(table, dict):
            raise self.fail("cadence", '[cadence] must be a table of circle = "3m" lines')
        out: dict[str, str] = dict(DEFAULT_CADENCE)
        for circle, text in table.items():
            if circle not in CIRCLES:
                raise self.fail(
                    circle, f"[cadence] has unknown circle '{circle}': use {', '.join(CIRCLES)}"
                )
            problem = (
                cadence_problem(text)
                if isinstance(text, str)
                else 'is not a cadence: write it in quotes, e.g. "3m"'
            )
            if problem is not None:
                raise self.fail(circle, f"[cadence] {circle} = {text!r} {problem}")
            out[circle] = NO_CADENCE if text.strip().lower() == NO_CADENCE else text
        return out

    def occasions(self, items: Any) -> tuple[Occasion, ...]:
        if not isinstance(items, list):
            raise self.fail("occasions", "occasions must be written as [[occasions]] tables")
        out = []
        for item in items:
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                raise self.fail("occasions", 'every [[occasions]] needs a name = "…"')
            for key in item:
                if key not in _OCCASION_KEYS:
                    self.warnings.append(
                        Problem(
                            CONFIG_NAME,
                            self.line_of(key),
                            "warning",
                            f"occasion '{name}': unknown key '{key}' is ignored",
                        )
                    )
            when = PartialDate.parse(item.get("date"))
            if when is None or when.year is not None:
                raise self.fail(
                    "date", f'occasion \'{name}\': date must be "MM-DD", e.g. date = "12-24"'
                )
            lead = item.get("lead_days", 21)
            if not isinstance(lead, int) or isinstance(lead, bool) or not 0 <= lead <= 366:
                raise self.fail(
                    "lead_days", f"occasion '{name}': lead_days must be a number of days, 0-366"
                )
            circles = self.string_list(item, "circles", f"occasion '{name}'")
            for circle in circles:
                if circle not in CIRCLES:
                    raise self.fail("circles", f"occasion '{name}': unknown circle '{circle}'")
            tags = self.string_list(item, "tags", f"occasion '{name}'")
            out.append(
                Occasion(name.strip(), when.month, when.day, lead, tuple(circles), tuple(tags))
            )
        return tuple(out)

    def string_list(self, item: dict[str, Any], key: str, where: str) -> list[str]:
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f'{where}: {key} must be a list of texts, e.g. ["a", "b"]')
        return [v.lstrip("#") for v in value]

    def boolean(self, data: dict[str, Any], key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"{key} must be true or false")
        return value

    def string(self, data: dict[str, Any], key: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f'{key} must be a text, e.g. "{default}"')
        return value

    def integer(self, data: dict[str, Any], key: str, default: int) -> int:
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(key, f"{key} must be a whole number of days")
        return value


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
