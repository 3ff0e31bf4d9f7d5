"""The dependency direction of ARCHITECTURE.md, checked on the source (AST, no imports run)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("engine", "forms", "printing", "telephony", "api")
# package -> packages it must never import
FORBIDDEN = {
    "engine": {"api", "flask_smorest", "telephony", "weasyprint", "greenswitch"},
    "forms": {"api", "flask", "telephony"},
    "printing": {"api", "telephony"},
    "telephony": {"api", "weasyprint"},
}
# finer rules: modules below the services must not import services or Flask
LOWER = {"engine/bpmn", "engine/models", "engine/calendar.py", "engine/db.py", "engine/errors.py"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def python_files(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def test_packages_import_only_downwards():
    problems = []
    for package, banned in FORBIDDEN.items():
        for path in python_files(package):
            for name in imports(path):
                if name.split(".")[0] in banned:
                    problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert problems == []


def test_bpmn_and_models_import_no_services_and_no_flask_app():
    problems = []
    for path in python_files("engine"):
        rel = str(path.relative_to(ROOT))
        if not any(rel.startswith(prefix) for prefix in LOWER):
            continue
        for name in imports(path):
            if name.startswith("engine.services") or name == "flask" or name.startswith("flask."):
                problems.append(f"{rel} imports {name}")
    assert problems == []


def test_the_rule_itself_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from api.rest import cases\nimport weasyprint\n")
    assert imports(bad) == {"api.rest", "weasyprint"}
