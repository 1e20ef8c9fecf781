"""``netzmd companies`` and ``netzmd company`` through the command line (issue 13): the JSON
shapes pinned, the targets coverage line, Markdown with links, unknown companies, settings
errors, the sample network, and the agenda's reason naming a gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, MakeVault, Run, json_of, no_traceback, note, write_notes

TODAY = "2026-11-27"
LAST = "2026-10-28"  # due today on a 30-day cadence

NOTES = {
    "contacts/Max Mustermann.md": note(
        "name: Maximilian Mustermann\ncompany: Globex GmbH\nrole: CTO\ncadence: 30d\n"
        "last_contact: 2026-10-18\nvouches: true\noffers: a job\noffer_date: 2026-03-01"
    ),
    "contacts/Eve.md": note(f"company: Globex\ncadence: 30d\nlast_contact: {LAST}"),
    "contacts/Ida.md": note(
        f'company: "[[Initech]]"\nformer: [Globex AG]\nlast_contact: {LAST}\nvouches: true'
    ),
    "contacts/Ulf.md": note("company: Umbrella Corp.\ncadence: 30d"),
}
CONFIG = 'targets = ["Globex", "Initech", "Umbrella", "Wonka"]\n'


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(NOTES, CONFIG)


def test_companies_json_shape_is_pinned(run: Run, vault: Path) -> None:
    result = run(vault, "companies", "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [list(item) for item in data] == [
        ["company", "names", "gate", "people", "alumni", "last_contact", "target"]
    ] * 4
    globex = data[0]
    assert globex == {
        "company": "Globex",
        "names": ["Globex", "Globex AG", "Globex GmbH"],
        "gate": "warm",
        "people": [
            {
                "id": "Eve",
                "name": "Eve",
                "role": None,
                "vouches": False,
                "offer": None,
                "last_contact": LAST,
                "due": TODAY,
                "overdue": False,
            },
            {
                "id": "Max Mustermann",
                "name": "Maximilian Mustermann",
                "role": "CTO",
                "vouches": True,
                "offer": "a job",
                "last_contact": "2026-10-18",
                "due": "2026-11-17",
                "overdue": True,
            },
        ],
        "alumni": [{"id": "Ida", "name": "Ida", "now_at": "Initech"}],
        "last_contact": LAST,
        "target": True,
    }
    assert [(c["company"], c["gate"]) for c in data] == [
        ("Globex", "warm"),
        ("Initech", "open"),
        ("Umbrella", "cold"),  # the target's spelling, as short as the note's
        ("Wonka", "none"),  # a target nobody knows
    ]


def test_companies_text_and_the_targets_coverage_line(run: Run, vault: Path) -> None:
    result = run(vault, "companies", "--targets", "--today", TODAY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "COMPANY", "GATE", "NOW", "ALUMNI", "VOUCHES", "OFFERS", "LAST", "CONTACT"
    ]  # fmt: skip
    assert lines[1].split()[:4] == ["Globex", "*", "warm", "2"]
    assert "Maximilian Mustermann" in lines[1]
    assert [line.split()[0] for line in lines[1:5]] == ["Globex", "Initech", "Umbrella", "Wonka"]
    assert lines[4].split() == ["Wonka", "*", "none", "0", "0"]
    assert lines[-1] == "2 of 4 targets have an open or warm gate"
    assert result.stderr == "4 companies\n"


def test_companies_filters(run: Run, vault: Path) -> None:
    def names(*args: str) -> list[str]:
        found = json_of(run(vault, "companies", "--format", "json", "--today", TODAY, *args))
        return [c["company"] for c in found]

    assert names("--gate", "cold") == ["Umbrella"]
    assert names("--gate", "cold", "--gate", "open") == ["Initech", "Umbrella"]
    assert names("--targets", "--gate", "none") == ["Wonka"]
    assert names("--min", "2") == ["Globex"]
    assert names("--min", "3") == ["Globex"]
    assert names("--min", "4") == []
    # a day later Eve is overdue too: the Globex gate goes cold
    later = json_of(run(vault, "companies", "--format", "json", "--today", "2026-11-28"))
    assert later[0]["gate"] == "cold"
    bad = run(vault, "companies", "--gate", "ajar")
    assert bad.exit_code == 2
    assert "'ajar' is not one of 'open', 'warm', 'cold', 'alumni', 'none'" in bad.stderr


def test_companies_md_links_people_and_company_notes(run: Run, vault: Path) -> None:
    write_notes(vault, {"Companies/Initech.md": "# Initech\n", "Orgs/Globex GmbH.md": "x\n"})
    result = run(vault, "companies", "--format", "md", "--today", TODAY)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Companies 2026-11-27\n")
    assert "## Open: someone there vouches for you or made an offer, and is in touch" in text
    assert (
        "- **[[Initech]]** (target): there now: [[Ida]] (vouches); last contact 2026-10-28" in text
    )
    assert (
        "- **[[Globex GmbH|Globex]]** (target): there now: [[Eve]], "
        "[[Max Mustermann|Maximilian Mustermann]] (vouches, offer, 10 days overdue); "
        "before: [[Ida]] (now at Initech); last contact 2026-10-28"
    ) in text
    assert "- **Umbrella** (target): there now: [[Ulf]]\n" in text
    targets = run(vault, "companies", "--format", "md", "--targets", "--today", TODAY).stdout
    assert targets.startswith("# Target companies 2026-11-27\n\n2 of 4 targets have an open")
    assert "## None: nobody you know is or was there\n\n- **Wonka** (target)\n" in targets


def test_company_json_shape_is_pinned(run: Run, vault: Path) -> None:
    result = run(vault, "company", "globex gmbh", "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "company", "names", "gate", "target", "note", "last_contact", "people", "alumni",
        "former_colleagues", "introducers", "next_step", "today",
    ]  # fmt: skip
    assert list(data["people"][0]) == [
        "id", "name", "role", "vouches", "offer", "last_contact", "due", "overdue",
        "offer_date", "in_touch", "former_colleague",
    ]  # fmt: skip
    assert data["people"][1]["offer_date"] == "2026-03-01"
    assert data["alumni"] == [
        {
            "id": "Ida",
            "name": "Ida",
            "now_at": "Initech",
            "source": "former",
            "former_colleague": False,
        }
    ]
    assert data["next_step"] == {
        "text": "Maximilian Mustermann vouches for you but is 10 days overdue: get in touch",
        "id": "Max Mustermann",
        "name": "Maximilian Mustermann",
    }
    assert data["today"] == TODAY


def test_company_text(run: Run, vault: Path) -> None:
    result = run(vault, "company", "GLOBEX", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Globex  gate: warm  (a target)\n"
        "also written: Globex AG, Globex GmbH\n"
        "\n"
        "People there now (2)\n"
        "  Eve\n"
        "      last contact 2026-10-28 (30 days ago), next due 2026-11-27 (today)\n"
        "  Maximilian Mustermann, CTO\n"
        "      vouches for you\n"
        "      offer (2026-03-01): a job\n"
        "      last contact 2026-10-18 (40 days ago), next due 2026-11-17 (10 days overdue)\n"
        "\n"
        "Worked there before (1)\n"
        "  Ida  now at Initech\n"
        "\n"
        "Next step: Maximilian Mustermann vouches for you but is 10 days overdue: get in touch\n"
    )


def test_a_target_nobody_knows_is_a_company_too(run: Run, vault: Path) -> None:
    data = json_of(run(vault, "company", "wonka", "--format", "json", "--today", TODAY))
    assert (data["gate"], data["people"], data["alumni"], data["target"]) == ("none", [], [], True)


def test_an_unknown_company_lists_the_closest_names(run: Run, vault: Path) -> None:
    result = run(vault, "company", "Initek", "--today", TODAY)
    assert result.exit_code == 1
    no_traceback(result)
    assert result.stderr == "netzmd: error: no company matches 'Initek'\nDid you mean: Initech?\n"
    nothing = run(vault, "company", "zzzz", "--today", TODAY)
    assert nothing.exit_code == 1
    assert "Run 'netzmd companies' to see every company." in nothing.stderr


def test_an_empty_vault_has_no_companies(run: Run, make_vault: MakeVault) -> None:
    root = make_vault({})
    result = run(root, "companies", "--today", TODAY)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "0 companies\n")
    assert json_of(run(root, "companies", "--format", "json", "--today", TODAY)) == []
    targets = run(root, "companies", "--targets", "--today", TODAY)
    assert targets.stdout == 'no targets yet: add targets = ["…"] to netzmd.toml\n'


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            'news_days = 3\ntargets = "Globex"\n',
            'netzmd.toml:2: error: targets must be a list of texts, e.g. targets = ["Globex", '
            '"Initech"]',
        ),
        (
            '[companies]\n"Alphabet" = ["Google"]\n"Initech" = 3\n',
            "netzmd.toml:3: error: [companies] 'Initech' must be a list of other names",
        ),
        (
            '[companies]\nx = ["y"]\n[me]\ncompanies = "Kranich"\n',
            "netzmd.toml:4: error: [me] companies must be a list of texts, e.g. companies = "
            '["Kranich"]',
        ),
        ("[me]\ncity = 3\n", 'netzmd.toml:2: error: [me] city must be a text, e.g. "Berlin"'),
        ("me = 1\n", "netzmd.toml:1: error: [me] must be a table"),
    ],
)
def test_settings_errors_name_file_and_line(
    run: Run, make_vault: MakeVault, config: str, message: str
) -> None:
    result = run(make_vault(NOTES, config), "companies", "--today", TODAY)
    assert result.exit_code == 1
    no_traceback(result)
    assert result.stderr.startswith(message), result.stderr


def test_settings_warnings(run: Run, make_vault: MakeVault) -> None:
    root = make_vault(
        NOTES, '[me]\ncompanies = ["Kranich"]\nhome = "Berlin"\n[companies]\nagenda_limit = 3\n'
    )
    result = run(root, "check")
    assert (
        "netzmd.toml:3: warning: [me]: unknown key 'home' is ignored "
        "(known: city, companies, emails)" in result.stdout
    )
    assert (
        "netzmd.toml:5: warning: 'agenda_limit = 3' is inside [companies], so it is not a setting"
        in result.stdout
    )


def test_help_has_examples(run: Run) -> None:
    for command in ("companies", "company"):
        result = run(None, command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert "JSON:" in result.stdout


# --- the agenda names the gate a lapse costs -------------------------------------------------


def reasons(run: Run, root: Path, today: str = TODAY) -> dict[str, str]:
    data = json_of(run(root, "agenda", "--format", "json", "--today", today))
    return {k["id"]: k["reason"] for k in data["keep_in_touch"]}


def test_the_agenda_reason_names_the_gate_of_an_overdue_voucher(
    run: Run, make_vault: MakeVault
) -> None:
    root = make_vault(
        {
            **NOTES,
            "contacts/Pia.md": note("company: Hooli\ncadence: 30d\nlast_contact: 2026-09-01"),
            "contacts/Kai.md": note(
                "company: Hooli\ncadence: 30d\nlast_contact: 2026-09-01\ncircle: competence\n"
                "tags: [ex-colleague]"
            ),
        },
        CONFIG,
    )
    found = reasons(run, root)
    # Max vouches, made an offer and is overdue; Eve keeps Globex warm: it is no longer open
    assert found["Max Mustermann"] == (
        "last contact 40 days ago, cadence 30d; vouches; made an offer; Globex gate no longer open"
    )
    # Ulf, at a target, was never contacted: due today, not overdue, nothing said
    assert found["Ulf"] == "no contact logged yet"
    # a former colleague's lapse leaves Hooli cold; Pia's (neither) is not named
    assert found["Kai"] == "last contact 87 days ago, cadence 30d; Hooli gate going cold"
    assert found["Pia"] == "last contact 87 days ago, cadence 30d"
    # a day later Eve is overdue too: Globex has nobody in touch
    later = reasons(run, root, "2026-11-28")
    assert later["Max Mustermann"].endswith("; vouches; made an offer; Globex gate going cold")
    assert later["Eve"] == "last contact 31 days ago, cadence 30d; Globex gate going cold"
    assert later["Ulf"] == "no contact logged yet"  # never contacted is never overdue


def test_the_agenda_names_no_gate_an_in_touch_voucher_keeps_open(
    run: Run, make_vault: MakeVault
) -> None:
    root = make_vault(
        {
            "contacts/A.md": note(
                "company: Globex\nvouches: true\ncadence: 30d\nlast_contact: 2026-01-01"
            ),
            "contacts/B.md": note(f"company: Globex GmbH\nvouches: true\nlast_contact: {LAST}"),
        },
        CONFIG,
    )
    assert reasons(run, root)["A"] == "last contact 330 days ago, cadence 30d"
    text = run(root, "agenda", "--today", TODAY).stdout
    assert "gate" not in text


# --- the sample network ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "contacts", root / "contacts")
    shutil.copy(REPO / "netzmd.toml", root / "netzmd.toml")
    return root


def test_the_sample_network_shows_every_gate(run: Run, sample: Path) -> None:
    data = json_of(run(sample, "companies", "--targets", "--format", "json", "--today", TODAY))
    assert [(c["company"], c["gate"]) for c in data] == [
        ("Acme Cloud AG", "open"),
        ("Nordlicht Analytics", "cold"),
        ("Stratus Labs", "warm"),
        ("Lumière Data", "cold"),
        ("Zeppelin Mobility", "alumni"),
        ("Hafenblick Bank", "none"),
    ]
    text = run(sample, "companies", "--targets", "--today", TODAY).stdout
    assert text.endswith("\n2 of 6 targets have an open or warm gate\n")
    zoe = next(p for p in data[0]["people"] if p["name"] == "Zoë Müller")
    assert zoe["offer"] and zoe["vouches"]
    acme = json_of(run(sample, "company", "acme", "--format", "json", "--today", TODAY))
    assert next(p for p in acme["people"] if p["id"] == "Zoë Müller")["offer_date"] == "2026-05-08"
    kranich = json_of(run(sample, "company", "kranich", "--format", "json", "--today", TODAY))
    assert kranich["gate"] == "alumni"
    assert len(kranich["former_colleagues"]) == len(kranich["alumni"]) == 5
    agenda = reasons(run, sample)
    assert agenda["Jürgen Weiß"].endswith(
        "; vouches; made an offer; Nordlicht Analytics gate going cold"
    )


# --- company keys are worked out once ---------------------------------------------------------

PROBE = """
import sys
from netzmd.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    sys.stderr.write("\\nCLEANCO " + str(any(m.startswith("cleanco") for m in sys.modules)) + "\\n")
"""


def loads_cleanco(*args: str) -> bool:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    return done.stderr.rsplit("CLEANCO ", 1)[1].strip() == "True"


def test_company_keys_are_kept_in_the_index(make_vault: MakeVault) -> None:
    """The agenda's gates and the report need each name's key once; later runs read it from
    the index and load no cleanco. A key of another KEY_VERSION is worked out again."""
    import sqlite3

    root = make_vault(NOTES, CONFIG)
    agenda = ["--vault", str(root), "agenda", "--format", "json", "--today", TODAY]
    assert loads_cleanco(*agenda)
    assert not loads_cleanco(*agenda)
    assert not loads_cleanco("--vault", str(root), "companies", "--today", TODAY)
    db = sqlite3.connect(root / ".netzmd" / "index.sqlite")
    try:
        kept = dict(db.execute("SELECT name, key FROM company_keys"))
        assert kept["Globex GmbH"] == "globex"
        assert kept["[[Initech]]"] == "initech"
        with db:
            db.execute("UPDATE company_keys SET version = 0, key = 'stale'")
    finally:
        db.close()
    assert loads_cleanco("--vault", str(root), "companies", "--today", TODAY)
    assert not loads_cleanco("--vault", str(root), "companies", "--today", TODAY)
