"""Entry points other packages declare (validators, converters), found without a start-up cost.

``importlib.metadata.entry_points`` imports the email package and parses the
metadata of every installed distribution: about 20 ms, most of what a short
``claimfmt validate`` run pays when no plugin is installed, which is the usual
case. So the entry point files are first only read for the group's name; only
when one names it does ``importlib.metadata`` parse them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["entry_points"]


def entry_points(group: str) -> Sequence[EntryPoint]:
    """The entry points of ``group`` that installed distributions declare (as ``importlib.metadata``'s)."""
    if not _declared(group):
        return ()
    from importlib.metadata import entry_points as found

    return tuple(found(group=group))


def _declared(group: str) -> bool:
    """Whether an ``entry_points.txt`` of a distribution on ``sys.path`` mentions ``group`` at all."""
    wanted = group.encode()
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.name.endswith((".dist-info", ".egg-info")):
                    points = f"{entry.path}/entry_points.txt"
                elif entry.name.endswith(".egg"):
                    points = f"{entry.path}/EGG-INFO/entry_points.txt"
                else:
                    continue
                # os and str, not pathlib: this runs for every installed distribution at start-up.
                try:
                    with open(points, "rb") as file:  # noqa: PTH123
                        if wanted in file.read():
                            return True
                except OSError:
                    continue
    return False
