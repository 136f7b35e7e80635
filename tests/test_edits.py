"""Edit after export: a document exported to a tool, edited there as an annotator would, and read back.

The tool's edit is the truth, everything the annotator did not touch comes back as
it was (the keyed remainder carries what the tool cannot hold), each conflict is a
warning with a code, and the document is always read and valid. Edits are applied
to the files as each tool writes them on export: brat ``.ann`` lines, Label Studio
task results, doccano entities (which doccano numbers anew on import), and W3C
annotations as an annotation client edits them (selectors rewritten, bodies changed,
annotations deleted or added), exported with ``--record``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import claimfmt
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.offsets import OffsetMap, Unit
from claimfmt.converters.registry import get_converter
from claimfmt.issues import Severity
from claimfmt.model import Claim, Document, Span, Stance, State
from claimfmt.structuring import as_json, deferred
from claimfmt.testing import documents

from .conftest import EXAMPLES

SEED = EXAMPLES / "seed-article.claimfmt.json"
TOOLS = ("brat", "labelstudio", "doccano", "w3c")


def _export(folder: Path, tool: str, docs: list[Document]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / ("export" if tool == "brat" else f"export.{'jsonl' if tool in ('doccano', 'prodigy') else 'json'}")
    report = LossReport(source="claimfmt", target=tool)
    get_converter(tool).write(docs, out, Options(record=tool == "w3c"), report)
    assert not report.failed, [i.format() for i in report.issues]
    return out


def _import(path: Path, tool: str) -> tuple[list[Document], LossReport]:
    from claimfmt.conversion import read_documents

    report = LossReport(source=tool, target="claimfmt")
    return list(read_documents([path], tool, Options(), report)), report


def _codes(report: LossReport) -> set[str]:
    return {issue.code for issue in report.issues}


def _valid(document: Document) -> bool:
    return all(issue.severity is Severity.WARNING for issue in claimfmt.validate(document))


class Export:
    """One document exported to a tool, with the edits an annotator makes there (offsets in code points)."""

    def __init__(self, folder: Path, tool: str, document: Document) -> None:
        self.tool = tool
        self.document = document
        self.text = document.article.text or ""
        self.path = _export(folder, tool, [document])
        self.units = OffsetMap(self.text)

    # -- the file, as the tool keeps it
    def _load(self) -> Any:
        if self.tool == "brat":
            return self._ann().read_bytes().decode().rstrip("\n").split("\n")  # no newline translation
        data = json.loads(
            self.path.read_text(encoding="utf-8").split("\n")[0]
            if self.tool == "doccano"
            else self.path.read_text(encoding="utf-8")
        )
        return data[0] if isinstance(data, list) else data

    def _save(self, data: Any) -> None:
        if self.tool == "brat":
            self._ann().write_text("\n".join(data) + "\n", encoding="utf-8")
        else:
            self.path.write_text(json.dumps(data) + ("\n" if self.tool == "doccano" else ""), encoding="utf-8")

    def _ann(self) -> Path:
        return next(self.path.glob("*.ann"))

    def _u(self, offset: int) -> int:
        if self.tool == "brat":  # brat counts \r\n as one character
            return offset - self.text.count("\r\n", 0, offset) - (1 if self.text.startswith("\ufeff") and offset else 0)
        if self.tool == "w3c":  # code points, as written by default
            return offset
        return self.units.from_codepoints(offset, Unit.UTF16)

    def _items(self, data: Any) -> list[dict[str, Any]]:
        return data["first"]["items"]  # type: ignore[no-any-return]

    def _results(self, data: Any) -> list[dict[str, Any]]:
        return data["annotations"][0]["result"]  # type: ignore[no-any-return]

    def key(self, claim: Claim) -> str:
        """The tool's id of the annotation that holds ``claim`` (found by its first span)."""
        place = _first_place(claim, self.text)
        assert place is not None
        start, end = place
        data = self._load()
        if self.tool == "brat":
            start, end = self._u(start), self._u(end)
            return next(x.split("\t")[0] for x in data if re.match(rf"T\d+\tClaim {start} {end}[;\t]", x))
        if self.tool == "labelstudio":
            found = (r for r in self._results(data) if r["type"] == "labels" and r["value"]["labels"] == ["Claim"])
            return next(
                r["id"] for r in found if (r["value"]["start"], r["value"]["end"]) == (self._u(start), self._u(end))
            )
        if self.tool == "w3c":
            return next(a["id"] for a in self._items(data) if _position(a) == (start, end))
        found_e = (e for e in data["entities"] if e["label"] == "Claim")
        return str(
            next(e["id"] for e in found_e if (e["start_offset"], e["end_offset"]) == (self._u(start), self._u(end)))
        )

    # -- edits
    def claim_keys(self) -> list[str]:
        """The tool's ids of every claim annotation in the file."""
        data = self._load()
        if self.tool == "brat":
            # Not a span brat's reading leaves empty (over just a \r, or a byte-order mark): nobody sees it.
            return [x.split("\t")[0] for x in data if re.match(r"T\d+\tClaim ", x) and not _empty(x)]
        if self.tool == "labelstudio":
            return [r["id"] for r in self._results(data) if r["type"] == "labels" and r["value"]["labels"] == ["Claim"]]
        if self.tool == "w3c":
            return [a["id"] for a in self._items(data) if a["type"] == "Annotation"]
        return [str(e["id"]) for e in data["entities"] if e["label"] == "Claim"]

    def delete_claim(self, claim: Claim) -> None:
        """Delete the claim's annotation and what depends on it only, as the tool's UI does."""
        self.delete(self.key(claim))

    def delete(self, key: str) -> None:
        """Delete a claim annotation by the tool's id."""
        data = self._load()
        if self.tool == "brat":
            fields = [x.split("\t") for x in data]
            events = {f[0] for f in fields if f[0][0] == "E" and re.search(rf":{key}\b", f[1])}
            parts = {a.split(":")[1] for f in fields if f[0] in events for a in f[1].split()}
            others = {a.split(":")[1] for f in fields if f[0][0] == "E" and f[0] not in events for a in f[1].split()}
            gone = (
                {key}
                | events
                | (parts - others - {x for f in fields if f[0][0] == "T" and "Source" in f[1] for x in [f[0]]})
            )
            kept = [f for f in fields if f[0] not in gone and not (f[0][0] in "A#" and f[1].split(" ")[1] in gone)]
            self._save(["\t".join(f) for f in kept])
        elif self.tool == "labelstudio":
            results = self._results(data)
            results[:] = [r for r in results if key not in (r.get("id"), r.get("from_id"), r.get("to_id"))]
            self._save(data)
        elif self.tool == "w3c":  # a server takes the annotation out of the page, and counts one fewer
            self._items(data)[:] = [a for a in self._items(data) if a["id"] != key]
            data["total"] = len(self._items(data))
            self._save(data)
        else:
            data["entities"] = [e for e in data["entities"] if str(e["id"]) != key]
            data["relations"] = [r for r in data["relations"] if key not in (str(r["from_id"]), str(r["to_id"]))]
            self._save(data)

    def move_span(self, claim: Claim, start: int, end: int) -> None:
        """Move (or narrow) the claim's first span to [start, end)."""
        key, data = self.key(claim), self._load()
        if self.tool == "brat":
            for n, x in enumerate(data):
                ident, body, *_ = x.split("\t")
                if ident == key:
                    rest = body.split(";", 1)[1:] if ";" in body else []
                    places = ";".join([f"{start} {end}", *rest])
                    spans = [(int(a), int(b)) for a, b in (p.split() for p in places.split(";"))]
                    data[n] = f"{key}\tClaim {places}\t{' '.join(self.text[a:b] for a, b in spans)}"
        elif self.tool == "labelstudio":
            region = next(r for r in self._results(data) if r.get("id") == key and r["type"] == "labels")
            region["value"].update(start=self._u(start), end=self._u(end), text=self.text[start:end])
        elif self.tool == "w3c":  # a client rewrites the first target's selectors for the new selection
            annotation = next(a for a in self._items(data) if a["id"] == key)
            targets = annotation["target"] if isinstance(annotation["target"], list) else [annotation["target"]]
            targets[0]["selector"] = [
                {"type": "TextQuoteSelector", "exact": self.text[start:end]},
                {"type": "TextPositionSelector", "start": start, "end": end},
            ]
        else:
            entity = next(e for e in data["entities"] if str(e["id"]) == key)
            entity.update(start_offset=self._u(start), end_offset=self._u(end))
        self._save(data)

    def change(self, claim: Claim) -> None:
        """Change a label or choice: brat the first attribution's stance, Label Studio the claim's state."""
        key, data = self.key(claim), self._load()
        if self.tool == "brat":
            event = next(x.split("\t")[0] for x in data if x[0] == "E" and f"Claim:{key}" in x)
            data = [re.sub(rf"^(A\d+\tStance {event}) \w+$", r"\1 questions", x) for x in data]
        elif self.tool == "labelstudio":
            state = next(r for r in self._results(data) if r.get("id") == key and r.get("from_name") == "State")
            state["value"]["choices"] = ["refuted"]
        elif self.tool == "w3c":
            annotation = next(a for a in self._items(data) if a["id"] == key)
            body = next(b for b in annotation["body"] if b.get("purpose") == "assessing")
            body["verificationState"] = "refuted"
            if "verdict" not in body:  # the body's value is then the state, and a client shows and edits it
                body["value"] = "refuted"
        else:
            raise AssertionError("doccano has no choices: a label change is tested on its own")
        self._save(data)

    def add_claim(self, start: int, end: int) -> None:
        data = self._load()
        if self.tool == "brat":
            data.append(f"T999\tClaim {start} {end}\t{self.text[start:end]}")
        elif self.tool == "labelstudio":
            value = {"start": self._u(start), "end": self._u(end), "text": self.text[start:end], "labels": ["Claim"]}
            self._results(data).append(
                {"id": "new1", "from_name": "label", "to_name": "text", "type": "labels", "value": value}
            )
        elif self.tool == "w3c":  # a highlight made in a client: a quote, no body
            source = _target(self._items(data)[0])["source"]
            selectors = [
                {"type": "TextQuoteSelector", "exact": self.text[start:end]},
                {"type": "TextPositionSelector", "start": start, "end": end},
            ]
            self._items(data).append(
                {"id": "urn:example:new1", "type": "Annotation", "target": {"source": source, "selector": selectors}}
            )
            data["total"] = len(self._items(data))
        else:
            data["entities"].append(
                {"id": 999, "start_offset": self._u(start), "end_offset": self._u(end), "label": "Claim"}
            )
        self._save(data)

    def read(self) -> tuple[Document, LossReport]:
        docs, report = _import(self.path, self.tool)
        assert not report.failed, [i.format() for i in report.issues]
        (document,) = docs
        return document, report


def _target(annotation: dict[str, Any]) -> dict[str, Any]:
    target = annotation["target"]
    return target[0] if isinstance(target, list) else target  # type: ignore[no-any-return]


def _position(annotation: dict[str, Any]) -> tuple[int, int] | None:
    """The first target's TextPositionSelector of a W3C annotation, as (start, end)."""
    target = annotation.get("target")
    if not isinstance(target, dict | list):
        return None
    first = _target(annotation)
    selectors = first.get("selector", []) if isinstance(first, dict) else []
    for selector in selectors if isinstance(selectors, list) else [selectors]:
        if selector.get("type") == "TextPositionSelector":
            return selector["start"], selector["end"]
    return None


def _empty(line: str) -> bool:
    """A brat span line every fragment of which is empty."""
    places = line.split("\t")[1].split(" ", 1)[1]
    return all(start == end for start, end in (piece.split() for piece in places.split(";")))


def _without(document: Document, claim_id: str) -> Document:
    """``document`` without a claim and the relations naming it."""
    relations = tuple(r for r in document.relations or () if claim_id not in (r.from_, r.to))
    return attrs.evolve(
        document,
        claims=tuple(c for c in document.claims if c.id != claim_id),
        relations=relations if document.relations is not None else None,
    )


def _replaced(document: Document, claim: Claim) -> Document:
    return attrs.evolve(document, claims=tuple(claim if c.id == claim.id else c for c in document.claims))


@pytest.fixture
def seed() -> Document:
    return claimfmt.load(SEED)


def _rich(document: Document) -> Claim:
    """The first claim with a verdict and an attribution with a channel: the one most worth keeping."""
    return next(c for c in document.claims if c.verifications and any(a.channel for a in c.attributions))


@pytest.mark.parametrize("tool", TOOLS)
def test_an_unedited_export_reads_back_whole(tmp_path: Path, tool: str, seed: Document) -> None:
    document, report = Export(tmp_path, tool, seed).read()
    assert document == seed
    assert not _codes(report) & {"record-invalid", "record-stale"}


@pytest.mark.parametrize("tool", TOOLS)
def test_a_deleted_claim_is_gone_and_everything_else_comes_back(tmp_path: Path, tool: str, seed: Document) -> None:
    victim = _rich(seed)
    export = Export(tmp_path, tool, seed)
    export.delete_claim(victim)
    document, report = export.read()
    assert document == _without(seed, victim.id)
    assert "record-invalid" not in _codes(report)
    stale = [i.message for i in report.issues if i.code == "record-stale"]
    assert stale and all(victim.id in message for message in stale)  # the relations naming it, or its fragment


@pytest.mark.parametrize("tool", TOOLS)
def test_a_narrowed_span_wins_and_the_claim_keeps_the_rest(tmp_path: Path, tool: str, seed: Document) -> None:
    claim = _rich(seed)
    first = claim.spans[0]
    assert first.start is not None and first.end is not None
    start = first.start + 10
    export = Export(tmp_path, tool, seed)
    export.move_span(claim, start, first.end)
    document, report = export.read()
    moved = Span(start=start, end=first.end, exact=seed.article.text[start : first.end])  # type: ignore[index]
    assert _valid(document)
    if tool == "doccano":
        # doccano numbers entities anew on import: a moved span cannot be told from a new claim, so the
        # claim is what doccano holds, its fragment is dropped with a warning, and nothing else changes.
        stale = [i.message for i in report.issues if i.code == "record-stale"]
        assert stale and all(repr(claim.id) in message for message in stale)  # its fragment, relations naming it
        (edited,) = [c for c in document.claims if c.id not in {x.id for x in seed.claims}]
        assert edited.spans == (moved,) and edited.text == moved.exact
        assert document.claims == tuple(edited if c.id == claim.id else c for c in seed.claims)
        return
    expected = attrs.evolve(claim, spans=(moved, *claim.spans[1:]))
    assert document == _replaced(seed, expected)
    if tool == "w3c":  # selectors hold all of a span (context included): the record keeps nothing of it
        assert not _codes(report) & {"record-invalid", "record-stale"}
        return
    (warning,) = [i for i in report.issues if i.code == "record-stale"]
    assert claim.id in warning.message and "/spans/0" in warning.message


def _whole_floats(value: Any) -> Any:
    """``value`` with every span's offsets written as whole floats (``257.0``, an integer to JSON Schema)."""
    if isinstance(value, dict):
        return {k: float(v) if k in ("start", "end") and type(v) is int else _whole_floats(v) for k, v in value.items()}
    return [_whole_floats(item) for item in value] if isinstance(value, list) else value


@pytest.mark.parametrize("tool", TOOLS)
def test_offsets_written_as_whole_floats_pair_claims_as_integers_do(tmp_path: Path, tool: str, seed: Document) -> None:
    # A document read from a file holds its JSON as written, which the writers work from: its claims and
    # sources are told apart by their offsets all the same, so an edit in the tool wins as it does otherwise.
    as_read = deferred(_whole_floats(as_json(seed)))
    claim = _rich(seed)
    first = claim.spans[0]
    assert first.start is not None and first.end is not None
    found = []
    for name, document in (("integers", seed), ("floats", as_read)):
        unedited, _ = Export(tmp_path / name / "unedited", tool, document).read()
        export = Export(tmp_path / name / "edited", tool, document)
        export.move_span(claim, first.start + 10, first.end)
        edited, report = export.read()
        found.append((unedited, edited, sorted(_codes(report))))
    assert found[0] == found[1] and found[0][0] == seed and found[0][1] != seed


@pytest.mark.parametrize("tool", ["brat", "labelstudio", "w3c"])
def test_a_changed_choice_wins_and_nothing_else_moves(tmp_path: Path, tool: str, seed: Document) -> None:
    claim = _rich(seed)
    export = Export(tmp_path, tool, seed)
    export.change(claim)
    document, report = export.read()
    if tool == "brat":
        first = attrs.evolve(claim.attributions[0], stance=Stance.QUESTIONS)
        expected = attrs.evolve(claim, attributions=(first, *claim.attributions[1:]))
    else:
        # The tool shows the assessment that stands; its edit changes that one.
        latest = claim.latest()
        assert latest is not None
        changed = tuple(attrs.evolve(v, state=State.REFUTED) if v is latest else v for v in claim.verifications or ())
        expected = attrs.evolve(claim, verifications=changed)
    assert document == _replaced(seed, expected)
    assert not _codes(report) & {"record-invalid", "record-stale"}


@pytest.mark.parametrize("tool", TOOLS)
def test_an_added_claim_is_read_and_the_rest_comes_back(tmp_path: Path, tool: str, seed: Document) -> None:
    text = seed.article.text
    assert text is not None
    start = text.index("Kyiv")
    export = Export(tmp_path, tool, seed)
    export.add_claim(start, start + 4)
    document, report = export.read()
    added = [c for c in document.claims if c.id not in {x.id for x in seed.claims}]
    assert [(c.text, c.spans[0].start) for c in added] == [("Kyiv", start)]
    assert attrs.evolve(document, claims=tuple(c for c in document.claims if c not in added)) == seed
    assert not _codes(report) & {"record-invalid", "record-stale"}


def test_doccano_numbering_entities_anew_on_import_loses_nothing(tmp_path: Path, seed: Document) -> None:
    export = Export(tmp_path, "doccano", seed)
    line = export._load()
    renumber = {e["id"]: e["id"] * 7 + 1000 for e in line["entities"]}
    for entity in line["entities"]:
        entity["id"] = renumber[entity["id"]]
    for relation in line["relations"]:
        relation["from_id"], relation["to_id"] = renumber[relation["from_id"]], renumber[relation["to_id"]]
    export._save(line)
    document, report = export.read()
    assert document == seed
    assert not _codes(report) & {"record-invalid", "record-stale"}


def test_doccano_a_label_changed_from_claim_to_source_is_a_source(tmp_path: Path, seed: Document) -> None:
    claim = seed.claims[-1]
    export = Export(tmp_path, "doccano", seed)
    line = export._load()
    key = export.key(claim)
    next(e for e in line["entities"] if str(e["id"]) == key)["label"] = "Source"
    export._save(line)
    document, _ = export.read()
    assert claim.id not in {c.id for c in document.claims}
    assert claim.spans[0].exact in {s.name for s in document.sources}
    assert list(document.claims) == [c for c in seed.claims if c.id != claim.id]


def test_label_studio_an_added_annotator_is_a_document_and_the_first_comes_back(tmp_path: Path, seed: Document) -> None:
    export = Export(tmp_path, "labelstudio", seed)
    task = export._load()
    first = task["annotations"][0]["result"]
    claim = next(r for r in first if r["type"] == "labels" and r["value"]["labels"] == ["Claim"])
    task["annotations"].insert(0, {"completed_by": 7, "result": [{**claim, "id": "x1"}]})
    export._save(task)
    docs, report = _import(export.path, "labelstudio")
    assert not report.failed, [i.format() for i in report.issues]
    assert len(docs) == 2
    newcomer, original = docs
    assert original == seed
    assert [c.text for c in newcomer.claims] == [claim["value"]["text"]]
    assert newcomer.claims[0].verifications is None  # the first annotator's verdict is not the newcomer's


@pytest.mark.parametrize("tool", ["labelstudio", "doccano"])
def test_reordered_tasks_each_get_their_own_record(tmp_path: Path, tool: str, seed: Document) -> None:
    other = attrs.evolve(_without(seed, seed.claims[0].id), id="second")
    path = _export(tmp_path, tool, [seed, other])
    if tool == "doccano":
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        path.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    else:
        path.write_text(json.dumps(list(reversed(json.loads(path.read_text(encoding="utf-8"))))), encoding="utf-8")
    docs, report = _import(path, tool)
    assert docs == [other, seed]
    assert not _codes(report) & {"record-invalid", "record-stale"}


# -- generated documents: every claim deletable, every span movable, in every tool

EDITABLE = documents(text=True).filter(lambda d: any(_first_place(c, d.article.text or "") for c in d.claims))


def _first_place(claim: Claim, text: str) -> tuple[int, int] | None:
    """Where the tool holds the claim: its first span that is in the text."""
    return _first_of(claim.spans, text)


def _first_of(spans: Any, text: str) -> tuple[int, int] | None:
    for span in spans:
        if span.start is not None and span.end is not None and span.start < span.end <= len(text):
            return span.start, span.end
    return None


def _unique_first_spans(document: Document) -> bool:
    firsts = [_first_place(c, document.article.text or "") for c in document.claims]
    placed = [f for f in firsts if f is not None]
    return len(placed) == len(set(placed))


@pytest.mark.parametrize("tool", TOOLS)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(document=EDITABLE, pick=st.randoms(use_true_random=False))
def test_generated_a_deleted_claim_takes_only_itself(
    tmp_path_factory: Any, tool: str, document: Document, pick: Any
) -> None:
    """Delete one claim annotation in the tool: exactly one claim is gone, every other comes back whole."""
    if tool == "brat" and "\x00" in (document.article.text or ""):
        return  # brat files are text: the writer leaves such documents out, and says so
    if tool == "doccano" and not _unique_first_spans(document):
        return  # doccano's ids are not stable, so two claims on one span cannot be told apart (and are not guessed)
    export = Export(tmp_path_factory.mktemp(tool), tool, document)
    keys = export.claim_keys()
    if not keys:
        return
    export.delete(pick.choice(keys))
    docs, report = _import(export.path, tool)
    assert not report.failed, [i.format() for i in report.issues]
    assert len(docs) == 1, [i.format() for i in report.issues]
    (back,) = docs
    assert _valid(back)
    assert "record-invalid" not in _codes(report), [i.format() for i in report.issues]
    gone_ids = {c.id for c in document.claims} - {c.id for c in back.claims}
    assert len(gone_ids) == 1, (
        gone_ids,
        [c.id for c in document.claims],
        [c.id for c in back.claims],
        export.path.name,
    )
    (gone,) = gone_ids
    expected = _without(document, gone).claims
    assert back.claims == expected, [(a, b) for a, b in zip(back.claims, expected, strict=False) if a != b][:1]
    assert back.sources == document.sources


# -- the native mapping alone: strip claimfmt's record, and what is lost is what the report lists


def _strip_record(export: Export) -> None:
    data = export._load()
    if export.tool == "brat":
        data = [x for x in data if not re.search(r"\tclaimfmt-(record|claim|source): |\tclaimfmt-record \d", x)]
    elif export.tool == "labelstudio":
        data.get("meta", {}).pop("claimfmt", None)
    elif export.tool == "w3c":
        for value in (data, *export._items(data)):
            value.pop("claimfmtRecord", None)
    else:
        data.pop("claimfmt", None)
    export._save(data)


def _paths(ours: Any, theirs: Any, at: str) -> set[str]:
    """Where two JSON values differ, as loss-report paths: objects by key, lists of objects of one length by item."""
    if ours == theirs:
        return set()
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return {p for key in {*ours, *theirs} for p in _paths(ours.get(key), theirs.get(key), f"{at}.{key}")}
    if (
        isinstance(ours, list)
        and isinstance(theirs, list)
        and len(ours) == len(theirs)
        and all(isinstance(x, dict) for x in [*ours, *theirs])
    ):
        return {p for a, b in zip(ours, theirs, strict=True) for p in _paths(a, b, f"{at}[]")}
    return {at}


def _lost(original: Document, native: Document, *, stable: bool = False) -> set[str]:
    """What ``native`` lacks of ``original``.

    Claims and sources are paired by their first span (by id where ``stable``, for a tool that keeps every
    claim and source with its id); a source the tool holds only as the unnamed speaker of a link, by the
    attributions of paired claims (and it is then not held, unless it is ours as it is). A different id is
    itself a loss."""
    ours, theirs = claimfmt.structuring.unstructure(original), claimfmt.structuring.unstructure(native)
    text = original.article.text or ""
    lost: set[str] = set()
    by_id = {key: {x["id"]: x for x in theirs[key]} for key in ("claims", "sources")}
    claims = {_first_place(c, text): c.id for c in native.claims if _first_place(c, text) is not None}
    mentions = {_first_of(s.mentions or (), text): s.id for s in native.sources if _first_of(s.mentions or (), text)}
    pairs = {c.id: claims.get(_first_place(c, text)) for c in original.claims}
    sources = {tool: s.id for s in original.sources if (tool := mentions.get(_first_of(s.mentions or (), text)))}
    if stable:
        pairs = {c.id: c.id if c.id in by_id["claims"] else None for c in original.claims}
        sources = {s.id: s.id for s in original.sources if s.id in by_id["sources"]}
    implied: dict[str, str] = {}
    for claim in original.claims:
        twin = by_id["claims"].get(pairs[claim.id] or "")
        if twin and len(twin["attributions"]) == len(claim.attributions):
            for theirs_a, ours_a in zip(twin["attributions"], claim.attributions, strict=True):
                if theirs_a["source"] not in sources:
                    implied.setdefault(theirs_a["source"], ours_a.source)
    for source, unstructured in zip(original.sources, ours["sources"], strict=True):
        tool = next((t for t, o in sources.items() if o == source.id), None)
        speakers = [t for t, o in implied.items() if o == source.id]
        if tool is not None:
            found = _paths(unstructured, by_id["sources"][tool], "sources[]")
            lost |= {"sources[].id" if p == "sources[].id" else p for p in found}
        elif speakers:
            if speakers != [source.id] or by_id["sources"][speakers[0]] != unstructured:
                lost.add("sources[]")
            if speakers != [source.id]:
                lost.add("sources[].id")
        else:
            lost.add("sources[]")
    renamed = {**sources, **implied}
    for claim, unstructured in zip(original.claims, ours["claims"], strict=True):
        twin_id = pairs[claim.id]
        if twin_id is None:
            lost.add("claims[]")
            continue
        twin = dict(by_id["claims"][twin_id])
        twin["attributions"] = [{**a, "source": renamed.get(a["source"], a["source"])} for a in twin["attributions"]]
        lost |= _paths(unstructured, twin, "claims[]")
    rest = {k: v for k, v in ours.items() if k not in ("claims", "sources", "extensions")}
    other = {k: v for k, v in theirs.items() if k not in ("claims", "sources", "extensions")}
    lost |= {p.lstrip(".") for p in _paths(rest, other, "")}
    # Keys a tool's reader adds to keep the tool's own file shape are the tool's, not ours.
    tools = ("org.brat:", "org.labelstudio:", "org.doccano:", "org.prodigy:", "org.spacy:", "org.nif:", "org.uima:")
    mine = {k: v for k, v in (theirs.get("extensions") or {}).items() if not k.startswith(tools)}
    if (ours.get("extensions") or {}) != mine:  # (an empty extensions object is not told from none)
        lost.add("extensions")
    return lost


NATIVE = documents(text=True).filter(
    lambda d: (
        "\r" not in (d.article.text or "")
        and "\ufeff" not in (d.article.text or "")
        and "\x00" not in (d.article.text or "")
    )
)


def _unique_mentions(document: Document) -> bool:
    text = document.article.text or ""
    firsts = [_first_of(s.mentions or (), text) for s in document.sources]
    placed = [f for f in firsts if f is not None]
    return len(placed) == len(set(placed))


def _native_loss(folder: Path, tool: str, document: Document) -> tuple[set[str], set[str]]:
    """(what the native mapping loses, measured; what the writer's loss report lists)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / ("export" if tool == "brat" else f"export.{'jsonl' if tool in ('doccano', 'prodigy') else 'json'}")
    report = LossReport(source="claimfmt", target=tool)
    get_converter(tool).write([document], out, Options(record=tool == "w3c"), report)
    export = Export.__new__(Export)
    export.tool, export.document, export.text, export.path = tool, document, document.article.text or "", out
    _strip_record(export)
    (native,), back = _import(out, tool)
    assert not back.failed
    return _lost(document, native, stable=tool == "w3c"), {p for p in report.recorded if not p.endswith("(order)")}


@pytest.mark.parametrize("tool", TOOLS)
def test_the_seed_through_the_native_mapping_alone_loses_what_the_report_lists(
    tmp_path: Path, tool: str, seed: Document
) -> None:
    lost, listed = _native_loss(tmp_path, tool, seed)
    assert lost == listed
    # and the native mapping does carry the core: every claim, its span, its attributions' sources by name
    assert "claims[]" not in lost and "claims[].spans[].start" not in lost


@pytest.mark.parametrize("tool", TOOLS)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(document=NATIVE)
def test_generated_the_native_mapping_alone_loses_what_the_report_lists(
    tmp_path_factory: Any, tool: str, document: Document
) -> None:
    if not (_unique_first_spans(document) and _unique_mentions(document)):
        return  # pairing what the tool gives back with ours by span would be a guess
    lost, listed = _native_loss(tmp_path_factory.mktemp(tool), tool, document)
    assert lost == listed


@st.composite
def _rebuilt(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """What a tool might give back of ``document``: claims and sources dropped, reordered, renamed as tools name
    them, their spans moved."""
    out = dict(document)
    for key in ("claims", "sources"):
        items = [dict(item) for item in document[key] if draw(st.integers(0, 4))]
        items = draw(st.permutations(items)) if draw(st.booleans()) else items
        for n, item in enumerate(items):
            if draw(st.booleans()):
                item["id"] = f"T{n}"
            if key == "claims" and item["spans"] and draw(st.integers(0, 3)) == 0:
                item["spans"] = item["spans"][1:]
        out[key] = items
    return out


@given(claimfmt.testing.json_documents().flatmap(lambda d: st.tuples(st.just(d), _rebuilt(d))))
def test_the_order_a_record_keeps_is_told_from_ids_as_applying_it_tells_it(pair: tuple[Any, Any]) -> None:
    """keep() tells whether the tool's order is ours from the ids the record gives back, without applying it."""
    from claimfmt.converters import remainder
    from claimfmt.converters.base import Origin
    from claimfmt.structuring import trusted

    original, rebuilt = pair
    kept = remainder.keep(trusted(original), rebuilt)
    if kept is None:
        return
    kept.pop("order", None)
    again = remainder._apply(rebuilt, kept, LossReport(source="-", target="-"), Origin(file="-"))
    assert remainder._ids_applied(rebuilt, kept) == {
        key: [item["id"] for item in again[key]] for key in again if key in ("claims", "sources")
    }


def _key_orders(data: dict[str, Any]) -> dict[str, list[str]]:
    """The keys in order of the objects of a document's JSON that a record puts in the model's order: the
    document, its article and its sources."""
    orders = {"": list(data), "/article": list(data["article"])}
    return orders | {f"/sources/{n}": list(source) for n, source in enumerate(data["sources"])}


@pytest.mark.parametrize("tool", (*TOOLS, "prodigy"))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(document=NATIVE)
@example(document=claimfmt.load(SEED)).via("the seed: sources with a description and mentions, always tried")
def test_generated_an_unedited_export_reads_back_with_its_keys_where_they_were(
    tmp_path_factory: Any, tool: str, document: Document
) -> None:
    """A document and what converting it to a tool and back gives have their own, their article's and their
    sources' keys in the same order (the model's), though the tool's reader leaves out what the record puts back:
    a corpus converted there and back is not one whose every document and source has moved keys."""
    from claimfmt.structuring import unstructure

    folder = tmp_path_factory.mktemp(tool)
    docs, report = _import(_export(folder, tool, [document]), tool)
    assert docs == [document], [i.format() for i in report.issues]
    assert _key_orders(as_json(docs[0])) == _key_orders(unstructure(document))
