"""Importers and exporters, one module per format behind one small protocol (``base``), found
through a lazy registry: a name maps to the module path and class name, and the module (with any
library it needs, such as the importers' vobject) is imported only when that format is used, as
``cli/app.py`` loads commands. Registering a format is one line here."""

from __future__ import annotations

import importlib
from typing import Any

from netzmd.errors import UsageError

# name -> "module:Class"; nothing is imported until a format is asked for.
EXPORTERS: dict[str, str] = {
    "vcard": "netzmd.formats.vcard:VCardExporter",
    "ics": "netzmd.formats.ics:IcsExporter",
    "csv": "netzmd.formats.tabular:CsvExporter",
    "json": "netzmd.formats.tabular:JsonExporter",
}

# Each a class that follows ``base.Importer`` (``ics``: ``base.MeetingImporter``).
IMPORTERS: dict[str, str] = {
    "linkedin": "netzmd.formats.linkedin:LinkedinImporter",
    "vcard": "netzmd.formats.vcard_read:VCardImporter",
    "google": "netzmd.formats.google:GoogleImporter",
    "outlook": "netzmd.formats.google:OutlookImporter",
    "ics": "netzmd.formats.ics_read:IcsImporter",
}


def _load(table: dict[str, str], kind: str, name: str) -> Any:
    try:
        target = table[name]
    except KeyError:
        known = ", ".join(sorted(table)) or "none yet"
        raise UsageError(f"no {kind} for '{name}': use one of {known}") from None
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def exporter_class(name: str) -> Any:
    """The exporter class registered as ``name`` (its module imported now)."""
    return _load(EXPORTERS, "exporter", name)


def importer_class(name: str) -> Any:
    """The importer class registered as ``name`` (its module imported now)."""
    return _load(IMPORTERS, "importer", name)
