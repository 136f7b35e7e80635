"""``claimfmt convert`` without ``--from``: the format is told from the input, said, and never guessed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from claimfmt.cli import main
from claimfmt.converters.detect import detect

from .conftest import shared

READERS = Path(__file__).parent / "cases" / "readers"
# spans-jsonl has no keys of its own: it is read through a mapping, which --from names.
SNIFFED = sorted(p.name for p in READERS.iterdir() if p.name != "spans-jsonl")


@pytest.mark.parametrize("name", SNIFFED)
def test_every_reader_sample_is_told_apart(name: str) -> None:
    for sample in sorted((READERS / name).iterdir()):
        if sample.suffix in {".conf", ".toml"} or sample.name == "TypeSystem.xml":
            continue  # a file that goes with the sample, not one to read
        found = detect([sample])
        assert found is not None and found.format == name, (sample.name, found)
    folder = detect([READERS / name])
    assert folder is not None and folder.format == name


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("corpora", "claims", "averitec"), {"averitec"}),
        (("corpora", "claims", "claimreview-jsonld"), {"claimreview"}),
        (("corpora", "claims", "fever"), {"fever"}),
        (("corpora", "claims", "google-factcheck-api"), {"factcheck-api"}),
        (("corpora", "claims", "liar"), {"liar"}),
        (("corpora", "claims", "liar-plus"), {"liar"}),
        (("corpora", "tools", "brat"), {"brat"}),
        (("corpora", "tools", "label-studio"), {"labelstudio"}),
        (("corpora", "tools", "webanno-tsv3"), {"webanno-tsv3"}),
        (("corpora", "w3c-web-annotation", "rec-examples"), {"w3c", None}),
    ],
)
def test_real_exports_are_told_apart_or_not_guessed(parts: tuple[str, ...], expected: set[str | None]) -> None:
    root = shared(*parts)
    files = [
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix in {".json", ".jsonl", ".tsv", ".ann", ".txt"} and "README" not in p.name.upper()
    ]
    found = Counter(d.format if (d := detect([p])) is not None else None for p in files)
    assert set(found) <= expected, found
    assert found[next(iter(expected - {None}))] >= 1


def test_convert_without_from_says_what_it_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    assert main(["convert", str(READERS / "fever" / "dev.jsonl"), "--to", "claimfmt", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "reading the input as fever (a FEVER row (claim, label, evidence)); --from chooses" in err
    assert json.loads(out.read_text())


def test_what_cannot_be_told_is_a_usage_error_not_a_guess(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text('{"hello": "world"}')
    assert main(["convert", str(odd), "--to", "claimfmt"]) == 2
    assert "give --from FMT" in capsys.readouterr().err
    # Inputs of two formats are not one input.
    two = [str(READERS / "fever" / "dev.jsonl"), str(READERS / "liar" / "test.tsv")]
    assert main(["convert", *two, "--to", "claimfmt"]) == 2
    assert main(["convert", "-", "--to", "claimfmt"]) == 2  # standard input is not read twice
    # --from still decides.
    out = tmp_path / "o.json"
    assert main(["convert", str(odd), "--from", "claimfmt", "--to", "claimfmt", "-o", str(out)]) == 1
