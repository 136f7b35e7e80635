"""A file mapped into memory rather than read, and its pages handed back to the system as a pass goes.

For the passes over a large file (``claimfmt.large``, ``claimfmt.jsontext.loads``, W3C's reader): a
file read holds its bytes as long as it is parsed; a file mapped holds only the pages looked at
since they were last handed back (read again from the system's cache if looked at again).
"""

from __future__ import annotations

import contextlib
import mmap
from collections.abc import Iterator
from pathlib import Path

__all__ = ["hand_back", "mapped"]

_BOM = b"\xef\xbb\xbf"


@contextlib.contextmanager
def mapped(path: Path) -> Iterator[memoryview]:
    """The file's bytes past a byte order mark: mapped into memory where the system can, else read."""
    with path.open("rb") as file:
        try:
            mapping: mmap.mmap | None = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # an empty file, or a file system that cannot map
            mapping = None
        data = memoryview(mapping if mapping is not None else file.read())
    try:
        yield data[len(_BOM) :] if data[: len(_BOM)] == _BOM else data
    finally:
        if mapping is not None:
            with contextlib.suppress(BufferError):  # raw parts still held: unmapped when the last goes
                data.release()
                mapping.close()


def hand_back(data: memoryview) -> None:
    """Give the pages of a mapped file back to the system (read again from its cache if touched again)."""
    mapping = data.obj
    if isinstance(mapping, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        mapping.madvise(mmap.MADV_DONTNEED)
