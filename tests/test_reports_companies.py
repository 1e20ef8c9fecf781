"""The companies report (issue 13) over real vaults and their index: gates at the boundaries
of a cadence, alumni from former: and from git history, targets coverage, one company in depth
(former colleagues, introducers, the next step), and what a lapse costs on the agenda."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import MakeVault, note, write_notes

from netzmd.config import load_config
from netzmd.errors import Ambiguous, NotFound
from netzmd.git.companies import past_companies
from netzmd.model.companies import Aliases, Work
from netzmd.reports.companies import (
    Network,
    company,
    company_notes,
    coverage,
    find,
    network,
)
from netzmd.reports.companies import companies as company_rows
from netzmd.store import queries
from netzmd.store.index import Index
from netzmd.vault import Vault

TODAY = date(2026, 11, 27)
LAST = "2026-10-28"  # 30 days before TODAY: on a 30-day cadence, due today


def build(
    root: Path, today: date = TODAY, history: Mapping[str, list[str]] | None = None
) -> tuple[Network, Index]:
    index = Index(Vault(root))
    index.refresh()
    rows = map(Work._make, index.work_rows())
    return network(rows, load_config(root), today, history), index


def report(
    make_vault: MakeVault,
    notes: Mapping[str, str],
    config: str = "",
    today: date = TODAY,
) -> Network:
    net, index = build(make_vault(dict(notes), config), today)
    index.close()
    return net


def gates(net: Network) -> dict[str, str]:
    return {c["company"]: c["gate"] for c in company_rows(net)}


# --- gates at the boundaries of a cadence --------------------------------------------------


@pytest.mark.parametrize(
    ("today", "voucher", "expected"),
    [
        (TODAY, True, "open"),  # the due day: still in touch
        (TODAY + timedelta(days=1), True, "cold"),  # the first day overdue
        (TODAY, False, "warm"),
        (TODAY + timedelta(days=1), False, "cold"),
    ],
)
def test_gate_at_the_last_day_in_touch_and_the_first_day_overdue(
    make_vault: MakeVault, today: date, voucher: bool, expected: str
) -> None:
    front = f"company: Globex GmbH\ncadence: 30d\nlast_contact: {LAST}"
    if voucher:
        front += "\nvouches: true"
    net = report(make_vault, {"contacts/Max.md": note(front)}, today=today)
    assert gates(net) == {"Globex GmbH": expected}
    (row,) = company_rows(net)
    (person,) = row["people"]
    assert person["due"] == TODAY.isoformat()
    assert person["overdue"] is (today > TODAY)


def test_an_offer_opens_the_gate_like_vouching(make_vault: MakeVault) -> None:
    net = report(
        make_vault,
        {
            "contacts/Ann.md": note(
                f"company: Initech\ncadence: 30d\nlast_contact: {LAST}\noffers: a job, any time"
            ),
            "contacts/Bob.md": note("company: Initech Inc.\ncadence: 30d"),  # never contacted
        },
    )
    (row,) = company_rows(net)
    assert row["gate"] == "open"
    assert [(p["name"], p["offer"], p["last_contact"]) for p in row["people"]] == [
        ("Ann", "a job, any time", LAST),
        ("Bob", None, None),
    ]
    assert row["last_contact"] == LAST
    assert row["names"] == ["Initech", "Initech Inc."]


def test_never_contacted_people_make_a_cold_gate(make_vault: MakeVault) -> None:
    net = report(make_vault, {"contacts/A.md": note("company: Globex\nvouches: true")})
    assert gates(net) == {"Globex": "cold"}


def test_no_cadence_counts_as_in_touch_once_contacted(make_vault: MakeVault) -> None:
    net = report(make_vault, {"contacts/A.md": note("company: Globex\nlast_contact: 2010-01-01")})
    assert gates(net) == {"Globex": "warm"}


def test_archived_contacts_are_no_gate(make_vault: MakeVault) -> None:
    net = report(
        make_vault,
        {"contacts/A.md": note(f"company: Globex\nlast_contact: {LAST}\narchived: true")},
    )
    assert company_rows(net) == []


# --- spellings, aliases, not companies -------------------------------------------------------


def test_spellings_group_and_the_most_used_one_names_the_company(make_vault: MakeVault) -> None:
    net = report(
        make_vault,
        {
            "contacts/A.md": note("company: Brückenwerk Digital GmbH"),
            "contacts/B.md": note("company: BRUECKENWERK DIGITAL GMBH"),
            "contacts/C.md": note('company: "[[Brückenwerk Digital GmbH]]"'),
            "contacts/D.md": note("company: freelance"),
            "contacts/E.md": note("company: Google Germany GmbH"),
            "contacts/F.md": note("company: Alphabet Inc."),
        },
        '[companies]\n"Alphabet" = ["Google", "Google Germany GmbH"]\n',
    )
    rows = company_rows(net)
    assert [r["company"] for r in rows] == ["Alphabet", "Brückenwerk Digital GmbH"]
    assert rows[0]["names"] == ["Alphabet Inc.", "Google Germany GmbH"]
    assert rows[1]["names"] == ["Brückenwerk Digital GmbH", "BRUECKENWERK DIGITAL GMBH"]
    assert [p["name"] for p in rows[1]["people"]] == ["A", "B", "C"]


# --- alumni -----------------------------------------------------------------------------------


def test_alumni_from_former_and_where_they_are_now(make_vault: MakeVault) -> None:
    net = report(
        make_vault,
        {
            "contacts/A.md": note("company: Initech\nformer: [Globex GmbH, Initech]"),
            "contacts/B.md": note("former: Globex"),
            "contacts/C.md": note("company: Globex AG\nformer: [Globex]"),  # back again: not alumni
        },
    )
    by_name = {r["company"]: r for r in company_rows(net)}
    globex = by_name["Globex"]
    assert globex["gate"] == "cold"  # C is there now, never contacted
    assert globex["alumni"] == [
        {"id": "A", "name": "A", "now_at": "Initech"},
        {"id": "B", "name": "B", "now_at": None},
    ]
    assert by_name["Initech"]["alumni"] == []


def test_a_company_with_only_alumni(make_vault: MakeVault) -> None:
    net = report(make_vault, {"contacts/A.md": note("company: Initech\nformer: [Globex]")})
    assert gates(net) == {"Globex": "alumni", "Initech": "cold"}


GIT = shutil.which("git")


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=Test Person", "-c", "user.email=test@example.com"]
    done = subprocess.run(["git", *identity, *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.usefixtures("git_env")
def test_alumni_from_git_history(make_vault: MakeVault) -> None:
    """A note whose company changed in git, without former:, still counts as alumni of the old
    company; a note renamed since is found by its old name (kept as an alias)."""
    root = make_vault(
        {
            "contacts/Ann.md": note("company: Globex GmbH\nrole: Dev"),
            "contacts/Bob.md": note("company: Globex"),
            "contacts/Cid.md": note("company: Initech"),
        }
    )
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text(".netzmd/\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    write_notes(root, {"contacts/Ann.md": note("company: Initech\nrole: Lead")})
    git(root, "commit", "-q", "-am", "Ann moves")
    write_notes(root, {"contacts/Cid.md": note("company: Umbrella\nrole: CTO")})
    git(root, "commit", "-q", "-am", "Cid moves")
    git(root, "mv", "contacts/Cid.md", "contacts/Cid Jones.md")
    write_notes(root, {"contacts/Cid Jones.md": note("company: Umbrella\naliases: [Cid]")})
    git(root, "commit", "-q", "-am", "rename Cid")
    history = past_companies(root)
    assert history == {"Ann": ["Globex GmbH"], "Cid": ["Initech"]}
    assert (root / ".netzmd" / "companies.json").is_file()
    assert past_companies(root) == history  # from the cache
    net, index = build(root, history=history)
    index.close()
    by_name = {r["company"]: r for r in company_rows(net)}
    assert by_name["Globex"]["alumni"] == [{"id": "Ann", "name": "Ann", "now_at": "Initech"}]
    assert by_name["Globex"]["gate"] == "cold"  # Bob is still there
    assert by_name["Initech"]["alumni"] == [
        {"id": "Cid Jones", "name": "Cid Jones", "now_at": "Umbrella"}
    ]
    initech = company(net, find(net, "initech"))
    assert initech["alumni"][0]["source"] == "git"
    # a later commit is read on top of the cache
    write_notes(root, {"contacts/Bob.md": note("company: Hooli")})
    git(root, "commit", "-q", "-am", "Bob moves")
    assert past_companies(root) == {**history, "Bob": ["Globex"]}


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.usefixtures("git_env")
def test_git_history_is_bounded_to_the_newest_commits(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Ann.md": note("company: A0")})
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text(".netzmd/\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    for n in range(1, 5):
        write_notes(root, {"contacts/Ann.md": note(f"company: A{n}")})
        git(root, "commit", "-q", "-am", f"move {n}")
    assert past_companies(root, limit=2) == {"Ann": ["A2", "A3"]}
    assert past_companies(root, limit=100) == {"Ann": ["A0", "A1", "A2", "A3"]}
    write_notes(root, {"contacts/Ann.md": note("company: A5")})
    git(root, "commit", "-q", "-am", "move 5")
    assert past_companies(root, limit=100) == {"Ann": ["A0", "A1", "A2", "A3", "A4"]}


def test_no_history_outside_git(tmp_path: Path) -> None:
    (tmp_path / "contacts").mkdir()
    assert past_companies(tmp_path) == {}


# --- targets and coverage ---------------------------------------------------------------------


def test_targets_coverage(make_vault: MakeVault) -> None:
    net = report(
        make_vault,
        {
            "contacts/A.md": note(f"company: Globex\nlast_contact: {LAST}\ncadence: 30d"),
            "contacts/B.md": note(f"company: Initech\nlast_contact: {LAST}\nvouches: true"),
            "contacts/C.md": note("company: Umbrella"),
            "contacts/D.md": note("company: Hooli\nformer: [Vandelay]"),
        },
        'targets = ["Initech GmbH", "Globex", "Umbrella", "Vandelay", "Wonka", "globex"]\n',
    )
    rows = company_rows(net, targets=True)
    assert [(r["company"], r["gate"], r["target"]) for r in rows] == [
        ("Initech", "open", True),
        ("Globex", "warm", True),
        ("Umbrella", "cold", True),
        ("Vandelay", "alumni", True),
        ("Wonka", "none", True),
    ]
    assert coverage(net) == (2, 5)
    assert [r["company"] for r in company_rows(net, gates=["cold", "none"])] == [
        "Hooli",
        "Umbrella",
        "Wonka",
    ]
    assert [r["company"] for r in company_rows(net, targets=True, gates=["cold"])] == ["Umbrella"]
    assert "Hooli" in [r["company"] for r in company_rows(net)]
    assert next(r for r in company_rows(net) if r["company"] == "Hooli")["target"] is False


def test_minimum_counts_people_there_and_alumni(make_vault: MakeVault) -> None:
    net = report(
        make_vault,
        {
            "contacts/A.md": note("company: Globex"),
            "contacts/B.md": note("company: Initech\nformer: [Globex]"),
        },
    )
    assert [r["company"] for r in company_rows(net, minimum=2)] == ["Globex"]
    assert [r["company"] for r in company_rows(net, minimum=0)] == ["Globex", "Initech"]
    assert company_rows(net, minimum=3) == []


def test_coverage_without_targets(make_vault: MakeVault) -> None:
    assert coverage(report(make_vault, {})) == (0, 0)


# --- one company in depth -----------------------------------------------------------------------

DEEP = {
    "contacts/Max.md": note(
        "company: Globex GmbH\nrole: CTO\ncadence: 30d\nlast_contact: 2026-10-18\nvouches: true\n"
        "offers: a job\noffer_date: 2026-03-01\nformer: [Kranich Software GmbH]",
    ),
    "contacts/Eve.md": note(
        f'company: Globex\ncadence: 30d\nlast_contact: {LAST}\nintroduced_by: "[[Ida]]"',
        "## Log\n\n- 2026-05-02 [lunch] with [[Tom|Tommy]] at the canteen\n",
    ),
    "contacts/Ida.md": note(f"company: Initech\nlast_contact: {LAST}"),
    "contacts/Ned.md": note(
        "company: Hooli\ncadence: 30d\nlast_contact: 2025-01-01",
        "## Log\n\n- 2025-01-01 [dinner] dinner with [[contacts/Max.md|Max]] and friends\n",
    ),
    "contacts/Tom.md": note("company: Umbrella\nlast_contact: 2026-11-01"),
    "contacts/Ulf.md": note(
        "company: Hooli\nformer: [Globex]\ncircle: competence\ntags: [ex-colleague]\n"
        "last_contact: 2026-11-20"
    ),
    "contacts/Zed.md": note("company: Hooli", "## Log\n\n- 2026-01-01 [call] about [[Nobody]]\n"),
}
DEEP_CONFIG = '[me]\ncompanies = ["Kranich Software"]\n'


def test_company_in_depth(make_vault: MakeVault) -> None:
    net, index = build(make_vault(DEEP, DEEP_CONFIG))
    try:
        data = company(net, find(net, "GLOBEX"), index, {"globex": "Companies/Globex.md"})
    finally:
        index.close()
    assert data["company"] == "Globex"
    assert data["gate"] == "warm"  # Max vouches but is overdue (due 2026-11-17); Eve in touch
    assert data["note"] == "Companies/Globex.md"
    assert [(p["name"], p["due"], p["overdue"], p["in_touch"]) for p in data["people"]] == [
        ("Eve", "2026-11-27", False, True),
        ("Max", "2026-11-17", True, False),
    ]
    max_ = data["people"][1]
    assert (max_["offer"], max_["offer_date"], max_["former_colleague"]) == (
        "a job",
        "2026-03-01",
        True,
    )
    assert data["alumni"] == [
        {
            "id": "Ulf",
            "name": "Ulf",
            "now_at": "Hooli",
            "source": "former",
            "former_colleague": True,
        }
    ]
    assert data["former_colleagues"] == [
        {"id": "Max", "name": "Max", "there_now": True},
        {"id": "Ulf", "name": "Ulf", "there_now": False},
    ]
    assert data["introducers"] == [
        {
            "id": "Ida",
            "name": "Ida",
            "in_touch": True,
            "via": [{"id": "Eve", "name": "Eve", "how": "introduced", "date": None, "text": None}],
        },
        {
            "id": "Tom",
            "name": "Tom",
            "in_touch": True,
            "via": [
                {
                    "id": "Eve",
                    "name": "Eve",
                    "how": "logged",
                    "date": "2026-05-02",
                    "text": "with [[Tom|Tommy]] at the canteen",
                }
            ],
        },
        {
            "id": "Ned",
            "name": "Ned",
            "in_touch": False,
            "via": [
                {
                    "id": "Max",
                    "name": "Max",
                    "how": "logged",
                    "date": "2025-01-01",
                    "text": "dinner with [[contacts/Max.md|Max]] and friends",
                }
            ],
        },
    ]
    assert data["next_step"] == {
        "text": "Max vouches for you but is 10 days overdue: get in touch",
        "id": "Max",
        "name": "Max",
    }


def test_notes_linking_is_a_sieve_by_link_target(make_vault: MakeVault) -> None:
    root = make_vault(DEEP)
    with Index(Vault(root)) as index:
        index.refresh()
        assert sorted(queries.notes_linking(index, {"max"})) == ["contacts/Ned.md"]
        assert sorted(queries.notes_linking(index, {"tom", "nobody"})) == [
            "contacts/Eve.md",
            "contacts/Zed.md",
        ]
        assert queries.notes_linking(index, {"globex"}) == []
        assert queries.notes_linking(index, set()) == []


@pytest.mark.parametrize(
    ("notes", "wanted", "step"),
    [
        (  # open: the in-touch voucher due soonest
            {
                "contacts/A.md": note(
                    f"company: Globex\nvouches: true\ncadence: 30d\nlast_contact: {LAST}"
                )
            },
            "Globex",
            "A vouches for you and is in touch: next contact due 2026-11-27 (today)",
        ),
        (  # open without a cadence
            {"contacts/A.md": note(f"company: Globex\nvouches: true\nlast_contact: {LAST}")},
            "Globex",
            "A vouches for you and is in touch; give them a cadence so it stays so",
        ),
        (  # a lapsed offer comes first, never contacted before overdue
            {
                "contacts/A.md": note(f"company: Globex\nvouches: true\nlast_contact: {LAST}"),
                "contacts/B.md": note("company: Globex\noffers: anytime\ncadence: 30d"),
            },
            "Globex",
            "B made you an offer but has never been contacted: get in touch",
        ),
        (  # warm: ask the in-touch person
            {"contacts/A.md": note(f"company: Globex\nlast_contact: {LAST}")},
            "Globex",
            "A is in touch, but nobody at Globex vouches for you yet: ask A how things are "
            "there and whom you should know",
        ),
        (  # cold: the most recently contacted
            {
                "contacts/A.md": note("company: Globex\ncadence: 30d\nlast_contact: 2026-01-01"),
                "contacts/B.md": note("company: Globex\ncadence: 30d\nlast_contact: 2026-06-01"),
            },
            "Globex",
            "nobody at Globex is in touch: get in touch with B, who is 149 days overdue",
        ),
        (  # alumni: ask one who was there
            {"contacts/A.md": note(f"company: Initech\nformer: Globex\nlast_contact: {LAST}")},
            "Globex",
            "nobody you know is at Globex now: ask A (now at Initech) whom they still know there",
        ),
        (  # none: a target nobody knows
            {},
            "Wonka",
            "nobody you know is or was at Wonka: look for who knows someone there (netzmd "
            'search "Wonka") and ask a former colleague',
        ),
    ],
)
def test_next_step(make_vault: MakeVault, notes: dict[str, str], wanted: str, step: str) -> None:
    net = report(make_vault, notes, 'targets = ["Wonka"]\n')
    assert company(net, find(net, wanted))["next_step"]["text"] == step


def test_next_step_for_my_own_employer(make_vault: MakeVault) -> None:
    net = report(
        make_vault,
        {"contacts/A.md": note("company: Globex\nformer: Kranich")},
        '[me]\ncompanies = ["Kranich GmbH"]\n',
    )
    assert company(net, find(net, "kranich"))["next_step"] == {
        "text": "Kranich is your own employer ([me] in netzmd.toml): the 1 person you know who "
        "left it are your gates elsewhere (netzmd companies)",
        "id": None,
        "name": None,
    }


def test_find_by_prefix_and_the_closest_names(make_vault: MakeVault) -> None:
    net = report(
        make_vault,
        {
            "contacts/A.md": note("company: Globex Corporation"),
            "contacts/B.md": note("company: Global Dynamics"),
            "contacts/C.md": note("company: Initech"),
        },
    )
    assert find(net, "ini").name == "Initech"
    assert find(net, "dynamics").name == "Global Dynamics"  # a word of the name
    with pytest.raises(Ambiguous) as ambiguous:
        find(net, "glob")
    assert (
        ambiguous.value.message == "'glob' matches 2 companies: Global Dynamics, Globex Corporation"
    )
    with pytest.raises(NotFound) as typo:
        find(net, "Initek")
    assert typo.value.message == "no company matches 'Initek'"
    assert typo.value.hint == "Did you mean: Initech?"
    with pytest.raises(NotFound) as nothing:
        find(net, "zzz")
    assert nothing.value.hint == "Run 'netzmd companies' to see every company."


def test_company_notes_anywhere_but_contacts_and_hidden_folders(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Globex.md": note("company: x")})
    write_notes(
        root,
        {
            "Companies/Globex GmbH.md": "# Globex\n",
            "work/clients/Initech.md": "# Initech\n",
            ".trash/Umbrella.md": "old\n",
            "templates/Hooli.md": "template\n",
            "Companies/notes.txt": "not a note\n",
        },
    )
    assert company_notes(root, Aliases()) == {
        "globex": "Companies/Globex GmbH.md",
        "initech": "work/clients/Initech.md",
    }
