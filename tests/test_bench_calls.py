"""The bench scripts still fit the code they drive (AST, nothing imported or run).

No test runs bench/: each script needs minutes and a quiet machine. So two breaks went unnoticed
until somebody ran the script: `bench/hotspots.py` wrapped `unit.open_items` after the engine had
renamed it, and `bench/http.py --inbox-cases` called `report()` without the CPU meter it had come
to take. This checks, for every module of bench/, each name it imports from the project and each
call it makes to a project function (its own, `module.function` through an imported module, or a
function imported by name): the name exists there, and the arguments bind to the definition
(enough positional ones, none too many, keywords it has). Calls that spread `*args`/`**kwargs`,
and names a module could bind in ways the AST does not show (a star import, `__getattr__`), are
not judged.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("bench", "engine", "api", "forms", "printing", "telephony")


@cache
def _source(module: str) -> ast.Module | None:
    """The parsed project module (a package's __init__), or None when it is not one."""
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return ast.parse(path.read_text(encoding="utf-8"), str(path))
    return None


def _top_statements(body: list[ast.stmt]):
    """Module-level statements, looking into if/try/with blocks but not into defs or classes."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            if isinstance(inner, list) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.ClassDef)):
                yield from _top_statements(inner)


@cache
def _bound(module: str) -> tuple[dict[str, ast.FunctionDef | None], bool]:
    """({name: its def, or None when bound otherwise}, whether the module may bind more unseen)."""
    return _bound_in(_source(module))


def _bound_in(tree: ast.Module) -> tuple[dict[str, ast.FunctionDef | None], bool]:
    names: dict[str, ast.FunctionDef | None] = {}
    open_ended = False
    for node in _top_statements(tree.body):
        if isinstance(node, ast.FunctionDef):
            # a decorator may give the name another signature: only a plain def is judged
            names[node.name] = None if node.decorator_list else node
            open_ended |= node.name == "__getattr__"
        elif isinstance(node, (ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = None
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                open_ended |= alias.name == "*"
                names.setdefault(alias.asname or alias.name.split(".")[0], None)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update({n.id: None for n in ast.walk(target) if isinstance(n, ast.Name)})
    return names, open_ended


def _imports(tree: ast.Module) -> tuple[dict[str, str], dict[str, tuple[str, str]], list[str]]:
    """(alias -> project module, alias -> (project module, name), imported names that do not exist).
    An alias bound to two different things in different functions is dropped."""
    modules: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    missing, clashing = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] in PROJECT:
            for alias in node.names:
                local, full = alias.asname or alias.name, f"{node.module}.{alias.name}"
                if _source(full) is not None:
                    clashing |= {local} if modules.setdefault(local, full) != full else set()
                elif _source(node.module) is not None:
                    bound, open_ended = _bound(node.module)
                    if alias.name not in bound and not open_ended:
                        missing.append(f"line {node.lineno}: {node.module} has no {alias.name}")
                    clashing |= {local} if names.setdefault(local, (node.module, alias.name)) != (
                        node.module, alias.name) else set()
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name.split(".")[0] in PROJECT and _source(alias.name) is not None:
                    modules[alias.asname] = alias.name
    for local in clashing:
        modules.pop(local, None)
        names.pop(local, None)
    return modules, names, missing


def misfit(call: ast.Call, fn: ast.FunctionDef) -> str | None:
    """Why the call cannot bind to fn's parameters, or None."""
    args = fn.args
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    positional = [a.arg for a in args.posonlyargs + args.args]
    required = positional[:len(positional) - len(args.defaults)]
    if len(call.args) > len(positional) and args.vararg is None:
        return f"{len(call.args)} positional arguments, takes at most {len(positional)}"
    named = {k.arg for k in call.keywords}
    unknown = named - set(positional) - {a.arg for a in args.kwonlyargs}
    if unknown and args.kwarg is None:
        return f"no parameter {sorted(unknown)}"
    missing = [p for p in required[len(call.args):] if p not in named]
    missing += [a.arg for a, default in zip(args.kwonlyargs, args.kw_defaults)
                if default is None and a.arg not in named]
    return f"missing {missing}" if missing else None


def _target(call: ast.Call, own: dict, modules: dict, names: dict) -> tuple[str | None, str] | None:
    """(module, function name) a call reaches in the project (None for the module itself), or None."""
    func = call.func
    if isinstance(func, ast.Name):
        if isinstance(own.get(func.id), ast.FunctionDef):
            return None, func.id
        return names.get(func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in modules:
        return modules[func.value.id], func.attr
    return None


def _shadowed(tree: ast.Module) -> set[str]:
    """Names some def, class or parameter inside the module rebinds: calls to them are not judged."""
    inner = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n not in tree.body}
    params = {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args + n.kwonlyargs}
    return inner | params


def _named_attributes(call: ast.Call, modules: dict) -> list[str]:
    """`wrap(unit, "open_items")`, `getattr(unit, "open_items")`: a module followed by a name in a
    string reaches that name; those the module does not bind."""
    gone = []
    for first, second in zip(call.args, call.args[1:]):
        if (isinstance(first, ast.Name) and first.id in modules and isinstance(second, ast.Constant)
                and isinstance(second.value, str) and second.value.isidentifier()):
            bound, open_ended = _bound(modules[first.id])
            if second.value not in bound and not open_ended:
                gone.append(f"line {call.lineno}: {modules[first.id]} has no {second.value}")
    return gone


def problems(tree: ast.Module) -> tuple[list[str], int]:
    """(what does not fit, calls judged) for one module's source."""
    modules, names, found = _imports(tree)
    own, shadowed, judged = _bound_in(tree)[0], _shadowed(tree), 0
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        found += _named_attributes(call, modules)
        if isinstance(call.func, ast.Name) and call.func.id in shadowed:
            continue
        target = _target(call, own, modules, names)
        if target is None:
            continue
        bound, open_ended = (own, False) if target[0] is None else _bound(target[0])
        judged += 1
        where = f"line {call.lineno}: {ast.unparse(call.func)}()"
        if target[1] not in bound:
            found += [] if open_ended else [f"{where}: {target[0] or 'the module'} has no {target[1]}"]
        elif isinstance(bound[target[1]], ast.FunctionDef) and (reason := misfit(call, bound[target[1]])):
            found.append(f"{where}: {reason}")
    return found, judged


def test_every_bench_script_fits_the_code_it_calls():
    wrong, judged = [], 0
    for path in sorted((ROOT / "bench").glob("*.py")):
        found, count = problems(_source(f"bench.{path.stem}"))
        wrong += [f"bench/{path.name} {problem}" for problem in found]
        judged += count
    assert judged > 300, f"only {judged} calls judged: the walk is broken"
    assert not wrong, "\n".join(wrong)


def _call(source: str) -> ast.Call:
    return ast.parse(source).body[0].value


def _def(source: str) -> ast.FunctionDef:
    return ast.parse(source).body[0]


def test_the_check_finds_what_broke_before():
    report = _def("def report(title, n, elapsed, tally, meter, before): pass")
    assert misfit(_call("report('x', 1, 2.0, t)"), report) == "missing ['meter', 'before']"
    assert misfit(_call("report('x', 1, 2.0, t, m, b)"), report) is None
    assert "at most 2" in misfit(_call("f(1, 2, 3)"), _def("def f(a, b=1): pass"))
    assert misfit(_call("f(1, c=2)"), _def("def f(a, b=1): pass")) == "no parameter ['c']"
    assert misfit(_call("f(1, c=2)"), _def("def f(a, **kw): pass")) is None
    assert misfit(_call("f(1)"), _def("def f(a, *, key): pass")) == "missing ['key']"
    assert misfit(_call("f(*xs)"), _def("def f(a, b): pass")) is None


def test_the_check_finds_names_the_engine_no_longer_has():
    found, judged = problems(ast.parse(
        "from engine.cases import unit, service as cases\n"
        "from engine.cases.service import open_case, no_such_import\n"
        "def run(timer):\n"
        "    timer.wrap(unit, 'no_such_phase', 'label')\n"
        "    cases.no_such_function(1)\n"
        "    cases.open_case_step(1)\n"
        "    open_case(actor=None, data={})\n"))
    assert judged == 3
    assert found == ["line 2: engine.cases.service has no no_such_import",
                     "line 4: engine.cases.unit has no no_such_phase",
                     "line 5: cases.no_such_function(): engine.cases.service has no no_such_function",
                     "line 6: cases.open_case_step(): 1 positional arguments, takes at most 0"]
