"""Rendering the agenda: golden files, template lookup order, template errors, --output."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MakeVault, Run, json_of, no_traceback

from netzmd.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "agenda-vault"
GOLDEN = Path(__file__).parent / "golden"
TODAY = "2026-11-27"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns(".netzmd"))
    return target


def agenda(vault: Path, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["--vault", str(vault), "agenda", "--today", TODAY, *args], catch_exceptions=False
    )


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("NETZMD_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs; rerun with NETZMD_UPDATE_GOLDEN=1 to accept the new output"
    )


@pytest.mark.parametrize(("fmt", "name"), [("text", "agenda.txt"), ("md", "agenda.md")])
def test_golden(vault: Path, fmt: str, name: str) -> None:
    result = agenda(vault, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "\033[" not in result.output  # no colour when stdout is not a terminal
    golden(name, result.output)


def test_json_shape(vault: Path) -> None:
    result = agenda(vault, "--format", "json")
    data = json.loads(result.output)
    assert list(data) == [
        "today", "until", "follow_ups", "keep_in_touch", "dates", "greetings", "news", "problems"
    ]  # fmt: skip
    assert (data["today"], data["until"]) == (TODAY, "2026-12-11")
    assert set(data["follow_ups"][0]) >= {"id", "name", "due", "in_days", "text"}
    assert set(data["keep_in_touch"][0]) >= {
        "id", "name", "last_contact", "cadence", "due", "in_days", "reason"
    }  # fmt: skip
    assert set(data["dates"][0]) >= {"id", "name", "label", "date", "in_days", "years"}
    assert set(data["greetings"][0]) >= {"occasion", "date", "in_days", "contacts"}
    mm = next(d for d in data["dates"] if d["label"] == "work anniversary")
    assert mm == {
        "id": "Max Mustermann",
        "name": "Maximilian Mustermann",
        "label": "work anniversary",
        "date": "2026-12-10",
        "in_days": 13,
        "years": 7,
        "path": "contacts/colleagues/Max Mustermann.md",
    }


def test_markdown_links_every_contact(vault: Path) -> None:
    text = agenda(vault, "--format", "md").output
    assert "[[Max Mustermann|Maximilian Mustermann]]" in text
    assert "[[Jane Doe]]" in text
    assert "Olaf Old" not in text  # archived


def test_vault_template_wins(vault: Path) -> None:
    (vault / "templates").mkdir()
    (vault / "templates" / "agenda.txt.j2").write_text(
        "{{ follow_ups | length }} follow-ups, first: {{ follow_ups[0].text }} "
        "({{ follow_ups[0].in_days | days(overdue=True) }})\n",
        encoding="utf-8",
    )
    result = agenda(vault)
    assert result.output == "2 follow-ups, first: old promise (7 days overdue)\n"
    assert agenda(vault, "--format", "md").output.startswith("# Agenda 2026-11-27")


def test_template_by_name_and_by_path(vault: Path, tmp_path: Path) -> None:
    (vault / "templates").mkdir()
    (vault / "templates" / "brief.txt.j2").write_text("{{ until }}\n", encoding="utf-8")
    assert agenda(vault, "--template", "brief.txt.j2").output == "2026-12-11\n"
    other = tmp_path / "elsewhere.j2"
    other.write_text("{{ dates | map(attribute='name') | join(', ') }}\n", encoding="utf-8")
    assert agenda(vault, "--template", str(other)).output == (
        "Zoë Müller, Jane Doe, Maximilian Mustermann\n"
    )
    missing = agenda(vault, "--template", "nope.j2")
    assert missing.exit_code == 1
    assert "template 'nope.j2' not found" in missing.output


def test_broken_template_names_file_and_line(vault: Path) -> None:
    (vault / "templates").mkdir()
    bad = vault / "templates" / "agenda.txt.j2"
    bad.write_text("line one\n{% for x in dates %}\n{{ x.name }\n{% endfor %}\n", encoding="utf-8")
    result = agenda(vault)
    assert result.exit_code == 1
    assert f"{bad}:3: error:" in result.output
    assert "Traceback" not in result.output


def test_undefined_variable_is_an_error_with_line(vault: Path) -> None:
    (vault / "templates").mkdir()
    bad = vault / "templates" / "agenda.md.j2"
    bad.write_text("# ok\n\n{{ today }}\n{{ no_such_thing }}\n", encoding="utf-8")
    result = agenda(vault, "--format", "md")
    assert result.exit_code == 1
    assert f"{bad}:4: error: 'no_such_thing' is undefined" in result.output


def test_output_writes_atomically_and_only_on_change(vault: Path) -> None:
    target = vault / "Agenda.md"
    first = agenda(vault, "--output", str(target))
    assert first.exit_code == 0
    assert "wrote" in first.output
    assert target.read_text(encoding="utf-8").startswith("# Agenda 2026-11-27")  # md from suffix
    stamp = target.stat().st_mtime_ns
    os.utime(target, ns=(stamp - 10**9, stamp - 10**9))
    second = agenda(vault, "--output", str(target))
    assert "unchanged" in second.output
    assert target.stat().st_mtime_ns == stamp - 10**9  # not rewritten
    assert [p.name for p in vault.iterdir() if "netzmd-tmp" in p.name] == []
    json_target = vault / "agenda.json"
    agenda(vault, "--output", str(json_target))
    assert json.loads(json_target.read_text(encoding="utf-8"))["today"] == TODAY


def test_json_with_template_is_a_usage_error(vault: Path) -> None:
    result = agenda(vault, "--format", "json", "--template", "x.j2")
    assert result.exit_code == 2


def test_sample_network_agenda_is_full_on_any_day() -> None:
    """The README's first command shows every section on any day of the coming year."""
    from datetime import date, timedelta

    from netzmd.config import load_config
    from netzmd.model.agenda import build_agenda, to_data
    from netzmd.store.index import Index
    from netzmd.vault import Vault

    sample = Vault(Path(__file__).parent.parent)
    with Index(sample) as index:
        index.refresh()
        sources = index.agenda_sources()
    config = load_config(sample.root)
    start = date.fromisoformat(TODAY)
    for offset in range(366):
        today = start + timedelta(days=offset)
        data = to_data(build_agenda(sources, config, today), [])
        for section in ("follow_ups", "keep_in_touch", "dates"):
            assert data[section], (today, section)
    assert any(build_agenda(sources, config, start + timedelta(days=d)).greetings for d in (0, 180))


def test_unlink_filter_for_the_terminal(vault: Path) -> None:
    (vault / "templates").mkdir()
    (vault / "templates" / "t.txt.j2").write_text(
        "{{ 'ask [[Jane Doe]] and [[Max Mustermann|Max]] about [x]' | unlink }}\n",
        encoding="utf-8",
    )
    assert agenda(vault, "--template", "t.txt.j2").output == "ask Jane Doe and Max about [x]\n"


def test_far_cadences_and_dates_are_refused_not_a_crash(make_vault: MakeVault, run: Run) -> None:
    """A cadence of centuries is a warning (the contact is listed without one), and a --today
    near the end of the calendar is a usage error, never an overflow."""
    root = make_vault(
        {
            "contacts/Ann.md": "---\ncadence: 3000y\n---\n- 2026-01-01 [call] x\n",
            "contacts/Bo.md": "---\ncadence: 9999999d\n---\n",
        }
    )
    result = run(root, "agenda", "--today", "2026-11-27", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["keep_in_touch"] == []
    listed = run(root, "list", "--today", "2026-11-27")
    assert listed.exit_code == 0 and "Ann" in listed.stdout
    checked = run(root, "check")
    assert "contacts/Ann.md:2: warning: cadence '3000y' is longer than 100 years" in checked.output
    for day in ("9999-12-25", "0999-01-01"):
        late = run(root, "agenda", "--today", day)
        assert late.exit_code == 2
        assert "is out of range: use a year from 1000 to 8999" in late.output
        no_traceback(late)


ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ joiner.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% set x = dates.append(1) %}{{ x }}",
    "{{ namespace.__init__.__globals__['os'].system('touch MARKER') }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
@pytest.mark.parametrize("where", ["vault", "option"])
def test_a_template_cannot_run_commands(
    vault: Path, tmp_path: Path, payload: str, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template is code from the vault: it runs in the immutable sandbox, and one that
    reaches for Python's internals is an error naming its file and line, with nothing run."""
    monkeypatch.chdir(tmp_path)
    if where == "vault":
        (vault / "templates").mkdir()
        bad = vault / "templates" / "agenda.txt.j2"
        args: tuple[str, ...] = ()
    else:
        bad = tmp_path / "mine.j2"
        args = ("--template", str(bad))
    bad.write_text(f"line one\n{payload}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--vault", str(vault), "agenda", "--today", TODAY, *args])
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "MARKER").exists()
    assert "mine.j2:2: error:" in result.output or "agenda.txt.j2:2: error:" in result.output


def test_the_documented_template_features_work_in_the_sandbox(vault: Path) -> None:
    (vault / "templates").mkdir()
    (vault / "templates" / "agenda.txt.j2").write_text(
        "{% for d in dates | sort(attribute='name') %}{{ d | wikilink }} "
        "{{ d.in_days | days }}{{ loop.cycle(',', ';') }}{% endfor %}\n"
        "{{ follow_ups | length | plural('follow-up') }} {{ style('x', fg='red') }} "
        "{{ '[[Jane Doe|Jane]]' | unlink }} {{ dates[0].keys() | list | length > 0 }}\n",
        encoding="utf-8",
    )
    result = agenda(vault)
    assert result.output == (
        "[[Jane Doe]] in 6 days,[[Max Mustermann|Maximilian Mustermann]] in 13 days;"
        "[[Zoë Müller]] in 4 days,2 follow-ups x Jane True\n"
    )


# --- agenda_limit: no flood of people to keep in touch with (issue 12) --------------------------


def crowded(make_vault: MakeVault, people: int, config: str | None = None) -> Path:
    """``people`` contacts all overdue on a 30-day cadence, P00 the longest without contact (so
    the best ranked), then P01, …; no follow-ups, dates or greetings."""
    notes = {
        f"contacts/P{n:02d}.md": f"---\ncadence: 30d\nlast_contact: 2026-01-{n + 1:02d}\n---\n"
        for n in range(people)
    }
    return make_vault(notes, config)


def keep_lines(text: str, fmt: str) -> list[str]:
    prefix = "  2026-" if fmt == "text" else "- **2026-"
    return [line for line in text.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_the_agenda_shows_at_most_agenda_limit_people_best_first(
    make_vault: MakeVault, run: Run, fmt: str
) -> None:
    root = crowded(make_vault, 21)
    text = run(root, "agenda", "--today", TODAY, "--format", fmt).stdout
    shown = keep_lines(text, fmt)
    assert len(shown) == 20
    assert "P00" in shown[0] and "P19" in shown[-1] and "P20" not in text
    if fmt == "text":
        assert "Keep in touch (21)\n" in text  # the heading counts everyone
        assert "  … and 1 more  (all of them: netzmd agenda --format json, or set " in text
    else:
        assert "- … and 1 more (all of them: `netzmd agenda --format json`, or set " in text
    everyone = json_of(run(root, "agenda", "--today", TODAY, "--format", "json"))
    assert [k["id"] for k in everyone["keep_in_touch"]] == [f"P{n:02d}" for n in range(21)]


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_exactly_agenda_limit_people_need_no_more_line(
    make_vault: MakeVault, run: Run, fmt: str
) -> None:
    text = run(crowded(make_vault, 20), "agenda", "--today", TODAY, "--format", fmt).stdout
    assert len(keep_lines(text, fmt)) == 20
    assert "more" not in text


@pytest.mark.parametrize(("limit", "shown"), [(0, 25), (3, 3), (25, 25), (1, 1)])
def test_agenda_limit_is_a_setting_and_zero_means_no_limit(
    make_vault: MakeVault, run: Run, limit: int, shown: int
) -> None:
    root = crowded(make_vault, 25, f"agenda_limit = {limit}\n")
    for fmt in ("text", "md"):
        text = run(root, "agenda", "--today", TODAY, "--format", fmt).stdout
        assert len(keep_lines(text, fmt)) == shown
        assert (f"… and {25 - shown} more" in text) == (shown < 25)
    data = json_of(run(root, "agenda", "--today", TODAY, "--format", "json"))
    assert len(data["keep_in_touch"]) == 25  # JSON stays complete


@pytest.mark.parametrize("value", ["-1", '"20"', "true", "2.5"])
def test_a_bad_agenda_limit_is_an_error_with_file_and_line(
    make_vault: MakeVault, run: Run, value: str
) -> None:
    root = crowded(make_vault, 1, f"news_days = 3\nagenda_limit = {value}\n")
    result = run(root, "agenda", "--today", TODAY)
    assert result.exit_code == 1
    no_traceback(result)
    assert result.stderr.startswith(
        "netzmd.toml:2: error: agenda_limit must be a whole number, 0 for no limit"
    )


def test_a_custom_template_gets_the_limited_list_and_the_count(
    make_vault: MakeVault, run: Run
) -> None:
    root = crowded(make_vault, 5, "agenda_limit = 2\n")
    (root / "templates").mkdir()
    (root / "templates" / "agenda.txt.j2").write_text(
        "{{ keep_in_touch | map(attribute='id') | join(',') }} +{{ keep_in_touch_more }}\n",
        encoding="utf-8",
    )
    assert run(root, "agenda", "--today", TODAY).stdout == "P00,P01 +3\n"
