"""The command line: exit statuses, formats, and one-line errors without tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from claimfmt import jsontext
from claimfmt.cli import main

from .conftest import EXAMPLES, ROOT

DOC: dict[str, Any] = {"claimfmt": "1.0", "id": "d", "article": {"text": "abc"}, "sources": [], "claims": []}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert "format versions 1.0, 1.1" in capsys.readouterr().out
    for command in ([], ["validate", "--help"], ["stats", "--help"], ["schema", "--help"], ["show", "--help"]):
        with pytest.raises(SystemExit):
            main(command or ["--help"])
    assert "Exit status" in capsys.readouterr().out


def test_a_command_runs_with_rarer_collections_and_gives_the_threshold_back(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import claimfmt.cli
    import claimfmt.validation

    during: list[tuple[int, ...]] = []
    before = gc.get_threshold()
    real = claimfmt.validation.validate_sources

    def watched(*args: Any, **kwargs: Any) -> Any:
        during.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(claimfmt.validation, "validate_sources", watched)
    assert main(["validate", str(EXAMPLES / "seed-article.claimfmt.json")]) == 0
    assert during == [claimfmt.cli._GC_THRESHOLD] and gc.get_threshold() == before
    assert main(["validate", str(EXAMPLES / "no-such-file.json")]) != 0
    assert gc.get_threshold() == before
    capsys.readouterr()


def test_schema_prints_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema")
    assert status == 0
    assert orjson.loads(out)["$id"].endswith("/1.1/document.schema.json")
    with pytest.raises(SystemExit) as exited:
        main(["schema", "--version", "7.0"])
    assert exited.value.code == 2


def test_validate_examples_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", str(EXAMPLES))
    assert status == 0
    assert "3 documents in 3 file(s), 0 errors, 1 warning (span-checks-skipped 1)" in out


def test_strict_makes_warnings_fail(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run(capsys, "validate", "--strict", str(EXAMPLES / "text-withheld.claimfmt.json"))
    assert status == 1


def test_stats_counts(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "stats", "--format", "json", str(EXAMPLES))
    assert status == 0
    (stats,) = orjson.loads(out)
    assert stats["documents"] == 3
    assert stats["claims"] == 21
    assert stats["attributions_by_stance"]["denies"] >= 4
    assert stats["claims_by_state"]["disputed"] >= 3
    status, out, _ = run(capsys, "stats", str(EXAMPLES))
    assert "claims by verification state" in out


def test_show_describes_claims(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", str(EXAMPLES / "seed-article.claimfmt.json"))
    assert status == 0
    assert "via Reuters" in out
    assert "denies: a spokesperson" in out


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"{not json", "invalid-json"),
        (b'{"a": "\xff"}', "invalid-utf8"),
        (orjson.dumps({**DOC, "claimfmt": "9.0"}), "unsupported-version"),
        (orjson.dumps({**DOC, "bogus": 1}), "unknown-key"),
        (orjson.dumps({**DOC, "id": 5}), "wrong-type"),
    ],
)
def test_bad_input_is_one_line_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, code: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    for command in ("stats", "show"):
        status, _, err = run(capsys, command, str(path))
        assert status == 1
        assert f"[{code}]" in err
        assert str(path) in err
        assert "Traceback" not in err


def test_jsonl_errors_name_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(orjson.dumps(DOC) + b"\n[1]\n")
    status, _, err = run(capsys, "stats", str(path))
    assert status == 1
    assert f"{path}:2: error: a document is a JSON object" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "stats", str(tmp_path / "missing.json"))
    assert status == 2
    assert "no such file" in err
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--jobs", "0", str(EXAMPLES)])
    assert exited.value.code == 2
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2


def test_python_dash_m_runs_the_cli() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "claimfmt", "validate", str(EXAMPLES)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "3 documents" in done.stdout


def test_output_piped_into_head_ends_quietly() -> None:
    import subprocess
    import sys

    seed = str(EXAMPLES / "seed-article.claimfmt.json")
    shown = subprocess.Popen(
        [sys.executable, "-m", "claimfmt", "show", seed, seed, seed], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert shown.stdout is not None and shown.stderr is not None
    shown.stdout.readline()
    shown.stdout.close()  # as `head -1` does
    err = shown.stderr.read().decode()
    assert shown.wait() == 0 and "error" not in err, err


@pytest.mark.parametrize(
    "command",
    ["show {a}", "stats {a}", "diff {a} {b}", "diff --format json {a} {b}", "agree {a} {b}",
     "merge {a} {b} -o {out}/merged.json", "view {a} -o {out}/view.html --no-open", "strip {a} -o {out}/s.json",
     "validate --format sarif {a}", "convert {a} --to w3c --record -o {out}/w.json",
     "convert {a} --to claimreview --record -o {out}/c.json"],
)  # fmt: skip
# orjson writes 255 levels and reads 1,024; Python compares and walks about 1,000.
@pytest.mark.parametrize("levels", [300, 1_000])
def test_every_command_takes_an_extension_nested_deeper_than_orjson_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, levels: int
) -> None:
    # The schema takes any depth in an extension: reports and outputs show it all the same.
    deep: Any = 1
    for _ in range(levels):
        deep = [deep]
    data = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    data["extensions"] = {"org.example:deep": deep}
    a = tmp_path / "a.json"
    a.write_bytes(jsontext.dumps(data))
    data["claims"][0]["text"] += " (edited)"
    data["claims"][1]["extensions"] = {"org.example:deep": deep}
    other: Any = 2  # the same depth, another value at the bottom: diff walks down to it
    for _ in range(levels):
        other = [other]
    data["extensions"] = {"org.example:deep": other}
    b = tmp_path / "b.json"
    b.write_bytes(jsontext.dumps(data))
    status, _, err = run(capsys, *command.format(a=a, b=b, out=tmp_path).split())
    assert status in (0, 1) and "internal error" not in err, err
