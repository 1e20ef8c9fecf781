"""The contract every importer keeps, whatever its format (as tests/test_formats_contract.py
holds every exporter to its own): any bytes give people, skipped rows or an error naming the
file — never another exception; importing a file twice changes nothing the second time; and
what is imported comes back out of the exports and in again unchanged."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.errors import NetzmdError
from netzmd.formats import IMPORTERS, importer_class
from tests.conftest import REPO, MakeVault, Run, init_repo, json_of

TODAY = "2026-11-30"
FIXTURES = REPO / "tests/fixtures"
# A real-shaped file of each source, from the importers' own fixtures.
SAMPLES = {
    "linkedin": FIXTURES / "import/linkedin-2025.csv",
    "google": FIXTURES / "import/google.csv",
    "outlook": FIXTURES / "import/outlook.csv",
    "vcard": FIXTURES / "vcard/apple-3.0.vcf",
    "ics": FIXTURES / "ics/google.ics",
}


def test_every_importer_has_a_sample() -> None:
    assert sorted(SAMPLES) == sorted(IMPORTERS)
    for path in SAMPLES.values():
        assert path.is_file(), path


@pytest.fixture(params=sorted(IMPORTERS))
def each_source(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def read(source: str, data: bytes, file: str = "in.dat") -> tuple[list[Any], list[Any]]:
    importer = importer_class(source)()
    if source == "ics":
        found, skipped = importer.read_meetings(data, file, until=date(2026, 11, 30))
        return list(found), list(skipped)
    found, skipped = importer.read(data, file)
    return list(found), list(skipped)


@pytest.mark.parametrize("source", sorted(IMPORTERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_the_file_named(source: str, data: bytes) -> None:
    try:
        people, skipped = read(source, data, "bad.dat")
    except NetzmdError as exc:
        assert exc.path == "bad.dat" or "bad.dat" in exc.message
        return
    for item in [*people, *skipped]:
        assert item.file == "bad.dat" and item.line >= 1


@pytest.mark.parametrize("source", sorted(IMPORTERS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=10_000), junk=st.binary(min_size=1, max_size=40))
def test_a_sample_cut_short_or_spoiled_never_breaks_the_reader(
    source: str, cut: int, junk: bytes
) -> None:
    data = SAMPLES[source].read_bytes()
    spoiled = data[: cut % (len(data) + 1)] + junk
    try:
        read(source, spoiled, "spoiled.dat")
    except NetzmdError as exc:
        assert exc.path == "spoiled.dat" or "spoiled.dat" in exc.message


def test_reading_is_deterministic(each_source: str) -> None:
    source = each_source
    data = SAMPLES[source].read_bytes()
    assert read(source, data) == read(source, data)


def _vault(make_vault: MakeVault, git_env: Path, name: str = "vault") -> Path:
    root = make_vault(
        {"contacts/Someone Else.md": "---\nemail: someone@example.org\n---\n\n## Log\n"},
        name=name,
    )
    return init_repo(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and ".netzmd" not in p.parts
    }


def test_importing_twice_changes_nothing_the_second_time(
    each_source: str, make_vault: MakeVault, git_env: Path, run: Run
) -> None:
    source = each_source
    root = _vault(make_vault, git_env)
    sample = str(SAMPLES[source])
    first = run(root, "import", source, sample, "--today", TODAY, "--format", "json")
    assert first.exit_code == 0, first.output
    after_first = snapshot(root)
    second = json_of(run(root, "import", source, sample, "--today", TODAY, "--format", "json"))
    assert second["new"] == [] and second["updated"] == [] and second["conflicts"] == []
    assert snapshot(root) == after_first
    if source != "ics":
        assert json.loads(first.stdout)["new"], "the sample brings people in"


@pytest.mark.parametrize("fmt", ["vcard"])
def test_an_export_imported_into_its_vault_changes_no_note(
    fmt: str, make_vault: MakeVault, git_env: Path, run: Run, tmp_path: Path
) -> None:
    """Import a source, export the vault, import the export: no note changes; and once more:
    nothing at all changes (the export is stable)."""
    root = _vault(make_vault, git_env)
    for sample in ("linkedin", "vcard", "google"):
        result = run(root, "import", sample, str(SAMPLES[sample]), "--today", TODAY)
        assert result.exit_code == 0, result.output
    shutil.copytree(REPO / "contacts", root / "contacts", dirs_exist_ok=True)
    exported = tmp_path / "all.vcf"
    assert run(root, "export", fmt, "--output", str(exported)).exit_code == 0
    notes = {k: v for k, v in snapshot(root).items() if k.startswith("contacts/")}
    back = json_of(run(root, "import", fmt, str(exported), "--today", TODAY, "--format", "json"))
    assert back["new"] == [] and back["updated"] == [] and back["conflicts"] == []
    assert {k: v for k, v in snapshot(root).items() if k.startswith("contacts/")} == notes
    state = snapshot(root)
    again = json_of(run(root, "import", fmt, str(exported), "--today", TODAY, "--format", "json"))
    assert again["new"] == [] and again["updated"] == []
    assert snapshot(root) == state
    exported_again = tmp_path / "again.vcf"
    assert run(root, "export", fmt, "--output", str(exported_again)).exit_code == 0
    assert exported_again.read_bytes() == exported.read_bytes()
