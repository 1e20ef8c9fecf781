"""Time the git-history commands as whole processes: ``history`` of a note with 1,000 commits,
``changes --since 30d`` and the agenda's News on a 10,000-contact vault with 5,000 commits.

Usage::

    .venv/bin/python bench/history.py [--dir DIR] [--runs 5] [--json]

Makes (or reuses, in ``--dir``) two vaults: ``v10k`` (``generate.py --count 10000 --commits
5000``, ~20 s) and ``v10k-hot``, a clone of it with 1,000 more commits that each edit one note
(a log line, its company or role, a follow-up ticked), made with git fast-import. Runs every
case ``--runs`` times round-robin after one untimed warm-up (which builds the index), and
prints the medians as a Markdown table. Exits 0 whatever the times: benchmarks inform.

Standard library only; run it with the project's venv python (``netzmd`` is looked up next to
``sys.executable``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from run import log, run_once  # noqa: E402

TODAY = "2026-11-27"
HOT_COMMITS = 1000
TARGET_SECONDS = 5.0  # "a few seconds"


@dataclass
class Case:
    name: str
    argv: list[str]
    before: list[Path] = field(default_factory=list)  # files removed before every run
    times: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def make_base(dest: Path) -> None:
    if (dest / ".git").is_dir() and (dest / "contacts").is_dir():
        log(f"using {dest}")
        return
    log(f"generating {dest} (10,000 contacts, 5,000 commits) ...")
    cmd = [sys.executable, str(BENCH / "generate.py"), str(dest), "--count", "10000"]
    subprocess.run([*cmd, "--commits", "5000", "--force"], check=True)


def hot_note(vault: Path) -> str:
    """The note that gets the extra commits: the first one in contacts/ with a company."""
    for path in sorted((vault / "contacts").glob("*.md")):
        text = path.read_text("utf-8")
        if "\ncompany: " in text and "\n## Log\n" in text:
            return path.relative_to(vault).as_posix()
    raise SystemExit("error: no note with a company and a log in the vault")


def make_hot(base: Path, dest: Path) -> str:
    """Clone ``base`` and add HOT_COMMITS commits that each edit one note; its path."""
    if (dest / ".git").is_dir():
        log(f"using {dest}")
        note = git(dest, "log", "-1", "--format=%s").removeprefix("Hot edit: ").strip()
        return note
    log(f"cloning {base} and adding {HOT_COMMITS} commits to one note ...")
    git(base.parent, "clone", "-q", str(base), str(dest))
    path = hot_note(dest)
    rng = random.Random(7)
    contact = generate.Contact("Bench Person", "Bench", "Person", "")
    writer = generate.Writer(rng, [contact])
    text = (dest / path).read_text("utf-8")
    first = Path(path).stem.split()[0]
    who = f"{generate.IDENTITY[0]} <{generate.IDENTITY[1]}>"
    start = dt.datetime(2026, 11, 28, 8, tzinfo=dt.UTC)
    proc = subprocess.Popen(
        ["git", "-C", str(dest), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    for n in range(HOT_COMMITS):
        when = start + dt.timedelta(hours=7 * n)
        new_text, verb = generate.edit_note(writer, text, first, when.date())
        while new_text == text:  # the same company or role drawn again: edit anew
            new_text, verb = generate.edit_note(writer, text, first, when.date())
        text = new_text
        message = f"{verb} (hot {n + 1}): {path}".encode()
        data = text.encode("utf-8")
        stamp = f"{who} {int(when.timestamp())} +0000"
        proc.stdin.write(f"commit refs/heads/main\nauthor {stamp}\ncommitter {stamp}\n".encode())
        proc.stdin.write(f"data {len(message)}\n".encode() + message + b"\n")
        if n == 0:
            proc.stdin.write(b"from refs/heads/main^0\n")
        proc.stdin.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    proc.stdin.write(b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("error: git fast-import failed")
    git(dest, "reset", "-q", "--hard")
    git(dest, "commit", "-q", "--allow-empty", "-m", f"Hot edit: {path}")
    return path


def cases(base: Path, hot: Path, note: str) -> list[Case]:
    netzmd = str(Path(sys.executable).parent / "netzmd")
    name = Path(note).stem
    hist = [netzmd, "--vault", str(hot), "history", name]
    changes = [netzmd, "--vault", str(base), "changes", "--since", "30d", "--today", TODAY]
    news = (
        "import sys; from datetime import date; from pathlib import Path; "
        "from netzmd.git.history import news; "
        f"print(len(news(Path(sys.argv[1]), date.fromisoformat('{TODAY}'), 30)))"
    )
    news_cmd = [sys.executable, "-c", news, str(base)]
    return [
        Case("history (1,000 commits)", hist),
        Case("history --format json", [*hist, "--format", "json"]),
        Case("history --patch", [*hist, "--patch"]),
        Case("changes --since 30d", changes),
        Case("changes --since 30d json", [*changes, "--format", "json"]),
        Case("news 30 days, no cache", news_cmd, before=[base / ".netzmd" / "news.json"]),
        Case("news 30 days, cached", news_cmd),
        Case("startup (netzmd --help)", [netzmd, "--help"]),
    ]


def measure(all_cases: list[Case], runs: int, timeout: float) -> None:
    for case in all_cases:
        elapsed, error = run_once(case.argv, timeout)
        log(f"warm-up  {case.name:<26} {elapsed:8.3f} s" + (f"  FAILED: {error}" if error else ""))
        case.error = error
    for round_no in range(1, runs + 1):
        for case in all_cases:
            if case.error is not None:
                continue
            for path in case.before:
                path.unlink(missing_ok=True)
            elapsed, error = run_once(case.argv, timeout)
            if error is not None:
                case.error = error
                continue
            case.times.append(elapsed)
            log(f"run {round_no}/{runs}  {case.name:<26} {elapsed:8.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time history, changes and news.")
    parser.add_argument("--dir", type=Path, help="where the vaults are (made when missing)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="netzmd-history-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    base, hot = folder / "v10k", folder / "v10k-hot"
    started = time.perf_counter()
    make_base(base)
    note = make_hot(base, hot)
    log(f"vaults ready in {time.perf_counter() - started:.1f} s; hot note: {note}")
    commits = git(hot, "rev-list", "--count", "HEAD", "--", note).strip()
    log(f"{note} has {commits} commits")
    all_cases = cases(base, hot, note)
    measure(all_cases, max(1, args.runs), args.timeout)
    if args.json:
        print(
            json.dumps(
                [{"case": c.name, "median": c.median, "times": c.times, "error": c.error}
                 for c in all_cases],
                indent=2,
            )
        )  # fmt: skip
    else:
        print(f"| case | median (s) | target ≤ {TARGET_SECONDS:.0f} s |")
        print("| --- | ---: | --- |")
        for c in all_cases:
            if c.median is None:
                print(f"| {c.name} | – | failed: {c.error} |")
                continue
            met = "met" if c.median <= TARGET_SECONDS else "MISSED"
            print(f"| {c.name} | {c.median:.3f} | {met} |")
    if args.dir is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
