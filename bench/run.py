"""Time netzmd against the naive reference script, as whole processes.

Usage::

    .venv/bin/python bench/run.py [--count 10000] [--runs 5] [--vault DIR] [--keep] [--json]

Generates a synthetic vault (bench/generate.py), then runs every case ``--runs`` times,
round-robin (run 1 of each case, then run 2 of each, ...) so that changes in machine load
hit all cases alike. Prints a Markdown table and whether the targets are met. Always exits 0
once the vault exists: benchmarks inform, they do not gate CI.

Standard library only. Run it with the project's venv python: ``netzmd`` is looked up next to
``sys.executable`` and the naive script needs python-frontmatter.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
TODAY = "2026-11-27"
X = "\u00d7"  # the multiplication sign


@dataclass
class Case:
    name: str
    argv: list[str]
    baseline: str | None  # the case this one is compared with
    warm_up: bool = False  # one untimed run before the timed ones
    before: Callable[[], None] | None = None  # run (untimed) before every run
    after_all: Callable[[], None] | None = None  # run once when the benchmark ends
    compared: bool = True  # False: timed on its own, neither a baseline nor compared with one
    times: list[float] = field(default_factory=list)
    error: str | None = None  # why the case was skipped or stopped

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


@dataclass(frozen=True)
class Target:
    case: str
    minimum: float  # required ratio baseline/case
    text: str


TARGETS = (
    Target("warm list", 10.0, f"warm list ≥ 10{X} faster than naive"),
    Target("cold list", 1.0, "cold list no slower than naive (ratio ≥ 1.0)"),
    Target("warm agenda", 10.0, f"warm agenda ≥ 10{X} faster than naive agenda"),
    Target("companies", 0.5, f"companies within 2{X} a warm agenda (ratio ≥ 0.5)"),
    Target("suggest", 0.5, f"suggest within 2{X} a warm agenda (ratio ≥ 0.5)"),
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tail(text: bytes, lines: int = 5) -> str:
    decoded = text.decode("utf-8", "replace").strip().splitlines()
    return " | ".join(decoded[-lines:]) if decoded else "(no output on stderr)"


def run_once(argv: list[str], timeout: float) -> tuple[float, str | None]:
    """Run one whole process; (seconds, None) on success, (seconds, reason) on failure."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, f"timed out after {timeout:.0f} s"
    except OSError as exc:
        return time.perf_counter() - started, f"could not start: {exc}"
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        return elapsed, f"exit code {proc.returncode}: {tail(proc.stderr)}"
    return elapsed, None


def probe(argv: list[str]) -> str | None:
    """None when ``argv`` exits 0 (used for --help checks), else the reason."""
    _elapsed, error = run_once(argv, timeout=120)
    return error


def count_notes(vault: Path) -> int:
    return sum(1 for _ in (vault / "contacts").rglob("*.md"))


def prepare_vault(args: argparse.Namespace) -> tuple[Path, bool, float | None]:
    """(vault, remove it afterwards?, generation seconds or None when reused)."""
    if args.vault is not None and (args.vault / "contacts").is_dir():
        log(f"using existing vault {args.vault} (--count is ignored)")
        return args.vault, False, None
    if args.vault is not None:
        vault, temporary = args.vault, False
    else:
        vault, temporary = Path(tempfile.mkdtemp(prefix="netzmd-bench-")), True
    log(f"generating {args.count} contacts into {vault} ...")
    cmd = [sys.executable, str(BENCH / "generate.py"), str(vault), "--count", str(args.count)]
    cmd += ["--seed", str(args.seed)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        if temporary:
            shutil.rmtree(vault, ignore_errors=True)
        raise SystemExit(f"error: generating the vault failed (exit code {proc.returncode})")
    return vault, temporary, elapsed


class OneEdit:
    """Before each run, one note as a person left it a minute ago: a log line added, or taken
    away again. The index then finds the folder changed, compares every stat row, parses that
    note and writes it back. ``restore`` puts the note back as it was, mtime included."""

    LINE = b"\n- 2026-11-20 [call] an edit made by the benchmark\n"

    def __init__(self, vault: Path) -> None:
        self.path = min((vault / "contacts").glob("*.md"))
        self.original = self.path.read_bytes()
        self.times = self.path.stat()
        self.edited = False

    def __call__(self) -> None:
        self.edited = not self.edited
        self.path.write_bytes(self.original + (self.LINE if self.edited else b""))
        a_minute_ago = time.time_ns() - 60_000_000_000
        os.utime(self.path, ns=(a_minute_ago, a_minute_ago))

    def restore(self) -> None:
        self.path.write_bytes(self.original)
        os.utime(self.path, ns=(self.times.st_atime_ns, self.times.st_mtime_ns))


def build_cases(vault: Path, today: str) -> list[Case]:
    python = sys.executable
    netzmd = Path(sys.executable).parent / "netzmd"
    cache = vault / ".netzmd"
    naive = [python, str(BENCH / "naive.py"), str(vault), "--today", today]
    nz = [str(netzmd), "--vault", str(vault)]
    list_cmd = [*nz, "list", "--format", "json", "--today", today]

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    cases = [
        Case("naive", naive, None),
        Case("cold list", list_cmd, "naive", before=drop_cache),
        Case("warm list", list_cmd, "naive", warm_up=True),
        Case("naive agenda", [*naive, "--agenda"], None),
        Case(
            "warm agenda",
            [*nz, "agenda", "--format", "json", "--today", today],
            "naive agenda",
            warm_up=True,
        ),
        Case("startup", [str(netzmd), "--help"], "naive", warm_up=True),
        Case(
            "companies",
            [*nz, "companies", "--format", "json", "--today", today],
            "warm agenda",
            warm_up=True,
        ),
        # the generated vault has no [me] city; about 1 in 50 of its contacts live in Berlin
        Case(
            "suggest",
            [*nz, "suggest", "--city", "Berlin", "--format", "json", "--today", today],
            "warm agenda",
            warm_up=True,
        ),
    ]
    edit = OneEdit(vault)
    cases.append(
        Case(
            "edited agenda",
            [*nz, "agenda", "--format", "json", "--today", today],
            "naive agenda",
            warm_up=True,
            before=edit,
            after_all=edit.restore,
        )
    )
    # exports from the warm index (no ratio target: the naive script exports nothing)
    for fmt in ("vcard", "ics", "json"):
        argv = [*nz, "export", fmt] + (["--today", today] if fmt != "vcard" else [])
        cases.append(Case(f"export {fmt}", argv, None, warm_up=True, compared=False))
    netzmd_cases = [c for c in cases if c.argv[0] == str(netzmd)]
    if not netzmd.exists():
        for case in netzmd_cases:
            case.error = f"no netzmd executable at {netzmd} (is the package installed?)"
        return cases
    error = probe([str(netzmd), "--help"])
    if error is not None:
        for case in netzmd_cases:
            case.error = f"`netzmd --help` failed: {error}"
        return cases
    error = probe([*nz, "agenda", "--help"])
    if error is not None:
        for case in cases:
            if case.name.endswith(" agenda") and case.argv[0] == str(netzmd):
                case.error = f"skipped: `netzmd agenda --help` failed ({error})"
    return cases


def measure(cases: list[Case], runs: int, timeout: float) -> None:
    for case in cases:
        if case.error is None and case.warm_up:
            if case.before is not None:
                case.before()
            elapsed, error = run_once(case.argv, timeout)
            log(
                f"warm-up  {case.name:<13} {elapsed:8.3f} s"
                + (f"  FAILED: {error}" if error else "")
            )
            if error is not None:
                case.error = f"warm-up run failed: {error}"
    for round_no in range(1, runs + 1):
        for case in cases:
            if case.error is not None:
                continue
            if case.before is not None:
                case.before()
            elapsed, error = run_once(case.argv, timeout)
            if error is not None:
                case.error = f"run {round_no} failed: {error}"
                log(f"run {round_no}/{runs}  {case.name:<13} FAILED: {error}")
                continue
            case.times.append(elapsed)
            log(f"run {round_no}/{runs}  {case.name:<13} {elapsed:8.3f} s")


def ratio(cases: dict[str, Case], case: Case) -> float | None:
    if case.baseline is None:
        return None
    base = cases[case.baseline].median
    mine = case.median
    if base is None or mine is None or mine <= 0:
        return None
    return base / mine


def describe_ratio(value: float | None, case: Case) -> str:
    if not case.compared:
        return "no baseline"
    if case.baseline is None:
        return "baseline" if case.times else "-"
    if value is None:
        return "-"
    if value >= 1.0:
        return f"{value:.1f}{X} faster"
    return f"{1 / value:.1f}{X} slower"


def evaluate(cases: dict[str, Case]) -> list[dict[str, Any]]:
    results = []
    for target in TARGETS:
        case = cases[target.case]
        value = ratio(cases, case)
        if value is None:
            reason = case.error or cases[case.baseline or ""].error or "not measured"
            verdict, detail = "N/A", f"not measured: {reason}"
        else:
            verdict = "PASS" if value >= target.minimum else "FAIL"
            detail = f"{value:.2f}{X}"
        results.append(
            {
                "target": target.text,
                "case": target.case,
                "minimum": target.minimum,
                "ratio": value,
                "verdict": verdict,
                "detail": detail,
            }
        )
    return results


def markdown(cases: list[Case], targets: list[dict[str, Any]], info: dict[str, Any]) -> str:
    by_name = {c.name: c for c in cases}
    lines = [
        f"netzmd benchmark: {info['notes']} notes, {info['runs']} runs per case, "
        f"today {info['today']}",
        "",
        "| case | median s | min s | max s | ratio vs naive |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for case in cases:
        if case.times:
            med = f"{case.median:.3f}"
            low, high = f"{min(case.times):.3f}", f"{max(case.times):.3f}"
        else:
            med = low = high = "-"
        lines.append(
            f"| {case.name} | {med} | {low} | {high} | "
            f"{describe_ratio(ratio(by_name, case), case)} |"
        )
    notes = [c for c in cases if c.error]
    if notes:
        lines.append("")
        lines.extend(f"- note: {c.name}: {c.error}" for c in notes)
    lines += ["", "Targets:", ""]
    lines.extend(f"- {t['verdict']}: {t['target']} ({t['detail']})" for t in targets)
    return "\n".join(lines)


def compile_packages() -> None:
    """Write bytecode for netzmd and the naive script's imports, as an ordinary install does.

    An editable install runs from source, and a machine with PYTHONDONTWRITEBYTECODE set (this
    sandbox has it) would otherwise recompile every module in every timed process: a cost no
    installed tool pays. Both sides get the same treatment."""
    code = (
        "import compileall, importlib.util, os\n"
        "for name in ('netzmd', 'frontmatter', 'yaml'):\n"
        "    spec = importlib.util.find_spec(name)\n"
        "    if spec and spec.submodule_search_locations:\n"
        "        for folder in spec.submodule_search_locations:\n"
        "            compileall.compile_dir(folder, quiet=1)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark netzmd against the naive script.")
    parser.add_argument("--count", type=int, default=10000, help="contacts to generate")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case")
    parser.add_argument("--vault", type=Path, help="use this vault (generated if missing)")
    parser.add_argument("--keep", action="store_true", help="keep the generated temp vault")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--today", default=TODAY, help="the --today passed to every case")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per run")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    vault, temporary, gen_seconds = prepare_vault(args)
    compile_packages()
    cases: list[Case] = []
    try:
        cases = build_cases(vault, args.today)
        measure(cases, args.runs, args.timeout)
        cache = vault / ".netzmd"
        if not cache.exists() and any(c.times for c in cases if c.name.endswith(" list")):
            log(
                f"warning: {cache} does not exist after the netzmd runs; 'cold' vs 'warm' "
                "may not mean what this benchmark assumes"
            )
        notes = count_notes(vault)
    finally:
        for case in cases:
            if case.after_all is not None:
                case.after_all()
        if temporary and not args.keep:
            shutil.rmtree(vault, ignore_errors=True)
        elif temporary:
            log(f"kept vault at {vault}")

    by_name = {c.name: c for c in cases}
    targets = evaluate(by_name)
    info = {
        "notes": notes,
        "runs": args.runs,
        "today": args.today,
        "vault": str(vault),
        "generate_seconds": gen_seconds,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    if args.json:
        payload = {
            **info,
            "cases": [
                {
                    "case": c.name,
                    "command": c.argv,
                    "baseline": c.baseline,
                    "times": c.times,
                    "median": c.median,
                    "min": min(c.times) if c.times else None,
                    "max": max(c.times) if c.times else None,
                    "ratio": ratio(by_name, c),
                    "error": c.error,
                }
                for c in cases
            ],
            "targets": targets,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        if gen_seconds is not None:
            print(f"(vault generated in {gen_seconds:.1f} s)\n")
        print(markdown(cases, targets, info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
