"""A small mutation tester: one small code change at a time, then the module's tests.

For each module in ``MODULES`` the script lists every mutant (a comparison made strict or
loose, ``==`` turned into ``!=``, ``and`` into ``or``, a ``not`` dropped, an integer one up or
one down, ``True`` into ``False``, ``return x`` into ``return None``, ``+`` into ``-``, a string
that is compared with made unequal, a ``raise``/``continue``/``break`` removed), draws a sample
with a fixed seed, writes each mutant over a *copy* of the repository and runs the module's
test files there. A mutant is killed when the tests fail (or hang past the timeout), and it
survived when they pass. The score is killed / mutants.

The working tree is never touched: the repository's ``netzmd/``, ``tests/``, ``templates/``
and ``pyproject.toml`` are copied once per worker into a temporary directory, and pytest runs
inside that copy with ``PYTHONPATH`` pointing at it, so the copy's ``netzmd`` is imported
before the editable install. Before any mutant, the script checks that the copy passes its
tests unmutated and that a deliberately broken module makes them fail.

Usage (from the repository root)::

    .venv/bin/python bench/mutate.py --sample 120 --seed 1
    .venv/bin/python bench/mutate.py --module netzmd/model/names.py --show-survivors
    .venv/bin/python bench/mutate.py --list --module netzmd/model/dates.py

Standard library only.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The modules under test and the test files that pin them (paths relative to the repository).
MODULES: dict[str, list[str]] = {
    "netzmd/model/names.py": ["tests/test_model_names.py"],
    "netzmd/model/agenda.py": ["tests/test_model_agenda.py"],
    "netzmd/model/recurrence.py": ["tests/test_model_recurrence.py"],
    "netzmd/model/dates.py": ["tests/test_model_dates.py"],
    "netzmd/notes/edit.py": ["tests/test_notes_edit.py"],
    "netzmd/notes/edit_front.py": ["tests/test_notes_edit.py"],
    "netzmd/notes/edit_body.py": ["tests/test_notes_edit.py"],
    "netzmd/model/identity.py": ["tests/test_model_identity.py"],
    "netzmd/ops/importing.py": [
        "tests/test_ops_importing.py",
        "tests/test_cli_importing.py",
        "tests/test_formats_import_contract.py",
    ],
    "netzmd/model/duplicates.py": ["tests/test_model_duplicates.py"],
    "netzmd/model/companies.py": ["tests/test_model_companies.py"],
}

# What is copied into each worker's scratch repository.
COPY = ["netzmd", "tests", "templates", "contacts", "netzmd.toml", "pyproject.toml", "README.md"]

# Mutants that cannot change behaviour, by (module file name without folder, function, code before,
# code after), with the reason; a ``continue``/``break``/``raise`` is named with the ``if`` it is
# in; "*" for both codes: every mutant of that function. Keep this short: a mutant belongs here
# only when no test could ever kill it.
KNOWN_EQUIVALENT: dict[tuple[str, str, str, str], str] = {
    ("names.py", "find", "by_file[0]", "by_file[-1]"): "the list holds exactly one",
    ("names.py", "find", "hits[0]", "hits[-1]"): "the list holds exactly one",
    ("names.py", "find", "len(hits) > 1", "len(hits) >= 1"): "len 1 returned just above",
    ("names.py", "find", "len(hits) > 1", "len(hits) > 0"): "len 1 returned just above",
    ("recurrence.py", "_next", "day=1", "day=2"): ("only the year and month of that day are used"),
    ("recurrence.py", "_in_month", "k > 0", "k >= 0"): "k is never 0 (parse refuses it)",
    ("recurrence.py", "_in_month", "k > 0", "k > -1"): "k is never 0 (parse refuses it)",
    ("agenda.py", "keep_in_touch", "r[2]", "r[3]"): (
        "sorting by the Person instead of its path: a Person's first field is its path"
    ),
    ("agenda.py", "keep_in_touch", "if text is None: continue", "if text is None: pass"): (
        "a shortcut: Cadence.parse(None) is None, so the next check skips the contact"
    ),
    (
        "agenda.py",
        "keep_in_touch",
        "if latest is not None and latest > limit[1]: continue",
        "if latest is not None and latest > limit[1]: pass",
    ): "a shortcut: _due decides the same (the property test holds it to the plain rule)",
    ("agenda.py", "_due", "max((due - last).days, 1)", "max((due - last).days, 0)"): (
        "a cadence is at least one day, so due - last is never below 1"
    ),
    ("edit.py", "FrontMatter.append_at", "at > 1", "at > 0"): (
        "line 0 is the opening '---', never blank"
    ),
    ("edit.py", "Node", "flow: bool = False", "flow: bool = True"): (
        "every list and mapping node is made with flow=; no one reads it of a scalar"
    ),
    ("edit.py", "Node", "tangled: bool = False", "tangled: bool = True"): (
        "every node is made with tangled="
    ),
    ("edit.py", "FrontMatter.__init__", "close or 0", "close or -1"): (
        "self.close is read only when the front matter exists (close is not None)"
    ),
    ("edit.py", "FrontMatter.__init__", "close or 0", "close or 1"): (
        "self.close is read only when the front matter exists (close is not None)"
    ),
    (
        "edit.py",
        "_entries.build",
        "raise EditError('the front matter ends inside a list or mapping')",
        "pass",
    ): "unreachable (pragma: no cover): the parser always closes what it opens",
    (
        "edit.py",
        "_entries.build",
        "raise EditError(f'unexpected YAML event {type(event).__name__}')",
        "pass",
    ): "unreachable (pragma: no cover): a document holds only these events",
    ("edit_front.py", "_set_block_list", "strict=True", "strict=False"): (
        "zip over two slices of the same length (paired)"
    ),
    ("edit.py", "same", "strict=True", "strict=False"): "the lengths are compared just before",
    ("edit_front.py", "_same_meaning", "strict=True", "strict=False"): (
        "the lengths are compared just before"
    ),
    ("edit.py", "Node.pairs", "strict=True", "strict=False"): (
        "a mapping's children are key, value, key, value, …: always an even number"
    ),
    ("edit_front.py", "bump_last_contact", "old < when", "old <= when"): (
        "setting last_contact to the day it holds leaves the text as it is"
    ),
}


@dataclass(frozen=True, slots=True)
class Mutant:
    module: str
    index: int  # the position in the module's deterministic list of mutants
    line: int
    function: str
    before: str
    after: str

    def describe(self) -> str:
        return f"{self.module}:{self.line} ({self.function}): {self.before}  →  {self.after}"

    def key(self) -> tuple[str, str, str, str]:
        return (Path(self.module).name, self.function, self.before, self.after)

    def equivalent(self) -> bool:
        whole = (Path(self.module).name, self.function, "*", "*")
        return self.key() in KNOWN_EQUIVALENT or whole in KNOWN_EQUIVALENT


# --- listing and applying mutants -------------------------------------------------------------

_SWAP_CMP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}

_SKIP_FIELDS = {"annotation", "returns", "type_comment", "decorator_list"}

Candidate = tuple[ast.AST, Callable[[], ast.AST]]  # (node shown as "before", make replacement)


def _candidates(node: ast.AST, parents: list[ast.AST]) -> Iterator[Candidate]:
    """The mutants of one node: each a function that returns the replacement node."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            swap = _SWAP_CMP.get(type(op))
            if swap is not None:

                def make(i: int = i, swap: type[ast.cmpop] = swap) -> ast.AST:
                    new = copy.deepcopy(node)
                    new.ops[i] = swap()
                    return new

                yield node, make
        # A string that is compared with: make it a string that never matches.
        for j, operand in enumerate([node.left, *node.comparators]):
            for k in range(len(_compared_strings(operand))):

                def make_s(j: int = j, k: int = k) -> ast.AST:
                    new = copy.deepcopy(node)
                    target = _compared_strings([new.left, *new.comparators][j])[k]
                    target.value = target.value + "_x"
                    return new

                yield node, make_s
    elif isinstance(node, ast.BoolOp):

        def make_b() -> ast.AST:
            new = copy.deepcopy(node)
            new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            return new

        yield node, make_b
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield node, lambda: copy.deepcopy(node.operand)
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        yield node, lambda: ast.Constant(not node.value)
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        if not _negated(parents):
            yield node, lambda: ast.Constant(node.value + 1)
            yield node, lambda: ast.Constant(node.value - 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        if isinstance(node.operand, ast.Constant) and type(node.operand.value) is int:
            yield node, lambda: ast.Constant(-node.operand.value + 1)
            yield node, lambda: ast.Constant(-node.operand.value - 1)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        if not (_is_text(node.left) or _is_text(node.right)):

            def make_a() -> ast.AST:
                new = copy.deepcopy(node)
                new.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
                return new

            yield node, make_a
    elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add | ast.Sub):
        if not _is_text(node.value):

            def make_aug() -> ast.AST:
                new = copy.deepcopy(node)
                new.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
                return new

            yield node, make_aug
    elif isinstance(node, ast.Return):
        value = node.value
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            function = next(
                (p for p in reversed(parents) if isinstance(p, ast.FunctionDef | ast.Lambda)),
                None,
            )
            returns_none = (
                isinstance(function, ast.FunctionDef)
                and isinstance(function.returns, ast.Constant)
                and function.returns.value is None
            )
            if not returns_none:
                yield node, lambda: ast.Return(ast.Constant(None))
    elif isinstance(node, ast.Raise | ast.Continue | ast.Break):
        yield node, ast.Pass


def _negated(parents: list[ast.AST]) -> bool:
    """An int under a unary minus: the minus node mutates it as a whole."""
    return bool(parents) and isinstance(parents[-1], ast.UnaryOp)


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


def _compared_strings(node: ast.AST) -> list[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _skipped(node: ast.AST) -> bool:
    """Parts that are no behaviour: docstrings, ``if TYPE_CHECKING:`` blocks."""
    if isinstance(node, ast.Expr) and _is_text(node.value):
        return True
    if isinstance(node, ast.If):
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        return name == "TYPE_CHECKING"
    return False


class _Walker:
    """Walks a module in a fixed order, numbering the mutants; with ``target`` set it applies
    that one and stops."""

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.count = 0
        self.found: list[tuple[int, str, str, str]] = []  # line, function, before, after
        self.applied = False

    def walk(self, node: ast.AST, parents: list[ast.AST]) -> ast.AST:
        if self.applied or _skipped(node):
            return node
        for before, make in _candidates(node, parents):
            index = self.count
            self.count += 1
            if self.target is None:
                shown, after = _in_context(before, make(), parents)
                self.found.append(
                    (getattr(node, "lineno", 0), _function(parents), _show(shown), _show(after))
                )
            elif index == self.target:
                self.applied = True
                new = make()
                return ast.copy_location(new, node)
        parents.append(node)
        for name, value in ast.iter_fields(node):
            if name in _SKIP_FIELDS:
                continue
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        value[i] = self.walk(item, parents)
            elif isinstance(value, ast.AST):
                setattr(node, name, self.walk(value, parents))
        parents.pop()
        return node


def _in_context(node: ast.AST, new: ast.AST, parents: list[ast.AST]) -> tuple[ast.AST, ast.AST]:
    """A constant is shown with the expression around it (``by_file[0]``, not ``0``), so that
    a mutant's description says where it is without its line number."""
    parent = parents[-1] if parents else None
    statement = isinstance(node, ast.Raise | ast.Continue | ast.Break)
    if statement and isinstance(parent, ast.If) and parent.body == [node]:
        test = ast.unparse(parent.test)
        return ast.Name(f"if {test}: {_show(node)}"), ast.Name(f"if {test}: {_show(new)}")
    if isinstance(parent, ast.keyword):
        return parent, ast.keyword(parent.arg, new)
    if isinstance(parent, ast.AnnAssign | ast.Assign) and parent.value is node:
        changed = copy.deepcopy(parent)
        changed.value = new
        return parent, changed  # a default or a constant shown with its name
    if not isinstance(node, ast.Constant | ast.UnaryOp) or not isinstance(parent, ast.expr):
        return node, new
    changed = copy.deepcopy(parent)
    for name, value in ast.iter_fields(parent):
        if value is node:
            setattr(changed, name, new)
        elif isinstance(value, list) and any(v is node for v in value):
            getattr(changed, name)[[v is node for v in value].index(True)] = new
    return parent, changed


def _function(parents: list[ast.AST]) -> str:
    names = [p.name for p in parents if isinstance(p, ast.FunctionDef | ast.ClassDef)]
    return ".".join(names) or "<module>"


def _show(node: ast.AST) -> str:
    if isinstance(node, ast.Pass):
        return "pass"
    text = ast.unparse(ast.fix_missing_locations(node))
    return " ".join(text.split())


def list_mutants(module: str, source: str) -> list[Mutant]:
    walker = _Walker()
    walker.walk(ast.parse(source), [])
    return [
        Mutant(module, i, line, function, before, after)
        for i, (line, function, before, after) in enumerate(walker.found)
        if before != after
    ]


def mutated_source(source: str, index: int) -> str:
    walker = _Walker(index)
    tree = walker.walk(ast.parse(source), [])
    if not walker.applied:
        raise ValueError(f"no mutant number {index}")
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


# --- running ----------------------------------------------------------------------------------


def make_copy(source: Path, into: Path, from_head: bool) -> None:
    into.mkdir(parents=True)
    if from_head:
        archive = subprocess.run(
            ["git", "-C", str(source), "archive", "HEAD", *COPY],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    else:
        ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
        for name in COPY:
            path = source / name
            if path.is_dir():
                shutil.copytree(path, into / name, ignore=ignore)
            elif path.exists():
                shutil.copy2(path, into / name)


def pytest_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a stale .pyc of a same-size mutant would be reused
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run_tests(root: Path, tests: list[str], timeout: float) -> tuple[str, float]:
    """The outcome ("passed", "failed" or "timeout") and the seconds it took."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=pytest_env(root),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - start
    return ("passed" if done.returncode == 0 else "failed"), time.perf_counter() - start


def check_copy(root: Path, module: str, tests: list[str]) -> float:
    """The copy's ``netzmd`` is the one imported, its tests pass unmutated (the source as
    ``ast.unparse`` writes it, as every mutant is written), and a broken module fails them.
    Returns the seconds the passing run took."""
    probe = subprocess.run(
        [sys.executable, "-c", "import netzmd, sys; sys.stdout.write(netzmd.__file__)"],
        cwd=root,
        env=pytest_env(root),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if not Path(probe).resolve().is_relative_to(root.resolve()):
        sys.exit(f"mutate: the copy imports netzmd from {probe}, not from {root}")
    path = root / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(ast.unparse(ast.parse(original)) + "\n", encoding="utf-8")
        outcome, seconds = run_tests(root, tests, timeout=600)
        if outcome != "passed":
            sys.exit(f"mutate: {' '.join(tests)} do not pass on the unmutated {module}")
        path.write_text(original + "\nraise RuntimeError('mutate: broken on purpose')\n")
        broken, _ = run_tests(root, tests, timeout=600)
        if broken != "failed":
            sys.exit(f"mutate: a broken {module} does not fail {' '.join(tests)}")
    finally:
        path.write_text(original, encoding="utf-8")
    return seconds


@dataclass(slots=True)
class Result:
    mutant: Mutant
    outcome: str  # killed, survived, timeout
    seconds: float


def run_module(
    module: str,
    tests: list[str],
    mutants: list[Mutant],
    copies: list[Path],
    log: Callable[[str], None],
) -> list[Result]:
    source = (REPO / module).read_text(encoding="utf-8")
    baseline = check_copy(copies[0], module, tests)
    timeout = max(30.0, baseline * 4)
    log(f"{module}: {len(mutants)} mutants, tests pass in {baseline:.1f}s, timeout {timeout:.0f}s")
    free = list(copies)
    lock = threading.Lock()
    results: list[Result] = []

    def one(mutant: Mutant) -> Result:
        with lock:
            root = free.pop()
        path = root / module
        try:
            path.write_text(mutated_source(source, mutant.index), encoding="utf-8")
            outcome, seconds = run_tests(root, tests, timeout)
        finally:
            path.write_text(source, encoding="utf-8")
            with lock:
                free.append(root)
        verdict = {"passed": "survived", "failed": "killed"}.get(outcome, outcome)
        result = Result(mutant, verdict, seconds)
        with lock:
            results.append(result)
            mark = "SURVIVED " if verdict == "survived" else ""
            log(f"  [{len(results)}/{len(mutants)}] {verdict:8} {mark}{mutant.describe()}")
        return result

    with ThreadPoolExecutor(max_workers=len(copies)) as pool:
        ordered = list(pool.map(one, mutants))
    return ordered


def sample(mutants: list[Mutant], size: int | None, seed: int) -> list[Mutant]:
    if size is None or size >= len(mutants):
        return mutants
    chosen = random.Random(seed).sample(range(len(mutants)), size)
    return [mutants[i] for i in sorted(chosen)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", help="a module of MODULES (repeatable)")
    parser.add_argument("--sample", type=int, default=120, help="mutants per module (0: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, choices=(1, 2))
    parser.add_argument("--head", action="store_true", help="test HEAD, not the working tree")
    parser.add_argument("--show-survivors", action="store_true")
    parser.add_argument("--list", action="store_true", help="list the sampled mutants only")
    parser.add_argument(
        "--mutant", type=int, action="append", help="run only this mutant number (repeatable)"
    )
    args = parser.parse_args(argv)
    modules = args.module or list(MODULES)
    for m in modules:
        if m not in MODULES:
            parser.error(f"unknown module {m}; known: {', '.join(MODULES)}")

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    plans: dict[str, tuple[list[Mutant], int]] = {}
    for m in modules:
        everything = list_mutants(m, (REPO / m).read_text(encoding="utf-8"))
        kept = [x for x in everything if not x.equivalent()]
        chosen = sample(kept, args.sample or None, args.seed)
        if args.mutant:
            chosen = [x for x in kept if x.index in args.mutant]
        plans[m] = (chosen, len(everything) - len(kept))
    if args.list:
        for mutants, _ in plans.values():
            for x in mutants:
                print(f"#{x.index:<4} {x.describe()}")
        return 0

    # A plain kill (SIGTERM) still removes the scratch copies.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    rows: list[tuple[str, list[Result], int]] = []
    with tempfile.TemporaryDirectory(prefix="netzmd-mutate-") as tmp:
        copies = [Path(tmp) / f"copy{n}" for n in range(args.jobs)]
        for c in copies:
            make_copy(REPO, c, args.head)
        for m in modules:
            mutants, equivalent = plans[m]
            rows.append((m, run_module(m, MODULES[m], mutants, copies, log), equivalent))

    print("| module | mutants | killed | timeouts | survived | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    total = caught = 0
    for m, results, _ in rows:
        killed = sum(r.outcome == "killed" for r in results)
        timeouts = sum(r.outcome == "timeout" for r in results)
        survived = len(results) - killed - timeouts
        score = (killed + timeouts) / len(results) if results else 1.0
        total += len(results)
        caught += killed + timeouts
        print(f"| {m} | {len(results)} | {killed} | {timeouts} | {survived} | {score:.0%} |")
    if total:
        print(f"| all | {total} | | | {total - caught} | {caught / total:.0%} |")
    skipped = sum(e for _, _, e in rows)
    if skipped:
        print(f"\n{skipped} known-equivalent mutants left out (KNOWN_EQUIVALENT).")
    if args.show_survivors:
        print("\nSurvivors:")
        for _, results, _ in rows:
            for r in results:
                if r.outcome == "survived":
                    print(f"  #{r.mutant.index} {r.mutant.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
