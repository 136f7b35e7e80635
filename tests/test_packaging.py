"""Packaging: validators and converters import as claimfmt.* only, from a wheel and from this install."""

from __future__ import annotations

import importlib.machinery
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

import claimfmt

from .conftest import ROOT


def test_this_install_imports_the_subpackages_under_claimfmt(tmp_path: Path) -> None:
    """Asked of a fresh interpreter outside the checkout, so that neither the clone's path nor pytest's
    sys.path decides the answer: the subpackages load from inside the claimfmt package, and no
    top-level validators or converters module is installed."""
    probe = (
        "import importlib.util, json, pathlib, claimfmt, claimfmt.validators, claimfmt.converters;"
        "home = pathlib.Path(claimfmt.__file__).parent;"
        "subs = (claimfmt.validators, claimfmt.converters);"
        "print(json.dumps({"
        "'names': [m.__name__ for m in subs],"
        "'inside': [pathlib.Path(m.__file__).parent.parent == home for m in subs],"
        "'top_level': [importlib.util.find_spec(n) is not None for n in ('validators', 'converters')],"
        "}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found == {
        "names": ["claimfmt.validators", "claimfmt.converters"],
        "inside": [True, True],
        "top_level": [False, False],
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("claimfmt-*.whl")
    return built


@pytest.mark.slow
def test_wheel_holds_the_packages_and_the_schemas(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "claimfmt/validators/__init__.py" in names
    assert "claimfmt/converters/__init__.py" in names
    assert "claimfmt/schema/claimfmt-1.0.schema.json" in names
    assert "claimfmt/py.typed" in names
    assert "claimfmt/converters/w3c/reader.py" in names  # subpackages of the linked folders too
    assert {"claimfmt/assets/view.html", "claimfmt/assets/view.css", "claimfmt/assets/view.js"} <= set(names)
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"claimfmt"}
    # The validation pass ships as its source always, and compiled where this machine compiles it (setup.py).
    from claimfmt.validators import settled

    assert "claimfmt/validators/settled.py" in names
    if not settled.__file__.endswith(".py"):
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        assert any(name.startswith("claimfmt/validators/settled.") and name.endswith(suffixes) for name in names)


@pytest.mark.slow
def test_wheel_installs_and_imports_in_a_scratch_environment(wheel: Path, tmp_path: Path) -> None:
    target = _installed(wheel, tmp_path)
    probe = (
        "import claimfmt, claimfmt.validators, claimfmt.converters, json, sys;"
        "assert claimfmt.__file__.startswith(sys.argv[1]), claimfmt.__file__;"
        "print(json.loads(claimfmt.schemas.schema_text('1.0'))['$id']);"
        "print(claimfmt.validate(open(sys.argv[2]).read()));"
        # The data files converters need ship too: presets, the JSON-LD context, the mapping schema.
        "from claimfmt.converters.mapping import preset, mapping_schema;"
        "print(preset('polnear').name, mapping_schema()['$id'], claimfmt.schemas.jsonld_context()['@context']['cf'])"
    )
    done = _run_installed(probe, target, str(ROOT / "examples" / "seed-article.claimfmt.json"))
    assert done.stdout.splitlines() == [
        "https://claimfmt.org/schema/1.0/document.schema.json",
        "[]",
        "polnear https://claimfmt.org/schema/1.0/mapping.schema.json https://claimfmt.org/ns/1.0#",
    ]


@pytest.mark.slow
def test_without_a_c_compiler_the_pass_is_installed_as_python(tmp_path: Path) -> None:
    """setup.py compiles the validation pass where it can: with no compiler, the wheel still builds, holds
    the pass as Python, and validates."""
    tree = tmp_path / "tree"
    skip = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "*.so", "*.pyd", "out")
    shutil.copytree(ROOT, tree, ignore=skip, symlinks=True)
    env = {**os.environ, "CC": "false"}  # a compiler that fails every file
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(tree)],
        check=True,
        capture_output=True,
        env=env,
    )
    (built,) = tmp_path.glob("claimfmt-*.whl")
    names = zipfile.ZipFile(built).namelist()
    assert "claimfmt/validators/settled.py" in names
    assert [name for name in names if name.startswith("claimfmt/validators/settled") and name.endswith(".so")] == []
    target = _installed(built, tmp_path)
    probe = (
        "import sys, claimfmt, claimfmt.validators.settled as s;"
        "assert s.__file__.startswith(sys.argv[1]) and s.__file__.endswith('settled.py'), s.__file__;"
        "print(claimfmt.validate(open(sys.argv[2]).read()))"
    )
    done = _run_installed(probe, target, str(ROOT / "examples" / "seed-article.claimfmt.json"))
    assert done.stdout.strip() == "[]"


def _installed(wheel: Path, folder: Path) -> Path:
    """A scratch folder ``wheel`` is installed into, without its dependencies."""
    target = folder / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def _run_installed(probe: str, target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``probe`` run with the package from ``target`` alone (its dependencies from this environment), given
    ``target`` and ``args``, outside the checkout; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-c", probe, str(target), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(target)},
        cwd=target.parent,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_import_claimfmt_loads_no_converter_and_every_public_name_resolves(tmp_path: Path) -> None:
    """Start-up stays cheap (pre-commit runs claimfmt on every commit): names load on first use."""
    probe = (
        "import sys, json, claimfmt;"
        "before = sorted(m for m in sys.modules if m.startswith(('claimfmt.converters', 'claimfmt.validation')));"
        "heavy = sorted(m for m in ('jsonschema', 'referencing', 'cattrs', 'importlib.metadata') if m in sys.modules);"
        "missing = [name for name in claimfmt.__all__ if getattr(claimfmt, name, None) is None];"
        "print(json.dumps([before, heavy, missing, claimfmt.__version__]))"
    )
    before, heavy, missing, version = _probe(probe, tmp_path)
    assert before == [] and heavy == [] and missing == []
    assert version == claimfmt.__version__ == importlib.metadata.version("claimfmt")


def test_the_cli_offset_units_are_the_converters_units() -> None:
    from claimfmt.cli import OFFSET_UNITS
    from claimfmt.converters.offsets import Unit

    assert tuple(unit.value for unit in Unit) == OFFSET_UNITS


def test_claimfmt_version_loads_neither_attrs_nor_any_converter(tmp_path: Path) -> None:
    probe = (
        "import sys, json\n"
        "from claimfmt.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'attrs' or m.startswith('claimfmt.converters'))))"
    )
    assert _probe(probe, tmp_path) == []


def _probe(code: str, folder: Path) -> Any:
    """What a fresh interpreter running ``code`` outside the checkout prints last, as JSON."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=folder)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])
