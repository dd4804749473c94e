"""import-linter contract types of our own (used from pyproject.toml's
`[tool.importlinter]`, `contract_types`).

- `acyclic`: no import cycle between any two modules of the given packages,
  across packages too, counting imports made inside functions (grimp sees those).
  A cycle is printed as the chain of modules that closes it.
- `acyclic_units`: no cycle between apps. import-linter's own `acyclic_siblings`
  finds cycles among the children of one package (the apps of `tenant_apps`, the
  modules of one app), but not one that goes from `shared_apps.accounts` to
  `tenant_apps.staff` and back: those two have no common parent. This contract
  treats each child of `containers` (`shared_apps.accounts`, `tenant_apps.staff`,
  ...) and each of `modules` (`core`, `tenants`, ...) as one unit, and fails on
  any cycle between units, naming the import and line that make each edge.
"""

from __future__ import annotations

from typing import Any

import grimp
from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class AcyclicUnitsContract(Contract):
    type_name = "acyclic_units"

    containers = fields.ListField(subfield=fields.StringField())
    modules = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        # import-linter sets the fields' parsed values on the instance.
        containers: list[str] = self.containers  # type: ignore[assignment]
        modules: list[str] = self.modules or []  # type: ignore[assignment]
        units = {child for container in containers for child in graph.find_children(container)}
        units |= set(modules)

        def unit_of(module: str) -> str | None:
            parts = module.split(".")
            for end in range(len(parts), 0, -1):
                name = ".".join(parts[:end])
                if name in units:
                    return name
            return None

        # (importer unit, imported unit) -> one import that makes the edge
        edges: dict[tuple[str, str], tuple[str, str]] = {}
        for importer in sorted(graph.modules):
            source = unit_of(importer)
            if source is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = unit_of(imported)
                if target is not None and target != source:
                    edges.setdefault((source, target), (importer, imported))

        cycles = []
        for component in _strongly_connected(units, edges):
            cycle_edges = []
            for (source, target), (importer, imported) in sorted(edges.items()):
                if source in component and target in component:
                    details = graph.get_import_details(importer=importer, imported=imported)
                    line = details[0]["line_number"] if details else "?"
                    cycle_edges.append(
                        f"{source} -> {target} ({importer}:{line} imports {imported})"
                    )
            cycles.append({"units": sorted(component), "edges": cycle_edges})
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error("Cycle between " + ", ".join(cycle["units"]) + ":", bold=True)
            output.new_line()
            for edge in cycle["edges"]:
                output.indent_cursor()
                output.print_error(edge, bold=False)
            output.new_line()


def _strongly_connected(nodes: set[str], edges: dict[tuple[str, str], Any]) -> list[set[str]]:
    """The strongly connected components with more than one node."""
    successors: dict[str, list[str]] = {node: [] for node in nodes}
    for source, target in edges:
        successors[source].append(target)
    return [set(component) for component in _components(sorted(nodes), successors)]


class AcyclicContract(Contract):
    type_name = "acyclic"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        roots = tuple(str(package) for package in self.packages)  # type: ignore[attr-defined]
        modules = sorted(m for m in graph.modules if m.split(".")[0] in roots)
        edges = {
            module: sorted(
                imported
                for imported in graph.find_modules_directly_imported_by(module)
                if imported.split(".")[0] in roots
            )
            for module in modules
        }
        cycles = [_a_cycle(component, edges) for component in _components(modules, edges)]
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(" -> ".join(cycle), bold=False)
            output.new_line()


def _components(modules: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = edges.get(node, [])
            if position < len(successors):
                work.append((node, position + 1))
                successor = successors[position]
                if successor not in index:
                    work.append((successor, 0))
                elif successor in on_stack:
                    low[node] = min(low[node], index[successor])
                continue
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
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _a_cycle(component: list[str], edges: dict[str, list[str]]) -> list[str]:
    """One cycle through the component's first module (breadth-first, shortest)."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        next_frontier = []
        for node in frontier:
            for successor in edges[node]:
                if successor not in members:
                    continue
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, start]
                if successor not in came_from:
                    came_from[successor] = node
                    next_frontier.append(successor)
        frontier = next_frontier
    return component
