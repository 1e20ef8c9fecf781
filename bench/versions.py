"""Two versions of netzmd side by side in one run: warm and cold agenda (and warm list).

For a change that must not slow netzmd down (a refactoring, say): the code of an earlier
commit (``--before``, taken with ``git archive``) against the working tree, on the same
generated vault (one copy each, as their caches differ), measured round-robin in one run so that
the machine's load falls on both alike. Whole processes, as a user runs them.

    .venv/bin/python bench/versions.py --before 0d27cdb            # 10,000 contacts, 7 runs
    .venv/bin/python bench/versions.py --before HEAD~5 --count 2000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-27"


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv,
        env=env,
        cwd=env["NETZMD_BENCH_CWD"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()[-2000:]}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the earlier commit (any git revision)")
    parser.add_argument("--count", type=int, default=10000, help="contacts to generate")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="netzmd-versions-"))
    try:
        code = {"before": work / "before", "after": REPO}
        code["before"].mkdir()
        archive = subprocess.run(
            ["git", "archive", args.before, "netzmd", "templates"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(code["before"])], input=archive, check=True)
        # Bytecode for both versions, as an installed tool has it: with PYTHONDONTWRITEBYTECODE
        # set (as here) every run would otherwise compile all of netzmd's source again.
        for root in code.values():
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(root / "netzmd")], check=True
            )
        print(f"generating {args.count:,} contacts …", file=sys.stderr)
        source = work / "vault"
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--count",
             str(args.count)],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        cases: dict[str, tuple[list[str], dict[str, str], Path | None]] = {}
        for version, root in code.items():
            vault = work / f"vault-{version}"
            shutil.copytree(source, vault)
            # Run outside the repository: python -m puts the working folder first on sys.path.
            env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1"}
            env["NETZMD_BENCH_CWD"] = str(work)
            base = [sys.executable, "-m", "netzmd", "--vault", str(vault)]
            agenda = [*base, "agenda", "--format", "json", "--today", TODAY]
            listing = [*base, "list", "--format", "json", "--today", TODAY]
            cases[f"{version}: cold agenda"] = (agenda, env, vault / ".netzmd")
            cases[f"{version}: warm agenda"] = (agenda, env, None)
            cases[f"{version}: warm list"] = (listing, env, None)
            where = subprocess.run(
                [sys.executable, "-c", "import netzmd; print(netzmd.__file__)"],
                env=env,
                cwd=work,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            assert where.startswith(str(root)), f"{version} imports {where}"
        times: dict[str, list[float]] = {name: [] for name in cases}
        for argv, env, _ in cases.values():  # warm-up, untimed
            timed(argv, env)
        for run in range(args.runs):
            print(f"round {run + 1}/{args.runs}", file=sys.stderr)
            for name, (argv, env, cache) in cases.items():
                if cache is not None:
                    shutil.rmtree(cache, ignore_errors=True)
                times[name].append(timed(argv, env))
        print(f"| case ({args.count:,} contacts, median of {args.runs}) | before | after | ratio |")
        print("| --- | ---: | ---: | ---: |")
        for case in ("cold agenda", "warm agenda", "warm list"):
            before = statistics.median(times[f"before: {case}"])
            after = statistics.median(times[f"after: {case}"])
            print(f"| {case} | {before:.3f} s | {after:.3f} s | {after / before:.2f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
