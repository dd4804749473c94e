"""The docs and the code's comments name only things that exist, inside the repository.

Every repository path named in the Markdown (README.md, docs/, platform/, ...)
and in the comments and docstrings of the Python code (`core/graphql/view.py`,
`tenant_apps/scheduling/`, `config/settings/{base,prod}.py`, `schema_*.graphql`
patterns) must exist, and so must every module named with dots in a Markdown
code span (`tenants.middleware.SpaRoutingMiddleware`). Nothing may point outside
the repository (a sibling folder of the checkout, an absolute path on a machine).

bench/RESULTS.md is left out on purpose: it is a dated log of measurements, and
its paths are those of the code as it was measured.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Top-level folders of the repository: a path starting with one of them is a
# repository path.
TOP_LEVEL = (
    "core",
    "tenants",
    "shared_apps",
    "tenant_apps",
    "config",
    "demo",
    "tests",
    "bench",
    "bin",
    "platform",
    "docs",
)
PYTHON_ROOTS = ("core", "tenants", "shared_apps", "tenant_apps", "config", "demo")
SKIP_DIRS = {".git", ".venv", ".data", "__pycache__", "node_modules", "artifacts", "build"}
NOT_CHECKED = {Path("bench/RESULTS.md")}
# Made by running things, never committed (.gitignore).
GENERATED = ("tests/artifacts",)
# Words that look like paths and are not: the note bench/load.py writes on its tokens.
NOT_PATHS = {"bench/load"}

PATH = re.compile(
    r"(?<![\w./<>-])((?:" + "|".join(TOP_LEVEL) + r")/[\w.*{},/-]*)",
)
DOTTED = re.compile(r"^(?:" + "|".join(PYTHON_ROOTS) + r")(?:\.\w+)+$")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
OUTSIDE = re.compile(r"\.\./shared|(?<![\w.])\.\./\.\.|(?<![\w/])/work/|/home/\w+")


def _walk(suffix: str) -> Iterator[Path]:
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if name.endswith(suffix) and path.relative_to(ROOT) not in NOT_CHECKED:
                yield path


def _python_prose(path: Path) -> str:
    """The comments and docstrings of a Python file, one per line."""
    source = path.read_text()
    parts = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                parts.append(docstring)
    return "\n".join(parts)


def _texts() -> Iterator[tuple[Path, str]]:
    for path in _walk(".md"):
        yield path, path.read_text()
    for path in _walk(".py"):
        if path != Path(__file__):
            yield path, _python_prose(path)


def _expand(pattern: str) -> list[str]:
    """`a/{b,c}.py` -> `a/b.py`, `a/c.py` (nested braces too)."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [name for option in match.group(1).split(",") for name in _expand(head + option + tail)]


def _exists(name: str) -> bool:
    if name.startswith(GENERATED) or name in NOT_PATHS:
        return True
    if any(mark in name for mark in "*?["):
        return any(ROOT.glob(name))
    return (ROOT / name).exists()


def _named_paths(text: str) -> Iterator[str]:
    for match in PATH.finditer(text):
        raw = match.group(1)
        if "..." in raw or ("{" in raw and "}" not in raw):
            continue
        raw = raw.rstrip(".,:;")
        for name in _expand(raw):
            yield name.rstrip("/") or name


def _module_defines(module: Path, name: str) -> bool:
    source = module.read_text()
    return bool(
        re.search(rf"^\s*(?:def|class|async def)\s+{name}\b|^\s*{name}\s*[:=]", source, re.M)
        or re.search(rf"\bimport\b[^\n]*\b{name}\b", source)
    )


def _dotted_exists(dotted: str) -> bool:
    """`tenants.middleware.SpaRoutingMiddleware`: a module (file or package), then
    at most one name defined in it; `tenants.Spa` (an app label and a model) too."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:end])
        modules = [base.with_suffix(".py")]
        if base.is_dir():
            modules += [base / "__init__.py", base / "models.py", base / "models/__init__.py"]
        modules = [module for module in modules if module.exists()]
        if modules or base.is_dir():
            rest = parts[end:]
            if not rest:
                return True
            return len(rest) == 1 and any(_module_defines(m, rest[0]) for m in modules)
    return False


def test_every_repository_path_the_docs_and_comments_name_exists():
    missing = []
    for path, text in _texts():
        where = path.relative_to(ROOT)
        for name in sorted(set(_named_paths(text))):
            if not _exists(name):
                missing.append(f"{where}: {name}")
    assert not missing, "Named but not in the repository:\n" + "\n".join(missing)


def test_every_module_the_markdown_names_exists():
    missing = []
    for path in _walk(".md"):
        for span in sorted(set(CODE_SPAN.findall(path.read_text()))):
            name = span.strip().removesuffix("()")
            if DOTTED.match(name) and not _dotted_exists(name):
                missing.append(f"{path.relative_to(ROOT)}: {name}")
    assert not missing, "Modules named but not in the repository:\n" + "\n".join(missing)


def test_markdown_links_stay_inside_the_repository_and_resolve():
    broken = []
    for path in _walk(".md"):
        for target in MARKDOWN_LINK.findall(path.read_text()):
            if re.match(r"^[a-z]+:", target):  # https:, mailto:
                continue
            resolved = (path.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert not broken, "Links that do not resolve inside the repository:\n" + "\n".join(broken)


def test_nothing_names_a_path_outside_the_repository():
    outside = []
    for path, text in _texts():
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                outside.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not outside, "Paths outside the repository:\n" + "\n".join(outside)


def test_every_cited_section_of_the_architecture_exists():
    sections = set(
        re.findall(r"^## (\d+)\. ", (ROOT / "docs" / "ARCHITECTURE.md").read_text(), re.M)
    )
    wrong = []
    for path, text in _texts():
        flat = " ".join(text.split())  # a citation may be wrapped over two lines
        for cited, number in re.findall(r"(\S*ARCHITECTURE\S*) section (\d+)", flat):
            if "docs/ARCHITECTURE.md" not in cited and path.name != "ARCHITECTURE.md":
                wrong.append(f"{path.relative_to(ROOT)}: {cited} section {number} (cite docs/...)")
            elif number not in sections:
                wrong.append(f"{path.relative_to(ROOT)}: section {number} does not exist")
    assert not wrong, "Citations of docs/ARCHITECTURE.md:\n" + "\n".join(wrong)


def test_the_checks_catch_what_they_are_for():
    # the patterns themselves: a path, braces, a glob, a dotted module
    assert list(_named_paths("see `core/graphql/{view,errors}.py`, then")) == [
        "core/graphql/view.py",
        "core/graphql/errors.py",
    ]
    assert list(_named_paths("(tenants/routing.py).")) == ["tenants/routing.py"]
    assert not list(_named_paths("https://example.com/config/x.py and ../core/x.py"))
    assert _exists("config/schema_*.graphql") and not _exists("config/nothing_*.graphql")
    assert not _exists("core/graphql/nothing.py")
    assert _dotted_exists("tenants.routing.SpaDirectory")
    assert _dotted_exists("tenants.Spa")
    assert not _dotted_exists("tenants.routing.NoSuchThing")
    assert not _dotted_exists("tenants.no_such_module")
    sibling = "../" + "shared/ARCHITECTURE.md"  # spelled apart: the repository names no such path
    assert OUTSIDE.search(f"The design is in `{sibling}`.")
    assert not OUTSIDE.search("see docs/adr/README.md")
