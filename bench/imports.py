"""Time ``netzmd import linkedin``: a 10,000-row Connections.csv into a 10,000-contact vault,
then the same file again (nothing to change), side by side with a warm agenda in one run.

Usage::

    .venv/bin/python bench/imports.py [--count 10000] [--rows 10000] [--runs 3] [--json]

The vault is a git repository made by bench/generate.py (``--commits 1``). The file holds one
row for half of the vault's contacts (their LinkedIn URL when the note has one, else their name;
one in twenty with a new company, so the import has job changes to write) and new people for
the rest of the rows. Every run imports into a fresh copy of the vault (index cache included;
the copy is not timed), then imports the same file again into that copy. Standard library
only; always exits 0 once the vault exists (benchmarks inform, they do not gate CI).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TODAY = "2026-11-27"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FIELD = re.compile(r"^(name|company|role|linkedin): (.*)$", re.MULTILINE)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def unquote(value: str) -> str:
    value = value.strip()
    if value[:1] in "\"'" and value[-1:] == value[:1]:
        return value[1:-1]
    return value


SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ner",
    "sta",
    "vi",
    "den",
    "ro",
    "sel",
    "ma",
    "tin",
    "hau",
    "ber",
    "ge",
    "li",
    "an",
    "wal",
    "dor",
    "fe",
    "run",
]


def made_up(rng: random.Random, parts: int) -> str:
    """A name nobody in the vault has, as varied as real names are."""
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def write_connections(vault: Path, rows: int, seed: int, dest: Path) -> None:
    rng = random.Random(seed)
    notes = sorted((vault / "contacts").rglob("*.md"))
    existing = notes[: min(len(notes) // 2, rows)]
    with dest.open("w", newline="", encoding="utf-8") as f:
        f.write(
            'Notes:\n"When exporting your connection data, you may notice that some of the '
            'email addresses are missing."\n\n'
        )
        out = csv.writer(f)
        out.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        for path in existing:
            text = path.read_text(encoding="utf-8")
            front = text.split("\n---", 1)[0]
            fields = {k: unquote(v) for k, v in FIELD.findall(front)}
            name = fields.get("name") or path.stem
            first, _, last = name.partition(" ")
            company = fields.get("company", "")
            if rng.random() < 0.05:
                company = f"{company} Next" if company else "Initech"
            day = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2010, 2026)}"
            out.writerow(
                [first, last, fields.get("linkedin", ""), "", company, fields.get("role", ""), day]
            )
        for _ in range(rows - len(existing)):
            first, last = made_up(rng, 2), made_up(rng, 3)
            url = f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}"
            day = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2010, 2026)}"
            out.writerow([first, last, url, "", "Globex", "Engineer", day])


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"error: {' '.join(argv)} failed: {proc.stderr.decode()[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    netzmd = str(Path(sys.executable).parent / "netzmd")
    work = Path(tempfile.mkdtemp(prefix="netzmd-bench-import-"))
    try:
        vault = work / "vault"
        log(f"generating {args.count} contacts ...")
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "generate.py"),
                str(vault),
                "--count",
                str(args.count),
                "--seed",
                str(args.seed),
                "--commits",
                "1",
            ],
            check=True,
        )
        subprocess.run(
            ["git", "-C", str(vault), "config", "user.email", "bench@example.org"], check=True
        )
        subprocess.run(["git", "-C", str(vault), "config", "user.name", "Bench"], check=True)
        file = work / "Connections.csv"
        write_connections(vault, args.rows, args.seed, file)
        subprocess.run(
            [netzmd, "--vault", str(vault), "list", "--today", TODAY],
            capture_output=True,
            check=True,
        )  # a warm index in the copies
        times: dict[str, list[float]] = {"warm agenda": [], "import": [], "re-import": []}
        for run in range(args.runs):
            copy = work / f"copy{run}"
            shutil.copytree(vault, copy, symlinks=True)
            nz = [netzmd, "--vault", str(copy)]
            times["warm agenda"].append(
                timed([*nz, "agenda", "--format", "json", "--today", TODAY])
            )
            times["import"].append(timed([*nz, "import", "linkedin", str(file), "--today", TODAY]))
            times["re-import"].append(
                timed([*nz, "import", "linkedin", str(file), "--today", TODAY])
            )
            log(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
            shutil.rmtree(copy)
        medians = {k: statistics.median(v) for k, v in times.items()}
        if args.json:
            print(json.dumps({"count": args.count, "rows": args.rows, "medians": medians}))
        else:
            print(f"| case ({args.count:,} contacts, {args.rows:,} rows) | median | runs |")
            print("| --- | --- | --- |")
            for k, v in times.items():
                print(f"| {k} | {medians[k]:.2f} s | {', '.join(f'{t:.2f}' for t in v)} |")
            print(
                f"\nre-import / import: {medians['re-import'] / medians['import']:.2f}; "
                f"import / warm agenda: {medians['import'] / medians['warm agenda']:.1f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
