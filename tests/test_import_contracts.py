"""Our import-linter contract (tests/import_contracts.py) on small graphs."""

import grimp

from tests.import_contracts import AcyclicContract


def _graph(imports: list[tuple[str, str]]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    # grimp knows a package from its module, as when it reads the files
    for module in [name for pair in imports for name in pair]:
        parts = module.split(".")
        for end in range(1, len(parts)):
            graph.add_module(".".join(parts[:end]))
    return graph


def _module_cycles(imports: list[tuple[str, str]]) -> list[list[str]]:
    contract = AcyclicContract(
        name="modules",
        session_options={"root_packages": ["core", "tenants", "shared_apps"]},
        contract_options={"packages": ["core", "tenants", "shared_apps"]},
    )
    return contract.check(_graph(imports), verbose=False).metadata["cycles"]


def test_a_cycle_of_modules_is_printed_as_the_chain_that_closes_it():
    cycles = _module_cycles(
        [
            ("tenants.services", "shared_apps.accounts.services"),
            ("shared_apps.accounts.services", "shared_apps.billing.services"),
            ("shared_apps.billing.services", "tenants.services"),
            ("shared_apps.billing.services", "core.errors"),
        ]
    )

    assert cycles == [
        [
            "shared_apps.accounts.services",
            "shared_apps.billing.services",
            "tenants.services",
            "shared_apps.accounts.services",
        ]
    ]


def test_modules_of_two_apps_importing_each_other_one_way_are_no_cycle():
    assert not _module_cycles(
        [
            ("shared_apps.accounts.services", "shared_apps.billing.models"),
            ("shared_apps.billing.services", "shared_apps.accounts.models"),
            ("tenants.services", "core.errors"),
        ]
    )
