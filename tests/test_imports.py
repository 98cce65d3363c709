"""Start-up stays light, the public API stays deliberate, and the layers import one way."""

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import headroom_mcp

PACKAGE = Path(headroom_mcp.__file__).parent
HEAVY = ("torch", "transformers", "sentence_transformers")


def loaded_after(statement):
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_starting_the_server_loads_no_model_tokenizer_or_database():
    modules = loaded_after("import headroom_mcp.server, headroom_mcp.cli")
    for heavy in (*HEAVY, "tiktoken", "sqlean", "headroom_mcp.engines.json_records"):
        assert heavy not in modules, heavy


def test_the_library_import_loads_no_model():
    modules = loaded_after("import headroom_mcp")
    assert not set(HEAVY) & modules


def test_all_lists_exactly_the_public_names():
    public = {
        name
        for name, value in vars(headroom_mcp).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert set(headroom_mcp.__all__) == public


def test_public_functions_stay_functions_after_every_module_is_imported():
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if not module.endswith("__main__"):
            importlib.import_module(module)
    for name in ("compress", "retrieve", "stats"):
        assert inspect.isfunction(getattr(headroom_mcp, name)), name


def imports_of(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_engines_never_import_the_store_the_server_or_mcp():
    for path in (PACKAGE / "engines").glob("*.py"):
        for name in imports_of(path):
            assert not name.startswith(
                ("headroom_mcp.store", "headroom_mcp.server", "mcp", "headroom_mcp.api")
            ), (path.name, name)


def test_the_store_never_imports_an_engine():
    for path in (PACKAGE / "store").glob("*.py"):
        for name in imports_of(path):
            assert not name.startswith(("headroom_mcp.engines", "headroom_mcp.router")), (
                path.name,
                name,
            )


def test_the_installed_package_imports_from_any_working_directory(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", "import headroom_mcp.server as s; print(s.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().endswith("headroom_mcp/server.py")
