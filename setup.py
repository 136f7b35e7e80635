"""The validation pass (``validators/settled.py``) compiled with mypyc where this machine can; pure Python where not.

Everything else is in ``pyproject.toml``. The pass is what ``claimfmt validate`` spends most of its own time
in on a valid document (the rest is the JSON parse and the schema, both in compiled libraries already):
compiled, it takes about a fifth less time, unchanged. ``CLAIMFMT_COMPILE=0`` installs it as Python.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, CompileError, PlatformError

COMPILED = ["src/claimfmt/validators/settled.py"]


class BuildTogether(build_ext):
    """Builds the compiled module and the library mypyc makes for it in turn, and stops at the first that fails:
    a module built without its library would fail to import, where its Python source works."""

    def build_extensions(self) -> None:
        self.check_extensions_list(self.extensions)
        for extension in self.extensions:
            try:
                self.build_extension(extension)
            except (CCompilerError, CompileError, PlatformError) as exc:
                print(f"claimfmt: the validation pass is not compiled ({exc}); it is installed as Python")
                return


def compiled() -> list[Extension]:
    if os.environ.get("CLAIMFMT_COMPILE", "1") == "0":
        return []
    try:
        from mypyc.build import mypycify

        # Type-checked alone: its imports are the standard library and claimfmt.dates, which is stdlib-only.
        extensions: list[Extension] = mypycify(["--ignore-missing-imports", "--follow-imports=silent", *COMPILED])
    except (Exception, SystemExit) as exc:  # no mypyc, or it refused the module: pure Python
        print(f"claimfmt: the validation pass is not compiled ({type(exc).__name__}: {exc})", file=sys.stderr)
        return []
    for extension in extensions:
        extension.optional = True  # not built (BuildTogether): then not looked for either
    return extensions


setup(ext_modules=compiled(), cmdclass={"build_ext": BuildTogether})
