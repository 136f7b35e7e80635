"""Malformed inputs for every reader, made by mutating valid samples, and one run of the CLI on each.

The samples live in ``tests/cases/readers/<format>/``. A mutation takes the bytes of
one sample file and a :class:`random.Random` and returns the bytes to write (and
possibly a new file name). They are plain functions of a ``Random`` so that
hypothesis drives them in the test suite (``st.randoms()``) and a script can run
thousands with a seed to count crashes.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import random
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from claimfmt.cli import main
from claimfmt.codes import CODES

READERS = Path(__file__).resolve().parent / "cases" / "readers"

Mutation = Callable[[bytes, random.Random], bytes]


@attrs.frozen
class Sample:
    """A valid input of one format: the folder it lives in, the file to mutate, what to pass the CLI."""

    format: str
    files: tuple[str, ...]  # the files a mutation may pick
    target: str | None = None  # what to give as INPUT, relative to the folder (None: the mutated file)
    args: tuple[str, ...] = ()

    @property
    def folder(self) -> Path:
        return READERS / self.format


SAMPLES: tuple[Sample, ...] = (
    Sample("claimfmt", ("document.json",)),
    Sample("w3c", ("annotations.json", "hypothesis-api-response.json")),
    Sample("claimreview", ("reviews.json", "page.html", "markup.html")),
    Sample("factcheck-api", ("search.json", "pages.json")),
    Sample("claimskg", ("claims.csv",)),
    Sample("checkthat", ("task1.tsv",)),
    Sample("averitec", ("dev.json",)),
    Sample("fever", ("dev.jsonl",)),
    Sample("liar", ("test.tsv",)),
    Sample("brat", ("fuzz-sample.ann", "fuzz-sample.txt"), target="."),
    Sample("labelstudio", ("tasks.json",)),
    Sample("doccano", ("export.jsonl",)),
    Sample("prodigy", ("tasks.jsonl",)),
    Sample("spacy", ("corpus.spacy",)),
    Sample("nif", ("sample.ttl",)),
    Sample("uima-xmi", ("document.xmi", "TypeSystem.xml"), target="."),
    Sample("uima-json", ("document.json",)),
    Sample("webanno-tsv3", ("sample.tsv",)),
    Sample("spans-jsonl", ("corpus.jsonl",), args=("--mapping", "{folder}/mapping.toml")),
    Sample("parquet", ("corpus.parquet",)),
)


# --- mutations --------------------------------------------------------------------------------------------


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def invalid_utf8(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"]) + data[at:]


def bom(data: bytes, rng: random.Random) -> bytes:
    return b"\xef\xbb\xbf" + data


def crlf(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", b"\r\n")


def nul(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + b"\x00" + data[at:]
    return data


def utf16(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    return text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be"]))


def junk(data: bytes, rng: random.Random) -> bytes:
    return rng.randbytes(rng.randint(0, 300))


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def duplicate_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    lines.insert(rng.randrange(len(lines) + 1), lines[at])
    return b"".join(lines)


def swap_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"".join(lines)


def delete_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"".join(lines)


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([200, 1100, 5000])
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"[" * depth + b"1" + b"]" * depth + data[at:]


_ODD_NUMBERS = [b"1e999", b"-1e999", b"99999999999999999999999999", b"-9223372036854775809", b"1.5", b"-0", b"1E400"]


def odd_number(data: bytes, rng: random.Random) -> bytes:
    """A number in the data replaced by a huge one, a float, or one out of every range."""
    found = list(re.finditer(rb"\d+", data))
    if not found:
        return data + rng.choice(_ODD_NUMBERS)
    match = rng.choice(found)
    return data[: match.start()] + rng.choice(_ODD_NUMBERS) + data[match.end() :]


_WRONG = [None, True, 0, -1, 1.5, 2**70, -(2**64), "", "x", [], {}, [1, "a"], {"a": 1}, [[{}]], "1e999"]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replaced(value[head], rest, new)
    return copy


def wrong_type(data: bytes, rng: random.Random) -> bytes:
    """A value at a random key of a JSON value (or of one JSONL line) replaced by one of another type."""
    return _a_value_replaced(data, rng, rng.choice(_WRONG))


def deep_value(data: bytes, rng: random.Random) -> bytes:
    """A value of a JSON value (or of one JSONL line) replaced by arrays nested deeper than orjson writes (255
    levels) but not than it reads (1,024): a reader parks what it does not map, and writes it again."""
    new: Any = 1
    for _ in range(rng.choice([254, 300, 600])):
        new = [new]
    return _a_value_replaced(data, rng, new)


def _a_value_replaced(data: bytes, rng: random.Random, new: Any) -> bytes:
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if line.strip()[:1] in (b"{", b"[")]
    try:
        whole = json.loads(data)
    except (ValueError, RecursionError):
        whole = None
    if whole is not None:
        value: Any = whole
    elif candidates:
        pick = rng.choice(candidates)
        try:
            value = json.loads(lines[pick])
        except (ValueError, RecursionError):
            return data
    else:
        return data
    path = rng.choice(list(_paths(value)))
    mutated = _replaced(value, path, new)
    # ASCII escapes where the data holds a lone surrogate, which has no UTF-8 form.
    text = json.dumps(mutated, ensure_ascii=False).encode("utf-8", errors="surrogatepass")
    if whole is not None:
        return text
    lines[pick] = text + (b"\n" if lines[pick].endswith(b"\n") else b"")
    return b"".join(lines)


MUTATIONS: dict[str, Mutation] = {
    f.__name__: f
    for f in (
        truncate,
        invalid_utf8,
        bom,
        crlf,
        nul,
        utf16,
        junk,
        duplicate_line,
        swap_lines,
        delete_line,
        deep_nesting,
        deep_value,
        odd_number,
        wrong_type,
        wrong_type,  # listed twice: the most varied mutation is drawn more often
    )
}
_KINDS = [*MUTATIONS, "wrong_type", "fake_gzip"]


def mutate(data: bytes, name: str, rng: random.Random, kind: str | None = None) -> tuple[bytes, str]:
    """One to three mutations of ``data`` (one of ``kind``, where given); ``fake_gzip`` also renames the file to
    ``.gz``."""
    for _ in range(rng.choice([1, 1, 1, 2, 3]) if kind is None else 1):
        drawn = kind or rng.choice(_KINDS)
        if drawn == "fake_gzip":
            if name.endswith((".json", ".jsonl")) and not name.endswith(".gz"):
                name += ".gz"
                data = rng.choice([data, gzip.compress(data)[: rng.randrange(1, 40)], gzip.compress(data)])
        else:
            data = MUTATIONS[drawn](data, rng)
    return data, name


# --- one run ----------------------------------------------------------------------------------------------

_ISSUE = re.compile(
    r"^(?P<where>\S.*?): (?:(?P<pointer>/\S*|\S*): )?(?P<severity>error|warning): .* \[(?P<code>[a-z0-9-]+)\]$"
)
_GOOD = b'{"kept": "the output that was there before"}\n'


@attrs.frozen
class Outcome:
    status: int
    stderr: str
    issues: tuple[tuple[str, str, str], ...]  # (where, severity, code)


class Crash(AssertionError):
    """A run ended other than with a located issue and exit 0, 1 or 2."""


def run_mutated(
    sample: Sample, rng: random.Random | None, work: Path, *, command: str = "convert", kind: str | None = None
) -> Outcome:
    """Copy ``sample`` into ``work``, mutate one file (none when ``rng`` is None; by one mutation of ``kind``,
    where given), run the CLI, check the end.

    Raises :class:`Crash` (with what went wrong) for a traceback, an internal
    error, an exit status other than 0 or 1 for data, an unlocated or
    undocumented issue, or an output file written or clobbered on failure.
    """
    folder = work / sample.format
    shutil.copytree(sample.folder, folder)
    name = sample.files[0]
    data = b""
    if rng is not None:
        chosen = rng.choice(sample.files)
        data, name = mutate((folder / chosen).read_bytes(), chosen, rng, kind)
        (folder / chosen).unlink()
        (folder / name).write_bytes(data)
    target = folder if sample.target == "." else folder / name
    out = work / "out.json"
    out.write_bytes(_GOOD)
    args = [a.format(folder=folder) for a in sample.args]
    if command == "validate":
        argv = ["validate", "--format", "json", str(target)]
    else:
        argv = ["convert", str(target), "--from", sample.format, "--to", "claimfmt", "-o", str(out), *args]
    stderr, stdout = io.StringIO(), io.StringIO()
    os.environ["CLAIMFMT_DEBUG"] = "1"  # an internal error raises instead of printing one line
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            status = main(argv)
    except Exception as exc:
        raise Crash(f"{type(exc).__name__}: {exc}\ninput {name}: {data[:3000]!r}") from exc
    finally:
        del os.environ["CLAIMFMT_DEBUG"]
    text = stderr.getvalue()
    lines = text.splitlines()
    if command == "validate":
        # The JSON report, as one line per issue in the convert form: file:line: pointer: severity: message [code]
        for issue in json.loads(stdout.getvalue())["issues"]:
            where = issue["file"] + (f":{issue['line']}" if issue["line"] is not None else "")
            lines.append(f"{where}: {issue['pointer']}: {issue['severity']}: {issue['message']} [{issue['code']}]")
    issues = []
    for line in lines:
        match = _ISSUE.match(line)
        if match is None:
            continue
        where, code = match["where"], match["code"]
        if code not in CODES and not code.startswith("schema-"):
            raise Crash(f"undocumented code {code!r}: {line}")
        if not where.startswith(str(folder)):
            raise Crash(f"an issue not placed in the input file: {line}")
        issues.append((where, match["severity"], code))
    if status not in (0, 1):
        raise Crash(f"exit {status} for malformed data:\n{text}")
    if status == 1 and not any(severity == "error" for _, severity, _ in issues):
        raise Crash(f"exit 1 without a located error:\n{text}")
    if command == "convert":
        written = out.read_bytes()
        if status == 1 and " 0 converted," in text and written != _GOOD:
            raise Crash(f"a run that converted nothing replaced the output:\n{text}")
        if written != _GOOD:
            # What a run writes is valid claimfmt, whatever it read.
            with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
                checked = main(["validate", str(out)]) if written.strip() not in (b"", b"[]") else 0
            if checked != 0:
                raise Crash(f"the output is not valid claimfmt: {written[:300]!r}")
    return Outcome(status=status, stderr=text, issues=tuple(issues))
