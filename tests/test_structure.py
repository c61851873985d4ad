"""The shape of the code: imports flow one way (views -> domain -> db / text), never in a circle.

The graph is read from the source with `ast`, not from what Python happens to have loaded, so a
cycle fails here even when import order hides it at run time.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "actionlearning"


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules():
    """Every module of the package: dotted name -> path."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_names(name, path, known):
    """The modules `name` imports, as dotted names.

    Every import counts wherever it is written, inside functions too: an import deferred into
    a function only hides a cycle until that function runs. Importing `a.b.c` runs `a.b`'s
    __init__ as well, so that is an edge too, except to the top package: it holds only the
    application factory, whose imports run once every module has loaded. `pkg.sub.f()` after
    `from .. import pkg` depends on `pkg.sub` as surely as `from ..pkg import sub` does.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    aliases = {}  # local name -> module, for attribute use like scheduling.records.f()
    targets = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                targets.add(alias.name)
                aliases[alias.asname or alias.name.partition(".")[0]] = (
                    alias.name if alias.asname else alias.name.partition(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in known else base)
                if full in known:
                    aliases[alias.asname or alias.name] = full
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = aliases.get(node.value.id)
            if module and f"{module}.{node.attr}" in known:
                targets.add(f"{module}.{node.attr}")
    edges = set()
    top = PACKAGE.name
    for target in targets:
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            implied_top = prefix == top and target != top
            if prefix in known and prefix != name and not implied_top:
                edges.add(prefix)
    return edges


def import_graph():
    known = modules()
    return {name: imported_names(name, path, known) for name, path in known.items()}


def cycles(graph):
    """Each cycle found by a depth-first walk, as the list of modules around it."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_import_cycles():
    found = cycles(import_graph())

    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_cycle_check_sees_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_domain_modules_never_import_views():
    known = modules()
    graph = import_graph()
    views = {name for name, path in known.items() if _is_view_module(path)}

    leaks = sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name not in views and name != PACKAGE.name
        for target in targets & views
    )

    assert leaks == []


def _is_view_module(path):
    """A module of pages: it makes a Blueprint or adds routes to one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    makes_blueprint = any(
        isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint"
        for node in ast.walk(tree)
    )
    return makes_blueprint or any(True for _ in _views(path))


# Size: a module past ~400 lines becomes a package, a view past ~30 lines hands its work to
# domain functions or form helpers (STYLE.md). Lines are physical lines, blank ones and
# comments included, as an editor shows them; a view runs from its `def` to its last line.
MODULE_LINES = 400
VIEW_LINES = 30
# Data, not code: the numbered migrations are never edited once shipped, and the demo
# programme's text is one long list.
LONG_BY_NATURE = {"actionlearning.migrations", "actionlearning.demo_data"}
ROUTE_DECORATORS = {"route", "get", "post"}


def test_no_module_over_400_lines():
    long = sorted(
        f"{name}: {lines} lines"
        for name, path in modules().items()
        if name not in LONG_BY_NATURE
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    )

    assert long == []


def test_no_view_over_30_lines():
    long = sorted(
        f"{name}.{view.name}: {view.end_lineno - view.lineno + 1} lines"
        for name, path in modules().items()
        for view in _views(path)
        if view.end_lineno - view.lineno + 1 > VIEW_LINES
    )

    assert long == []


def _views(path):
    """Functions decorated with a route: @bp.route(...), @bp.get(...), @bp.post(...)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in ROUTE_DECORATORS
            for d in node.decorator_list
        ):
            yield node
