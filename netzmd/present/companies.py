"""``netzmd companies`` and ``netzmd company`` as text and Markdown, from their JSON (the
shapes of ``reports.companies``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from netzmd.present.text import clip, days_word, relative, table

GATE_ORDER = ("open", "warm", "cold", "alumni", "none")
GATE_TITLES = {
    "open": "Open: someone there vouches for you or made an offer, and is in touch",
    "warm": "Warm: someone there is in touch",
    "cold": "Cold: nobody there is in touch",
    "alumni": "Alumni: nobody there now, but people who were",
    "none": "None: nobody you know is or was there",
}


def coverage_line(covered: int, total: int) -> str:
    """``7 of 12 targets have an open or warm gate``."""
    if total == 0:
        return 'no targets yet: add targets = ["…"] to netzmd.toml'
    verb = "has" if covered == 1 else "have"
    return f"{covered} of {total} target{'s' if total != 1 else ''} {verb} an open or warm gate"


def _names(people: list[dict[str, Any]], key: str) -> str:
    return ", ".join(p["name"] for p in people if p[key])


def companies_text(rows: list[dict[str, Any]]) -> str:
    """One line per company: name, gate, people there now, alumni, who vouches, who made an
    offer, last contact with anyone there."""
    lines = [
        [
            r["company"] + (" *" if r["target"] else ""),
            r["gate"],
            str(len(r["people"])),
            str(len(r["alumni"])),
            _names(r["people"], "vouches"),
            _names(r["people"], "offer"),
            r["last_contact"] or "",
        ]
        for r in rows
    ]
    if not lines:
        return ""
    return table(
        ["COMPANY", "GATE", "NOW", "ALUMNI", "VOUCHES", "OFFERS", "LAST CONTACT"],
        lines,
        limits=[36, 0, 0, 0, 32, 24],
    )


def _wikilink(ident: str, name: str) -> str:
    return f"[[{ident}]]" if ident == name else f"[[{ident}|{name}]]"


def _note_link(company: str, notes: Mapping[str, str]) -> str:
    """The company as a link to its note when there is one, else in bold."""
    path = notes.get(company)
    if path is None:
        return f"**{company}**"
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return f"**{_wikilink(stem, company)}**"


def companies_md(
    rows: list[dict[str, Any]],
    today: date,
    notes: Mapping[str, str],
    coverage: tuple[int, int] | None = None,
) -> str:
    """The companies as a note for the vault: a section per gate, one item per company, every
    person and company note a ``[[link]]``."""
    title = "Target companies" if coverage is not None else "Companies"
    out = [f"# {title} {today.isoformat()}", ""]
    if coverage is not None:
        out += [coverage_line(*coverage) + ".", ""]
    if not rows:
        out += ["No companies yet: add `company:` to your contacts.", ""]
    for gate in GATE_ORDER:
        chosen = [r for r in rows if r["gate"] == gate]
        if not chosen:
            continue
        out += [f"## {GATE_TITLES[gate]}", ""]
        for r in chosen:
            parts = []
            people = []
            for p in r["people"]:
                said = [w for w, yes in (("vouches", p["vouches"]), ("offer", p["offer"])) if yes]
                if p["overdue"]:
                    said.append(
                        days_word((date.fromisoformat(p["due"]) - today).days, overdue=True)
                    )
                people.append(
                    _wikilink(p["id"], p["name"]) + (f" ({', '.join(said)})" if said else "")
                )
            if people:
                parts.append("there now: " + ", ".join(people))
            alumni = [
                _wikilink(a["id"], a["name"]) + (f" (now at {a['now_at']})" if a["now_at"] else "")
                for a in r["alumni"]
            ]
            if alumni:
                parts.append("before: " + ", ".join(alumni))
            if r["last_contact"]:
                parts.append(f"last contact {r['last_contact']}")
            target = " (target)" if r["target"] else ""
            head = _note_link(r["company"], notes) + target
            out.append(f"- {head}" + (": " + "; ".join(parts) if parts else ""))
        out.append("")
    return "\n".join(out)


def company_text(data: dict[str, Any]) -> str:
    """One company in depth (``reports.companies.company``)."""
    today = date.fromisoformat(data["today"])
    head = f"{data['company']}  gate: {data['gate']}" + ("  (a target)" if data["target"] else "")
    out = [head]
    others = [n for n in data["names"] if n != data["company"]]
    if others:
        out.append("also written: " + ", ".join(others))
    if data["note"]:
        out.append(f"note: {data['note']}")
    out.append("")
    people = data["people"]
    out.append(f"People there now ({len(people)})")
    if not people:
        out.append("  nobody")
    for p in people:
        out.append("  " + p["name"] + (f", {p['role']}" if p["role"] else ""))
        marks = [
            text
            for text, yes in (
                ("vouches for you", p["vouches"]),
                ("former colleague", p["former_colleague"]),
            )
            if yes
        ]
        if marks:
            out.append("      " + "; ".join(marks))
        if p["offer"]:
            when = f" ({p['offer_date']})" if p["offer_date"] else ""
            out.append(f"      offer{when}: {clip(p['offer'], 90)}")
        last = p["last_contact"]
        seen = (
            f"last contact {last} ({relative(date.fromisoformat(last), today)})"
            if last
            else "never contacted"
        )
        due = p["due"]
        if due:
            seen += f", next due {due} ({relative(date.fromisoformat(due), today, overdue=True)})"
        out.append(f"      {seen}")
    alumni = data["alumni"]
    if alumni:
        out += ["", f"Worked there before ({len(alumni)})"]
        for a in alumni:
            where = f"now at {a['now_at']}" if a["now_at"] else "where now: unknown"
            source = " (by git history)" if a["source"] == "git" else ""
            mark = ", former colleague" if a["former_colleague"] else ""
            out.append(f"  {a['name']}  {where}{source}{mark}")
    colleagues = data["former_colleagues"]
    if colleagues:
        out += [
            "",
            "Former colleagues of mine among them: "
            + ", ".join(c["name"] + (" (there now)" if c["there_now"] else "") for c in colleagues),
        ]
    helpers = data["introducers"]
    if helpers:
        out += ["", f"Who could introduce you ({len(helpers)})"]
        for h in helpers:
            vias = []
            for v in h["via"]:
                if v["how"] == "introduced":
                    vias.append(f"introduced you to {v['name']}")
                else:
                    vias.append(f"logged {v['date']} with {v['name']}")
            touch = "" if h["in_touch"] else " (not in touch)"
            out.append(f"  {h['name']}{touch}: " + "; ".join(vias))
    step = data["next_step"]
    if step:
        out += ["", f"Next step: {step['text']}"]
    return "\n".join(out) + "\n"
