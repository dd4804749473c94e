"""An import-linter contract type of our own (pyproject.toml, `[tool.importlinter]`,
`contract_types`): `acyclic`, no import cycle between any two modules of the
given packages, across packages too, counting imports made inside functions
(grimp, import-linter's graph, sees those as well). import-linter's own
`acyclic_siblings` compares the children of one package; a cycle from
`tenants.services` through `shared_apps.accounts` and back has no common parent.
This contract finds the strongly connected components of the whole import graph
and prints one cycle through each, as the chain of modules that closes it.
"""

from __future__ import annotations

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


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
