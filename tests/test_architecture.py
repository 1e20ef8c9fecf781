"""The layout ARCHITECTURE.md describes: what each package may import, no import cycles, and
click only in the command line. Read from the source with ast (lazy imports inside functions
count too), so a new import that breaks the layering fails here."""

from __future__ import annotations

import ast
from pathlib import Path

NETZMD = Path(__file__).resolve().parent.parent / "netzmd"

# Each part of netzmd and the parts it may import (besides itself). Bottom to top.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "model": {"errors"},
    "config": {"errors", "model"},
    "notes": {"errors", "model"},
    "vault": {"errors", "model", "config", "notes"},
    "git": {"errors", "model", "notes"},
    "present": {"errors", "model", "vault", "git"},
    "store": {"errors", "model", "config", "notes", "vault", "git"},
    "formats": {"errors", "model", "config", "notes", "vault", "store", "present"},
    "ops": {"errors", "model", "config", "notes", "vault", "git", "present"},
    "watch": {"errors", "model", "config", "notes", "vault", "git", "present", "store"}
    | {"formats"},
    "reports": {"errors", "model", "config", "notes", "vault", "git", "store"},
    "cli": {"errors", "model", "config", "notes", "vault", "git", "present", "store", "ops"}
    | {"watch", "formats", "reports", "__init__"},
    "__init__": set(),
    "__main__": {"cli"},
}


def modules() -> dict[str, set[str]]:
    """Every module of netzmd (dotted) and the netzmd modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted(NETZMD.rglob("*.py")):
        parts = path.relative_to(NETZMD.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == "netzmd":  # a module of netzmd, or a name of its __init__
                    for alias in node.names:
                        is_module = (NETZMD / alias.name).is_dir() or (
                            NETZMD / f"{alias.name}.py"
                        ).is_file()
                        imported.add(f"netzmd.{alias.name}" if is_module else "netzmd")
                elif node.module.startswith("netzmd."):
                    imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(a.name for a in node.names if a.name.startswith("netzmd."))
        found[name] = imported
    return found


def part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_imports_only_what_lies_below_it() -> None:
    wrong = [
        f"{m} imports {d}"
        for m, imported in modules().items()
        for d in sorted(imported)
        if part(d) != part(m) and part(d) not in ALLOWED[part(m)]
    ]
    assert not wrong, "\n".join(wrong)
    assert set(map(part, modules())) <= set(ALLOWED), "a new part: add it to ALLOWED"


def test_no_import_cycles() -> None:
    found = modules()
    graph = {m: {d for d in imported if d in found} for m, imported in found.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycle = [*path[path.index(dep) :], dep]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if dep not in state:
                visit(dep, [*path, dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_only_the_command_line_imports_click() -> None:
    users = []
    for path in sorted(NETZMD.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "click" or n.startswith("click.") for n in names):
                users.append(path.relative_to(NETZMD).as_posix())
    assert users, "no module imports click?"
    assert [u for u in users if not u.startswith("cli/")] == []


def test_the_checks_see_a_violation(tmp_path: Path) -> None:
    """The layering check is not vacuous: model importing the store is caught."""
    bad = {"netzmd.model.contact": {"netzmd.store.index"}}
    wrong = [
        d
        for m, imported in bad.items()
        for d in imported
        if part(d) != part(m) and part(d) not in ALLOWED[part(m)]
    ]
    assert wrong == ["netzmd.store.index"]
    assert "netzmd.model.agenda" in modules()["netzmd.store.queries"] or any(
        d.startswith("netzmd.model") for d in modules()["netzmd.store.queries"]
    )
