"""The dependency rules of docs/ARCHITECTURE.md, checked on the source (AST, nothing imported).

Every import counts, including the ones inside functions: a late import hides a cycle from
Python, not from a reader.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "forms", "printing", "telephony", "api")

# top-level package -> what it must never import
FORBIDDEN = {
    "engine": {"api", "flask", "flask_smorest", "flask_login", "flask_babel", "telephony",
               "weasyprint", "greenswitch"},
    "forms": {"engine", "api", "flask", "telephony", "printing"},
    "printing": {"engine", "api", "telephony"},
    "telephony": {"api", "weasyprint", "printing"},
}

# The engine's domains and the domains each may import (through their __init__ only).
DOMAINS = {
    "organisation": set(),
    "processes": {"organisation"},
    "deadlines": {"organisation"},
    "notifications": {"organisation"},
    "screening": {"organisation"},
    "cases": {"organisation", "processes", "deadlines", "notifications", "screening"},
    "telephony": {"organisation", "deadlines", "notifications", "cases"},
    "documents": {"organisation", "deadlines", "cases"},
    "statistics": {"organisation"},
    "accountability": {"organisation", "deadlines", "notifications"},
    "channels": {"organisation", "processes", "deadlines", "notifications", "cases"},
    "knowledge": {"organisation", "cases"},
    "imports": {"organisation"},
    "contacts": {"organisation", "cases", "telephony", "notifications", "imports"},
    "campaigns": {"organisation", "deadlines", "notifications", "cases", "telephony", "contacts", "imports"},
}
# The kernel every domain stands on; it imports no domain.
KERNEL = ("engine.db", "engine.errors", "engine.ports", "engine.paging", "engine.storage", "engine.sqlite", "engine.localtime",
          "engine.models", "engine.bpmn")
# Entry points inside the engine that put the domains together (jobs, demo data).
COMPOSITION = ("engine.scheduler", "engine.demo")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


MODULES = project_modules()


def imports(path: Path, me: str | None = None) -> list[tuple[str, tuple[str, ...], int]]:
    """(module, imported names, line) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    me = me or module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((a.name, (), node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            out.append((base, tuple(a.name for a in node.names), node.lineno))
    return out


def targets(module: str, names: tuple[str, ...]) -> list[str]:
    """The project modules an import statement loads: `from pkg import sub` is the submodule."""
    found = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    if len(found) < len(names) or not names:
        found.append(module)
    return [m for m in found if m in MODULES]


def graph() -> dict[str, set[str]]:
    return {me: {t for module, names, _ in imports(path) for t in targets(module, names)} - {me}
            for me, path in MODULES.items()}


def domain_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "engine" and parts[1] in DOMAINS else None


def public_names(domain: str) -> set[str]:
    tree = ast.parse((ROOT / "engine" / domain / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name) and target.id == "__all__":
                return set(ast.literal_eval(node.value))
    return set()


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def domain_violations(path: Path, me: str) -> list[str]:
    """Imports of a module of domain `me` that break the domain rules."""
    problems = []
    for module, names, line in imports(path, module_name(path) if path.is_relative_to(ROOT) else f"engine.{me}.x"):
        where = f"{shown(path)}:{line}"
        if module == "engine":     # `from engine import deadlines`: the package, i.e. its surface
            for name in names:
                other = name if name in DOMAINS else None
                if other and other != me and other not in DOMAINS[me]:
                    problems.append(f"{where} imports domain {other}, not allowed for {me}")
                if name in ("scheduler", "demo"):
                    problems.append(f"{where} imports engine.{name} (composition sits above the domains)")
            continue
        other = domain_of(module)
        if other is None or other == me:
            if module.startswith(COMPOSITION):
                problems.append(f"{where} imports {module} (composition sits above the domains)")
            continue
        if other not in DOMAINS[me]:
            problems.append(f"{where} imports {module}: {me} may not depend on {other}")
        elif module != f"engine.{other}":
            problems.append(f"{where} imports {module}: use engine.{other}'s public surface (its __init__)")
        else:
            hidden = set(names) - public_names(other)
            if hidden:
                problems.append(f"{where} imports {sorted(hidden)} from engine.{other}: not in its __all__")
    return problems


def test_packages_import_only_downwards():
    problems = []
    for package, banned in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for module, _, line in imports(path):
                if module.split(".")[0] in banned:
                    problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert problems == []


def test_kernel_imports_no_domain_and_no_composition():
    problems = []
    for name, path in MODULES.items():
        if not name.startswith(KERNEL):
            continue
        for module, names, line in imports(path):
            loaded = [module] + [f"{module}.{n}" for n in names]
            if any(domain_of(m) or m.startswith(COMPOSITION) for m in loaded):
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {module} {names}")
    assert problems == []


def test_domains_import_each_other_only_through_their_surface_and_downwards():
    problems = []
    for name, path in MODULES.items():
        if domain_of(name):
            problems.extend(domain_violations(path, domain_of(name)))
    assert problems == []


def test_every_domain_says_what_it_owns():
    for domain in DOMAINS:
        init = ROOT / "engine" / domain / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert len(doc) > 200, f"engine/{domain}/__init__.py needs a paragraph on what it owns"
    assert not (ROOT / "engine" / "services").exists()
    on_disk = {p.name for p in (ROOT / "engine").iterdir() if (p / "__init__.py").exists()}
    assert on_disk == set(DOMAINS) | {"models", "bpmn"}, "a new engine package needs its place in DOMAINS"


def test_the_domain_rules_are_a_hierarchy():
    """The allowed arrows between domains form no loop."""
    assert _cycles({d: set(deps) for d, deps in DOMAINS.items()}) == []


def test_no_module_import_cycles():
    assert _cycles(graph()) == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


# The checks themselves must be able to fail: each rule against a planted violation.
@pytest.mark.parametrize("domain, source, expected", [
    ("documents", "from engine.cases.unit import case_action\n", "use engine.cases's public surface"),
    ("documents", "from engine.cases import case_action\n", "not in its __all__"),
    ("documents", "from engine import telephony\n", "not allowed for documents"),
    ("cases", "from engine.documents import service\n", "cases may not depend on documents"),
    ("cases", "from engine import scheduler\n", "composition sits above the domains"),
])
def test_the_domain_rule_catches_a_violation(tmp_path, domain, source, expected):
    planted = tmp_path / "planted.py"
    planted.write_text(source)
    problems = domain_violations(planted, domain)
    assert any(expected in p for p in problems), problems


def test_the_cycle_check_catches_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


# --- sizes: modules under 400 lines, functions under 40, or a comment saying why not ------------
SIZED = ("api", "engine", "forms", "printing", "telephony", "tests", "bench", "migrations", "scripts")
MAX_MODULE, MAX_FUNCTION = 400, 40
WHY = "long because"     # e.g. `# Long because one migration is one schema step, read top to bottom.`


def _explained(lines: list[str], first: int, last: int) -> bool:
    """A `# Long because …` comment in the lines [first, last) (1-based)."""
    return any(WHY in line.lower() for line in lines[max(first - 1, 0):last - 1])


def oversized(path: Path) -> list[str]:
    text = path.read_text()
    lines = text.splitlines()
    found = []
    if len(lines) > MAX_MODULE and not _explained(lines, 1, 20):
        found.append(f"{path.name}: {len(lines)} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            if length > MAX_FUNCTION and not _explained(lines, start - 2, node.body[0].lineno + 2):
                found.append(f"{path.name}:{node.lineno} {node.name}(): {length} lines")
    return found


def test_modules_and_functions_are_small_or_say_why_not():
    problems = [f"{p.relative_to(ROOT).parent}/{problem}" for package in SIZED
                for p in sorted((ROOT / package).rglob("*.py")) for problem in oversized(p)]
    assert problems == []


def test_the_size_rule_catches_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION))
    plain = tmp_path / "plain.py"
    plain.write_text(f"def f():\n{body}\n")
    explained = tmp_path / "explained.py"
    explained.write_text(f"# Long because the test says so.\ndef f():\n{body}\n")
    assert oversized(plain) == ["plain.py:1 f(): 41 lines"] and oversized(explained) == []
