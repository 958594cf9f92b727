"""The layout the README describes: a feature package of ``actions/`` imports the core,
never another feature's modules."""

import ast
from pathlib import Path

import pytest

ACTIONS = Path(__file__).resolve().parent.parent / "actions"
FEATURES = sorted(
    p.name for p in ACTIONS.iterdir() if (p / "__init__.py").exists() and p.name not in {
        "management", "migrations", "templatetags"}
)  # fmt: skip


def imported_modules(path: Path, package: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            modules.add(module)
            modules.update(f"{module}.{alias.name}" for alias in node.names)
    return modules


def test_the_feature_packages_are_there():
    assert {"api", "digests", "plan_files", "spreadsheets"} <= set(FEATURES)


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_imports_no_other_feature(feature):
    others = [f"actions.{other}" for other in FEATURES if other != feature]
    for path in sorted((ACTIONS / feature).rglob("*.py")):
        for module in imported_modules(path, f"actions.{feature}"):
            reached = [o for o in others if module == o or module.startswith(f"{o}.")]
            assert not reached, f"{path.relative_to(ACTIONS.parent)} imports {module}"
