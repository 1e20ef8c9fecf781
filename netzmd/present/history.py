"""Git history as text: ``history``, the ``changes`` digest (terminal or Markdown note), and
``show --as-of``."""

from __future__ import annotations

from datetime import date
from typing import Any

from netzmd.git.history import UNSHALLOW


def render_as_of(data: dict[str, Any], *, limit: int = 10) -> str:
    """``show --as-of`` as text: which commit, then the contact as ``show`` prints it, with
    days counted from the as-of date."""
    from netzmd.present.contact import render_contact

    when = data["as_of"]
    head = (
        f"As of {when['date']}: recorded in {when['commit'][:7]} of {when['commit_date']} "
        f"({when['subject']})"
    )
    return head + "\n\n" + render_contact(data, date.fromisoformat(when["date"]), limit=limit)


def render_history(commits: list[Any], *, color: bool = False) -> str:
    """``history`` as text: one block per commit, newest first."""
    lines: list[str] = []
    for c in commits:
        sha = f"\033[33m{c.commit[:7]}\033[0m" if color else c.commit[:7]
        merge = " [merge]" if c.merge else ""
        lines.append(f"{c.date.isoformat()}  {sha}  {c.subject}{merge}  ({c.author})")
        described = [_describe(change) for change in c.changes]
        for text in described or ["(no change in meaning)"]:
            lines.append(f"    {text}")
        if c.patch:
            lines.append("")
            lines.append(c.patch)
            lines.append("")
    return "\n".join(lines).rstrip("\n")


def _describe(change: Any) -> str:
    if change.kind == "history_cut_off":
        return f"history cut off here: {change.text}; {UNSHALLOW}"
    return str(change.describe())


def _link(item: dict[str, Any]) -> str:
    ident, name = item["id"], item["name"]
    return f"[[{ident}]]" if ident == name else f"[[{ident}|{name}]]"


def render_changes(digest: dict[str, Any], *, markdown: bool = False) -> str:
    """The ``changes`` digest as terminal text, or as a Markdown note with [[links]]."""
    since, until = digest["since"], digest["until"]
    name = _link if markdown else (lambda item: str(item["name"]))
    commits = digest["commits"]
    title = f"Changes {since} – {until}"
    lines = [f"# {title}" if markdown else title]
    if not markdown:
        lines[0] += f"  ({commits} commit{'' if commits == 1 else 's'})"
    cut = digest.get("history_cut_off")
    if cut:
        text = (
            f"history is cut off on {cut['date']} (a shallow clone): changes before "
            f"{cut['commit'][:7]} are not in this repository; {UNSHALLOW}"
        )
        lines += ["", f"> {text}" if markdown else text]

    def section(heading: str, rows: list[str]) -> None:
        if not rows:
            return
        lines.append("")
        lines.append(f"## {heading}\n" if markdown else f"{heading} ({len(rows)})")
        lines.extend(f"- {r}" if markdown else f"  {r}" for r in rows)

    def when(item: dict[str, Any]) -> str:
        return f"({item['date']})" if markdown else item["date"]

    def row(item: dict[str, Any], text: str) -> str:
        return f"{text} {when(item)}" if markdown else f"{when(item)}  {text}"

    section("New contacts", [row(i, name(i)) for i in digest["new_contacts"]])
    section(
        "Job changes",
        [row(i, f"{name(i)}: {i['field']} {i['old']} → {i['new']}") for i in digest["job_changes"]],
    )
    groups = digest["interactions"]
    if groups:
        total = sum(g["count"] for g in groups)
        lines.append("")
        heading = f"Interactions logged ({total})"
        lines.append(f"## {heading}\n" if markdown else heading)
        for g in groups:
            people = ", ".join(f"{name(c)} {c['count']}" for c in g["contacts"][:8])
            if len(g["contacts"]) > 8:
                people += f", … {len(g['contacts']) - 8} more"
            circle = g["circle"] or "no circle"
            lines.append(
                f"- {circle}: {g['count']} — {people}"
                if markdown
                else f"  {circle:<12} {g['count']:>4}  {people}"
            )
    section(
        "Follow-ups done",
        [row(i, f"{name(i)}: {i['text']}") for i in digest["follow_ups_done"]],
    )
    section("Archived", [row(i, name(i)) for i in digest["archived"]])
    section("Deleted", [row(i, str(i["name"])) for i in digest["deleted"]])
    if len(lines) == 1:
        lines += ["", "Nothing changed in the network in this time."]
    return "\n".join(lines)
