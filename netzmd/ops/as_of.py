"""``show --as-of``: a contact as recorded in git on a past day, with its state as of that day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from netzmd.errors import NetzmdError
from netzmd.git import history
from netzmd.model.contact import core_json, static_json, status

if TYPE_CHECKING:
    from netzmd.config import Config
    from netzmd.vault import Vault


def show_as_of(vault: Vault, config: Config, found_path: str, day: date) -> dict[str, Any]:
    """``show --format json`` for the note at ``found_path`` as recorded in the last commit of
    day ``day`` or before; cadence, last contact and next due are as of that day. One key more
    at the end: ``as_of``, ``{date, commit, commit_date, subject}``."""
    record = history.as_of(vault.root, found_path, day)
    parsed = record.parse()
    if parsed.contact is None:
        problem = parsed.problems[0] if parsed.problems else None
        raise NetzmdError(
            f"{record.path} as recorded in {record.commit[:7]} of {record.date.isoformat()} "
            f"cannot be read" + (f": line {problem.line}: {problem.message}" if problem else "")
        )
    contact = parsed.contact
    state = status(core_json(contact), day, config.cadence)
    out: dict[str, Any] = {}
    for key, value in static_json(contact).items():
        out[key] = value
        if key == "name":
            out.update(
                cadence=state.cadence,
                last_contact=_iso(state.last_contact),
                next_due=_iso(state.next_due),
            )
    out["as_of"] = {
        "date": day.isoformat(),
        "commit": record.commit,
        "commit_date": record.date.isoformat(),
        "subject": record.subject,
    }
    return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
