"""The layer order of docs/architecture.md, enforced on every module's imports (read with ast).

* a module imports only from its own layer or lower ones (lazy imports inside functions count);
* no private name (``_name``) and no private module is imported from another module;
* the module import graph has no cycles.

Known exceptions are listed below with the issue that removes them; an entry that no longer
matches a violation fails the test, so the lists only shrink.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipelines"

#: lowest first; packages on one line share a rank and may import each other (no cycles, though)
LAYERS: tuple[tuple[str, ...], ...] = (
    ("schema", "errors", "io", "json_lines", "config", "logging_setup"),
    ("text",),
    ("corpus",),
    ("data",),
    ("features",),
    ("models",),
    ("evaluation", "tracking"),
    ("training", "annotate"),
    ("cli",),
)
RANK: dict[str, int] = {name: rank for rank, names in enumerate(LAYERS) for name in names}

#: "importer -> imported" pairs that break the layer order today (issue 8 tracks each)
ALLOWED_UPWARD: dict[str, str] = {}
#: "importer -> module.name" private imports tolerated today
ALLOWED_PRIVATE: dict[str, str] = {}
#: cycles tolerated today, as the sorted module names joined by " <-> "
ALLOWED_CYCLES: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    target: str  # dotted module name it depends on
    names: tuple[str, ...]  # names taken from the target (from-imports)
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, but not the bodies of ``if TYPE_CHECKING:`` blocks (annotations only)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                yield child
                yield from _walk(child)
            continue
        yield node
        yield from _walk(node)


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The project modules ``name`` imports, at module level or inside functions, and those
    named by strings in a module that calls ``importlib.import_module``."""
    is_package = path.name == "__init__.py"
    out: list[Import] = []
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, str(path))
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pipelines":
                    out.append(Import(name, alias.name, (), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "pipelines":
                continue
            plain = []
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in modules:  # `from pipelines.text import numbering`: a module
                    out.append(Import(name, sub, (), node.lineno))
                else:
                    plain.append(alias.name)
            if plain:
                out.append(Import(name, source, tuple(plain), node.lineno))
    if "import_module" in text:  # dynamic imports: module names as strings ("pkg.mod[:Class]")
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                target = node.value.split(":")[0]
                if target in modules and target != name:
                    out.append(Import(name, target, (), node.lineno))
    return out


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "pipelines"


@pytest.fixture(scope="module")
def graph() -> dict[str, list[Import]]:
    modules = all_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_every_stage_package_has_a_layer() -> None:
    layers = {layer_of(m) for m in all_modules()} - {"pipelines"}
    assert layers <= set(RANK), f"add {sorted(layers - set(RANK))} to LAYERS and the docs"


def test_no_import_from_a_higher_layer(graph: dict[str, list[Import]]) -> None:
    found = set()
    messages = []
    for importer, edges in graph.items():
        for edge in edges:
            low, high = layer_of(importer), layer_of(edge.target)
            if low in RANK and high in RANK and RANK[high] > RANK[low]:
                key = f"{importer} -> {edge.target}"
                found.add(key)
                if key not in ALLOWED_UPWARD:
                    messages.append(f"{key} (line {edge.line}): {low} is below {high}")
    assert not messages, "imports against the layer order:\n" + "\n".join(sorted(messages))
    stale = set(ALLOWED_UPWARD) - found
    assert not stale, f"fixed, remove from ALLOWED_UPWARD: {sorted(stale)}"


def test_no_private_import_across_modules(graph: dict[str, list[Import]]) -> None:
    found = set()
    messages = []
    for importer, edges in graph.items():
        for edge in edges:
            hidden = [f"{edge.target}.{n}" for n in edge.names if n.startswith("_")
                      and not n.startswith("__")]
            if edge.target.split(".")[-1].startswith("_") and not edge.target.endswith("__"):
                package = edge.target.rsplit(".", 1)[0]
                if not importer.startswith(package + "."):
                    hidden.append(edge.target)
            for what in hidden:
                key = f"{importer} -> {what}"
                found.add(key)
                if key not in ALLOWED_PRIVATE and edge.target != importer:
                    messages.append(f"{key} (line {edge.line})")
    assert not messages, "private names imported from another module:\n" + "\n".join(sorted(messages))
    stale = set(ALLOWED_PRIVATE) - found
    assert not stale, f"fixed, remove from ALLOWED_PRIVATE: {sorted(stale)}"


def cycles(graph: dict[str, list[Import]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    edges = {m: sorted({e.target for e in es if e.target in graph and e.target != m})
             for m, es in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles(graph: dict[str, list[Import]]) -> None:
    keys = {" <-> ".join(c) for c in cycles(graph)}
    unexpected = sorted(keys - set(ALLOWED_CYCLES))
    assert not unexpected, "import cycles:\n" + "\n".join(unexpected)
    stale = set(ALLOWED_CYCLES) - keys
    assert not stale, f"fixed, remove from ALLOWED_CYCLES: {sorted(stale)}"


def test_the_checker_sees_lazy_relative_and_private_imports(tmp_path: Path) -> None:
    """The walker itself: a lazy import in a function, a relative import and a private name."""
    src = tmp_path / "mod.py"
    src.write_text("from typing import TYPE_CHECKING\n"
                   "from . import sibling\n"
                   "if TYPE_CHECKING:\n    from pipelines.cli import main\n"
                   "def f():\n    from pipelines.training.runner import _helper\n",
                   encoding="utf-8")
    modules = {"pipelines.data.mod": src, "pipelines.data.sibling": src}
    found = imports_of("pipelines.data.mod", src, modules)
    assert [(i.target, i.names) for i in found] == [
        ("pipelines.data.sibling", ()), ("pipelines.training.runner", ("_helper",))]
    graph = {"a": [Import("a", "b", (), 1)], "b": [Import("b", "a", (), 1)], "c": []}
    assert cycles(graph) == [["a", "b"]]


def test_every_type_ignore_names_its_error_code_and_a_reason() -> None:
    """``# type: ignore[code]  # why`` on one line; a bare or unexplained ignore hides errors."""
    import re

    pattern = re.compile(r"#\s*type:\s*ignore(?P<code>\[[a-z, -]+\])?(?P<rest>.*)$")
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = pattern.search(line)
            if found and (not found["code"] or not re.match(r"\s+#\s*\S", found["rest"])):
                bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bad, "give each ignore its code and a reason comment:\n" + "\n".join(bad)


def test_readme_layout_names_every_package() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    missing = sorted(f"{p}/" for p in packages if f"{p}/" not in layout)
    missing += sorted(name for names in LAYERS[:1] for name in names if f"{name}.py" not in layout)
    assert not missing, f"README.md's Layout section does not name {missing}"
    assert set(RANK) >= packages, "every package needs a layer (see LAYERS)"


def test_no_test_module_imports_another() -> None:
    """Shared test helpers live in conftest fixtures (or tests/synthetic.py), never in a test_*.py
    that another test module imports: that runs its tests' module code twice and hides the helper."""
    bad = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            bad += [f"{path.relative_to(ROOT)}: {n}" for n in names
                    if n.split(".")[-1].startswith("test_") or n.startswith("tests.test_")]
    assert not bad, "move the helper to tests/conftest.py:\n" + "\n".join(bad)
