"""The validation pass (``validators/settled.py``) compiled with mypyc where this machine can; pure Python where not.

Everything else is in ``pyproject.toml``. The pass is what ``claimfmt validate`` spends most of its own time
in on a valid document (the rest is the JSON parse and the schema, both in compiled libraries already):
compiled, it runs about a quarter faster, unchanged. ``CLAIMFMT_COMPILE=0`` installs it as Python.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup

COMPILED = ["src/claimfmt/validators/settled.py"]


def compiled() -> list[Extension]:
    if os.environ.get("CLAIMFMT_COMPILE", "1") == "0":
        return []
    try:
        from mypyc.build import mypycify

        # Type-checked alone: its imports are the standard library and claimfmt.dates, which is stdlib-only.
        extensions: list[Extension] = mypycify(["--ignore-missing-imports", "--follow-imports=silent", *COMPILED])
    except (ImportError, Exception, SystemExit) as exc:  # no mypyc, or it refused the module: pure Python
        print(f"claimfmt: the validation pass is not compiled ({type(exc).__name__}: {exc})", file=sys.stderr)
        return []
    for extension in extensions:
        extension.optional = True  # no C compiler: the pure module is installed, and used
    return extensions


setup(ext_modules=compiled())
