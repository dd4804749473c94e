"""Our import-linter contracts (tests/import_contracts.py) on small graphs."""

import grimp

from tests.import_contracts import AcyclicContract, AcyclicUnitsContract


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


def _check(imports: list[tuple[str, str]]) -> list[dict]:
    graph = _graph(imports)
    contract = AcyclicUnitsContract(
        name="apps",
        session_options={"root_packages": ["core", "shared_apps", "tenant_apps"]},
        contract_options={"containers": ["shared_apps", "tenant_apps"], "modules": ["core"]},
    )
    return contract.check(graph, verbose=False).metadata["cycles"]


def test_a_cycle_across_two_packages_is_found_and_named_by_its_imports():
    cycles = _check(
        [
            ("shared_apps.accounts.services", "tenant_apps.staff.models"),
            ("tenant_apps.staff.services", "shared_apps.accounts.models"),
            ("tenant_apps.staff.services", "core.errors"),
        ]
    )

    assert [cycle["units"] for cycle in cycles] == [["shared_apps.accounts", "tenant_apps.staff"]]
    assert cycles[0]["edges"] == [
        "shared_apps.accounts -> tenant_apps.staff "
        "(shared_apps.accounts.services:1 imports tenant_apps.staff.models)",
        "tenant_apps.staff -> shared_apps.accounts "
        "(tenant_apps.staff.services:1 imports shared_apps.accounts.models)",
    ]


def test_imports_one_way_and_inside_one_app_are_no_cycle():
    assert not _check(
        [
            ("tenant_apps.staff.services", "shared_apps.accounts.models"),
            ("tenant_apps.scheduling.services", "tenant_apps.staff.models"),
            ("tenant_apps.staff.models", "tenant_apps.staff.services"),
            ("tenant_apps.staff.services", "tenant_apps.staff.models"),
            ("shared_apps.accounts.models", "core.errors"),
        ]
    )


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
