"""``netzmd.toml``: the vault's settings, read with the standard library's tomllib."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netzmd.errors import ConfigError
from netzmd.model.agenda import Occasion
from netzmd.model.contact import CIRCLES, Problem
from netzmd.model.dates import NO_CADENCE, cadence_problem
from netzmd.model.feasts import FIXED, FeastDate

CONFIG_NAME = "netzmd.toml"


# --- the one settings spec ------------------------------------------------------------------------
# Every setting is declared here once. The spec gives the defaults (``Config``), the commented
# netzmd.toml that ``netzmd init`` writes (``commented_toml``) and the settings reference
# (docs/settings.md, generated with cog from ``settings_reference``). Plain settings come before
# the tables, as TOML needs them to.


@dataclass(frozen=True, slots=True)
class Setting:
    """One top-level setting: its key, default, TOML type name and what it does."""

    key: str
    default: bool | int | str | tuple[str, ...]
    kind: str  # "true or false", "a whole number of days", "a text", "a list of texts"
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "auto_commit",
        True,
        "true or false",
        "Commit each change that netzmd writes (add, log, done, set, …) to git.",
    ),
    Setting(
        "auto_commit_watch",
        False,
        "true or false",
        "`netzmd watch` commits edits after a quiet period (same as watch --commit).",
    ),
    Setting(
        "agenda_note",
        "Agenda.md",
        "a text",
        "The agenda note that `netzmd watch` keeps up to date, relative to the vault.",
    ),
    Setting(
        "news_days",
        30,
        "a whole number of days",
        "How many days a job change stays in the agenda's News.",
    ),
    Setting(
        "agenda_limit",
        20,
        "a whole number",
        "The text and Markdown agenda show at most this many people to keep in touch with, "
        "the most overdue first, and say how many more there are; 0 for no limit. "
        "`--format json` always lists them all.",
    ),
    Setting(
        "ics_output",
        "",
        "a text",
        "A calendar file (relative to the vault) that `netzmd watch` keeps current with "
        "birthdays, dates, follow-ups and whom to get in touch with, as `netzmd export ics` "
        'writes it; "" for none.',
    ),
    Setting(
        "region",
        "DE",
        "a text",
        "The country (two letters, ISO 3166) whose phone numbers are written without a "
        "country code: `0171 2345678` is read as +49 171 2345678 with DE, when imports match "
        "people and `netzmd duplicates` compares them.",
    ),
    Setting(
        "targets",
        (),
        "a list of texts",
        "The companies you would like a way into, e.g. "
        '["Globex", "Initech"]: `netzmd companies --targets` shows the gate you have into '
        "each, and how many of them are open or warm.",
    ),
    Setting(
        "lang",
        "en",
        "a text",
        "The language of greeting drafts (`netzmd greet`) for a contact without `lang:` in "
        "the note, unless --lang says otherwise: de or en, or any language the vault's "
        "templates/greetings/ has templates for.",
    ),
)

# How often to be in touch with someone of a circle who has no ``cadence:`` of their own, unless
# ``[cadence]`` says otherwise; "none" (there or in a note) means no cadence.
DEFAULT_CADENCE = {"competence": "3m", "career": "1y", "publication": "6m"}
CADENCE_DOC = (
    "Default cadence per circle: how often to be in touch with someone who has no "
    "`cadence:` of their own. 30d, 6w, 3m, 1y, or weekly, monthly, quarterly, yearly; "
    '"none" for no cadence. A circle not named here keeps its default.'
)

DEFAULT_OCCASIONS = (Occasion("Christmas", 12, 24, 21, ("competence",), ()),)
OCCASIONS_DOC = (
    "Greeting occasions. Without any [[occasions]], Christmas is the one below. A contact is "
    "greeted when in any of `circles` or with any of `tags`; with neither given, every contact "
    "in the competence circle."
)
OCCASION_FIELDS = (
    ("name", "a text", "what the greeting is for"),
    (
        "date",
        '"MM-DD", "easter", "easter+N", "advent1", or a list of dates',
        'the day of the year: "12-24"; Easter Sunday and days from it ("easter-2" Good Friday, '
        '"easter+49" Pentecost); a Sunday of Advent ("advent1" … "advent4"); or one date per '
        'year for feasts of other calendars: ["2026-11-08", "2027-10-29"] (Diwali)',
    ),
    ("lead_days", "0-366", "how many days ahead the agenda shows it (default 21)"),
    ("circles", "a list of circles", "greet the contacts in these circles"),
    ("tags", "a list of tags", "greet the contacts with these tags"),
)

ME_DOC = (
    "You, for the competence network: your employers, past and present (a contact who worked "
    "at one of them is a former colleague), and the city you live in."
)
ME_FIELDS = (
    ("companies", "a list of texts", "your employers, past and present"),
    ("city", "a text", "the city you live in"),
    ("emails", "a list of texts", "your own addresses (a calendar import does not list them)"),
)
COMPANIES_DOC = (
    "More names for one company, beyond what netzmd groups by itself (case, accents, "
    "punctuation, & and 'und', legal forms such as GmbH, AG, Inc., Ltd., S.A., B.V.): each "
    'line is "Name" = ["other name", ...], and the companies commands show them as Name.'
)
COMPANIES_EXAMPLE = '"Alphabet" = ["Google", "Google Germany GmbH"]'

_DEFAULTS: dict[str, Any] = {s.key: s.default for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class Config:
    cadence: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    occasions: tuple[Occasion, ...] = DEFAULT_OCCASIONS
    auto_commit: bool = _DEFAULTS["auto_commit"]
    auto_commit_watch: bool = _DEFAULTS["auto_commit_watch"]
    agenda_note: str = _DEFAULTS["agenda_note"]
    news_days: int = _DEFAULTS["news_days"]
    agenda_limit: int = _DEFAULTS["agenda_limit"]
    ics_output: str = _DEFAULTS["ics_output"]
    region: str = _DEFAULTS["region"]
    targets: tuple[str, ...] = _DEFAULTS["targets"]
    lang: str = _DEFAULTS["lang"]
    me_companies: tuple[str, ...] = ()  # [me] companies
    me_city: str = ""  # [me] city
    me_emails: tuple[str, ...] = ()  # [me] emails
    # [companies]: a name and the other names of the same company
    companies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()


_TABLES = ("cadence", "occasions", "me", "companies")
_TOP_KEYS = {*_TABLES, *_DEFAULTS}
_OCCASION_KEYS = {name for name, _, _ in OCCASION_FIELDS}


def _toml(value: Any) -> str:
    """A value as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _comment(text: str, width: int = 78) -> list[str]:
    import textwrap

    return textwrap.wrap(
        text, width, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False
    )


def commented_toml() -> str:
    """The netzmd.toml that ``netzmd init`` writes: every setting commented out at its
    default, the plain settings first."""
    lines = [
        "# netzmd settings. Every line below is commented out and shows the default:",
        "# remove the '#' to change a setting. Keep the plain settings at the top: TOML",
        "# reads every line below a [table] header as part of that table.",
    ]
    for s in SETTINGS:
        lines += ["", *_comment(s.doc), f"# {s.key} = {_toml(s.default)}"]
    lines += ["", *_comment(CADENCE_DOC), "# [cadence]"]
    lines += [f"# {circle} = {_toml(text)}" for circle, text in DEFAULT_CADENCE.items()]
    lines += ["", *_comment(OCCASIONS_DOC)]
    for o in DEFAULT_OCCASIONS:
        lines += [
            "# [[occasions]]",
            f"# name = {_toml(o.name)}",
            f'# date = "{o.date_text()}"',
            f"# lead_days = {o.lead_days}",
            f"# circles = {_toml(list(o.circles))}",
            f"# tags = {_toml(list(o.tags))}",
        ]
    lines += ["", *_comment(ME_DOC), "# [me]"]
    lines += [f"# {key} = {_toml([] if 'list' in kind else '')}" for key, kind, _ in ME_FIELDS]
    lines += ["", *_comment(COMPANIES_DOC), "# [companies]", f"# {COMPANIES_EXAMPLE}"]
    return "\n".join(lines) + "\n"


def settings_reference() -> str:
    """The settings reference in Markdown (docs/settings.md), from the spec."""
    out = [
        "| setting | value | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for s in SETTINGS:
        out.append(f"| `{s.key}` | {s.kind} | `{_toml(s.default)}` | {s.doc} |")
    out += ["", "### `[cadence]`", "", CADENCE_DOC, "", "| circle | default |", "| --- | --- |"]
    out += [f"| `{circle}` | `{_toml(text)}` |" for circle, text in DEFAULT_CADENCE.items()]
    out += ["", "### `[[occasions]]`", "", OCCASIONS_DOC, "", "| key | value | meaning |"]
    out += ["| --- | --- | --- |"]
    out += [f"| `{key}` | {kind} | {doc} |" for key, kind, doc in OCCASION_FIELDS]
    out += ["", "### `[me]`", "", ME_DOC, "", "| key | value | meaning |", "| --- | --- | --- |"]
    out += [f"| `{key}` | {kind} | {doc} |" for key, kind, doc in ME_FIELDS]
    out += ["", "### `[companies]`", "", COMPANIES_DOC, "", "```toml", "[companies]"]
    out += [COMPANIES_EXAMPLE, "```"]
    out += ["", "The whole file with every default, as `netzmd init` writes it:", "", "```toml"]
    out += [commented_toml().rstrip("\n"), "```"]
    return "\n".join(out) + "\n"


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
        raise ConfigError("not valid UTF-8", path=CONFIG_NAME, line=1) from None
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
        raise ConfigError(message, path=CONFIG_NAME, line=line) from None
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
        return ConfigError(message, path=CONFIG_NAME, line=self.line_of(key))

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
        me = self.me(data.get("me", {}))
        occasions = self.occasions(data["occasions"]) if "occasions" in data else DEFAULT_OCCASIONS
        return Config(
            cadence=cadence,
            occasions=occasions,
            auto_commit=self.boolean(data, "auto_commit", _DEFAULTS["auto_commit"]),
            auto_commit_watch=self.boolean(
                data, "auto_commit_watch", _DEFAULTS["auto_commit_watch"]
            ),
            agenda_note=self.string(data, "agenda_note", _DEFAULTS["agenda_note"]),
            news_days=self.integer(data, "news_days", _DEFAULTS["news_days"]),
            agenda_limit=self.integer(
                data, "agenda_limit", _DEFAULTS["agenda_limit"], "a whole number, 0 for no limit"
            ),
            ics_output=self.optional_string(data, "ics_output"),
            region=self.region(data),
            targets=tuple(self.texts(data, "targets", "targets", '["Globex", "Initech"]')),
            lang=self.language(data),
            me_companies=tuple(
                self.texts(me, "companies", "[me] companies", '["Kranich"]', self.line_of("me") - 1)
            ),
            me_city=self.optional_string(me, "city", "[me] city", "Berlin"),
            me_emails=tuple(
                self.texts(
                    me, "emails", "[me] emails", '["me@example.org"]', self.line_of("me") - 1
                )
            ),
            companies=self.company_names(data.get("companies", {})),
            warnings=tuple(self.warnings),
        )

    def misplaced(self, data: dict[str, Any]) -> None:
        """A setting written below a table's header belongs to that table in TOML: a top-level
        key after ``[cadence]`` or after an ``[[occasions]]`` silently stops being a setting.
        Say where it went and where it belongs."""
        tables: list[tuple[str, str, Any]] = []
        if isinstance(data.get("cadence"), dict):
            tables.append(("[cadence]", "cadence", data["cadence"]))
        for name in ("me", "companies"):
            if isinstance(data.get(name), dict):
                tables.append((f"[{name}]", name, data[name]))
        if isinstance(data.get("occasions"), list):
            for item in data["occasions"]:
                if isinstance(item, dict):
                    tables.append((f"[[occasions]] '{item.get('name', '?')}'", "occasions", item))
        for header, table_key, table in tables:
            for key in [k for k in table if k in _TOP_KEYS - set(_TABLES)]:
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
        headers = [
            n for n, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*occasions", line)
        ]
        for number, item in enumerate(items):
            start = headers[number] if number < len(headers) else 0  # this table's header line
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
            when = FeastDate.parse(item.get("date"))
            if isinstance(when, str):
                line = self.line_of("date", start) if "date" in item else start + 1
                raise ConfigError(f"occasion '{name}': {when}", path=CONFIG_NAME, line=line)
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
            fixed = when.kind == FIXED
            out.append(
                Occasion(
                    name.strip(),
                    when.month,
                    when.day,
                    lead,
                    tuple(circles),
                    tuple(tags),
                    None if fixed else when,
                )
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

    def optional_string(
        self, data: dict[str, Any], key: str, where: str = "", example: str = "network.ics"
    ) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise self.fail(key, f'{where or key} must be a text, e.g. "{example}", or "" for none')
        return value.strip()

    def texts(
        self, data: dict[str, Any], key: str, where: str, example: str, start: int = 0
    ) -> list[str]:
        """A list of texts (blank ones left out), or an error naming the line (the first ``key``
        from line ``start`` + 1 on)."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                f"{where} must be a list of texts, e.g. {key} = {example}",
                path=CONFIG_NAME,
                line=self.line_of(key, start),
            )
        return [v.strip() for v in value if v.strip()]

    def me(self, table: Any) -> dict[str, Any]:
        if not isinstance(table, dict):
            raise self.fail("me", '[me] must be a table: [me] and below it companies = ["…"]')
        known = {key for key, _, _ in ME_FIELDS}
        for key in table:
            if key not in known:
                self.warnings.append(
                    Problem(
                        CONFIG_NAME,
                        self.line_of(key, self.line_of("me") - 1),
                        "warning",
                        f"[me]: unknown key '{key}' is ignored (known: {', '.join(sorted(known))})",
                    )
                )
        return table

    def company_names(self, table: Any) -> dict[str, tuple[str, ...]]:
        """``[companies]``: a name and its other names, each a list of texts."""
        if not isinstance(table, dict):
            raise self.fail(
                "companies", f"[companies] must be a table of lines like {COMPANIES_EXAMPLE}"
            )
        start = self.line_of("companies") - 1
        out: dict[str, tuple[str, ...]] = {}
        for name, others in table.items():
            if isinstance(others, str):
                others = [others]
            if not isinstance(others, list) or not all(isinstance(o, str) for o in others):
                raise ConfigError(
                    f"[companies] {name!r} must be a list of other names, e.g. {COMPANIES_EXAMPLE}",
                    path=CONFIG_NAME,
                    line=self.line_of(name, start),
                )
            if not name.strip():
                raise ConfigError(
                    "[companies] has an empty company name",
                    path=CONFIG_NAME,
                    line=self.line_of(name, start),
                )
            out[name.strip()] = tuple(o.strip() for o in others if o.strip())
        return out

    def language(self, data: dict[str, Any]) -> str:
        value = data.get("lang", _DEFAULTS["lang"])
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2,3}", value.strip()):
            raise self.fail("lang", 'lang must be a language\'s two letters, e.g. "de" or "en"')
        return value.strip().lower()

    def region(self, data: dict[str, Any]) -> str:
        value = data.get("region", _DEFAULTS["region"])
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
            raise self.fail(
                "region", 'region must be a country\'s two letters (ISO 3166), e.g. "DE" or "US"'
            )
        return value.strip().upper()

    def integer(
        self, data: dict[str, Any], key: str, default: int, kind: str = "a whole number of days"
    ) -> int:
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(key, f"{key} must be {kind}")
        return value
