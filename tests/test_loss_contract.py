"""One loss contract for every reader: each key it meets is mapped, parked (and counted) or reported.

Each object of each JSON reader's sample (``tests/cases/readers/``) gets, one conversion
at a time, a key no format defines with a value of its own. After conversion the value
must be in the output (parked under ``extensions``), or its key must be named by the
loss report: as dropped or parked, or in an issue. The record claimfmt's tool writers
keep in a file is taken out first: this measures the native mapping, the way a file
that never went through claimfmt is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

import claimfmt
from claimfmt.converters.base import Options
from claimfmt.converters.claimreview import RECORD
from claimfmt.converters.mapping import load_mapping

from .fuzzing import READERS

# Where claimfmt's tool writers keep their record in a peer file (not the peer's data), by format.
RECORDS = {
    "claimreview": (RECORD,),
    "labelstudio": ("meta", "claimfmt"),
    "doccano": ("claimfmt",),
    "prodigy": ("claimfmt",),
}

JSON_SAMPLES = [
    ("claimfmt", "document.json"),
    ("w3c", "annotations.json"),
    ("claimreview", "reviews.json"),
    ("factcheck-api", "search.json"),
    ("factcheck-api", "pages.json"),
    ("averitec", "dev.json"),
    ("fever", "dev.jsonl"),
    ("labelstudio", "tasks.json"),
    ("doccano", "export.jsonl"),
    ("prodigy", "tasks.jsonl"),
    ("spans-jsonl", "corpus.jsonl"),
]


def _objects(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every object in ``value``."""
    if isinstance(value, list):
        return [p for n, item in enumerate(value) for p in _objects(item, (*path, n))]
    if not isinstance(value, dict):
        return []
    return [path, *(p for k, v in value.items() for p in _objects(v, (*path, k)))]


def _with_probe(value: Any, path: tuple[Any, ...], key: str, probe: str) -> Any:
    if not path:
        return {**value, key: probe}
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _with_probe(value[path[0]], path[1:], key, probe)  # type: ignore[index]
    return copy


def _without_records(value: Any, record: tuple[str, ...]) -> Any:
    """``value`` without the record at the path ``record`` (lists are looked through)."""
    if isinstance(value, list):
        return [_without_records(item, record) for item in value]
    if not isinstance(value, dict) or not record:
        return value
    head, rest = record[0], record[1:]
    if rest:
        return {k: _without_records(v, rest) if k == head else v for k, v in value.items()}
    return {k: v for k, v in value.items() if k != head}


def _sample(source_format: str, name: str) -> list[Any]:
    """The sample's values (one per line for JSONL), without claimfmt's own records."""
    text = (READERS / source_format / name).read_text(encoding="utf-8")
    record = RECORDS.get(source_format, ())
    if name.endswith(".jsonl"):
        return [_without_records(json.loads(line), record) for line in text.splitlines() if line.strip()]
    return [_without_records(json.loads(text), record)]


def _cases(source_format: str, name: str) -> list[tuple[str, str, int, tuple[Any, ...]]]:
    """(format, file, value, path) for every object of the sample: a conversion each."""
    values = _sample(source_format, name)
    return [
        (source_format, name, n, path)
        for n, value in enumerate(values)
        # A Prodigy task answered reject or ignore is no annotation: skipped whole and counted as dropped
        # (tests/test_token_tools.py), so its keys are not read one by one.
        if not (source_format == "prodigy" and value.get("answer") in ("reject", "ignore"))
        for path in _objects(value)
    ]


CASES = [case for source_format, name in JSON_SAMPLES for case in _cases(source_format, name)]


@pytest.mark.parametrize(
    ("source_format", "name", "value", "path"), CASES, ids=[f"{name}:{n}{path}" for _, name, n, path in CASES]
)
def test_every_key_a_reader_meets_is_mapped_parked_or_reported(
    tmp_path: Path, source_format: str, name: str, value: int, path: tuple[Any, ...]
) -> None:
    key, probe = "zz-unknown-key", "zz probe value"
    values = _sample(source_format, name)
    values[value] = _with_probe(values[value], path, key, probe)
    if name.endswith(".jsonl"):
        probed_text = "".join(json.dumps(value, ensure_ascii=False) + "\n" for value in values)
    else:
        probed_text = json.dumps(values[0], ensure_ascii=False)
    probed = tmp_path / name
    probed.write_text(probed_text, encoding="utf-8")
    mapping = load_mapping(READERS / "spans-jsonl" / "mapping.toml") if source_format == "spans-jsonl" else None
    out = tmp_path / "out.jsonl"
    report = claimfmt.convert(
        [probed], source_format=source_format, target_format="claimfmt", output=out, options=Options(mapping=mapping)
    )
    written = out.read_text(encoding="utf-8") if out.exists() else ""
    told = orjson.dumps(report.to_json()).decode()
    assert probe in written or key in told, f"neither kept nor reported:\n{report.summary()}"
