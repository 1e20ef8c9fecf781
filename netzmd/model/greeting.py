"""How a greeting addresses one person: language, du or Sie, the opening line, the first name,
and how long we have known each other. Pure; ``reports.greetings`` applies these to a note.

Never a guessed gender: without a ``salutation:`` in the note, the opening line is neutral,
"Hallo Anna," (du) or "Guten Tag Helga Brandstätter," (Sie) in German, "Hi Anna," (du) or
"Dear Anna," in English and any other language.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from netzmd.model.dates import parse_iso

DEFAULT_LANG = "en"
DU, SIE = "du", "Sie"

_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")
_TITLE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[.-])*\.$")  # Dr., Prof., Dipl.-Ing. end in a dot


def language(value: Any) -> str | None:
    """A note's ``lang:`` as a language code (``de``, ``en``; ``de-AT`` → ``de``), or None
    when it is missing or not one."""
    if not isinstance(value, str):
        return None
    m = _LANG.match(value.strip())
    return m[1].lower() if m else None


def pick_language(note_lang: Any, option: str | None, setting: str | None) -> str:
    """The note's ``lang:``, else ``--lang``, else ``lang`` in netzmd.toml, else English."""
    return language(note_lang) or language(option) or language(setting) or DEFAULT_LANG


def address(value: Any) -> str:
    """``address:`` as ``du`` or ``Sie`` (case ignored; also ``informal``/``formal``); ``Sie``
    when missing or anything else."""
    if isinstance(value, str) and value.strip().lower() in ("du", "informal", "you-informal"):
        return DU
    return SIE


def first_name(name: str, given: Any = None) -> str:
    """``first_name:`` from the note when there is one; else the first word of the name that
    is not a title (``Dr. Helga Brandstätter`` → ``Helga``); ``Weiß, Jürgen`` → ``Jürgen``."""
    if isinstance(given, str) and given.strip():
        return given.strip()
    text = name.strip()
    if "," in text:
        after = text.split(",", 1)[1].strip()
        text = after or text
    words = text.split()
    for word in words:
        if not _TITLE.match(word):
            return word
    return words[0] if words else name


def salutation(lang: str, form: str, first: str, name: str, written: Any = None) -> str:
    """The opening line with its comma: the note's ``salutation:`` as written (a comma added
    unless it ends in a punctuation mark), else the neutral one for ``lang`` and ``form``."""
    if isinstance(written, str) and written.strip():
        text = " ".join(written.split())
        return text if text[-1] in ",!:;." else text + ","
    if lang == "de":
        return f"Hallo {first}," if form == DU else f"Guten Tag {name},"
    return f"Hi {first}," if form == DU else f"Dear {first},"


def known_since(met: Any, first_interaction: date | None) -> tuple[int, int, int] | None:
    """Since when we know each other, as (year, month, day) (month and day 0 when only the year
    is known): from ``met`` (a date, or a text naming a year such as "NDC Oslo 2024"), else the
    first logged interaction."""
    if isinstance(met, date):
        return (met.year, met.month, met.day)
    if isinstance(met, str):
        day = parse_iso(met.strip()[:10])
        if day is not None:
            return (day.year, day.month, day.day)
        m = _YEAR.search(met)
        if m is not None:
            return (int(m[1]), 0, 0)
    if first_interaction is not None:
        d = first_interaction
        return (d.year, d.month, d.day)
    return None


def years_known(since: tuple[int, int, int] | None, at: date) -> int | None:
    """Completed years from ``since`` to ``at`` (an unknown month and day count as 1 January);
    None when unknown or in the future."""
    if since is None:
        return None
    year, month, day = since
    years = at.year - year - (1 if (at.month, at.day) < (month or 1, day or 1) else 0)
    return years if years >= 0 else None
