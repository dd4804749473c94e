"""An import-linter contract type: no import cycle between apps, across packages.

import-linter's `acyclic_siblings` finds cycles among the children of one
package (the apps of `tenant_apps`, the modules of one app), but not a cycle
that goes from `shared_apps.accounts` to `tenant_apps.staff` and back: those two
have no common parent. This contract treats each child of `containers`
(`shared_apps.accounts`, `tenant_apps.staff`, ...) and each of `modules`
(`core`, `tenants`, ...) as one unit, and fails on any cycle between units. A
unit imports another when any of its modules imports any module of the other,
wherever the import statement is (function-level imports count).

Used from pyproject.toml (`[tool.importlinter]`, `contract_types`).
"""

from __future__ import annotations

from typing import Any

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
    """The strongly connected components with more than one node (Tarjan's)."""
    successors: dict[str, list[str]] = {node: [] for node in nodes}
    for source, target in edges:
        successors[source].append(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in successors[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found
