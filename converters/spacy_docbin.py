"""spaCy DocBin (``spacy``), both ways: the ``.spacy`` files ``spacy train`` and ``spacy convert`` use.

Each ``Doc`` is read as its JSON (``Doc.to_json``): its text, ``ents``, span groups
(``spans``, by key) and tokens, in code points. Entities and the spans of every group
become claims, sources, cues and hedges through the annotation mapping, by label. A
DocBin has no relations: attributions and everything else a Doc cannot hold go in the
claimfmt record, kept in the Doc's ``user_data["claimfmt"]`` (``remainder.py``).

Writing puts the mapped spans in the ``sc`` group (spancat's default key), tokenised
at white space and at every span boundary, unless the Doc's own tokens were kept
(``org.spacy:tokens``) and still fit. What the writer would not give back of a Doc read
(entities of other labels, other groups, sentences, categories, a token's tags) is kept
as a patch in ``org.spacy:doc`` and written back. Needs the ``spacy`` extra.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any, ClassVar

import orjson

from claimfmt import jsontext
from claimfmt.converters import remainder
from claimfmt.converters.base import (
    ConversionError,
    Converter,
    LossReport,
    Options,
    Origin,
    Read,
    input_files,
    kept_by_reader,
    optional,
    patched,
)
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.standoff import Standoff, TextBound, plain_spans, read_document, write_document
from claimfmt.converters.tokens import fits, make
from claimfmt.model import Document
from claimfmt.reading import SourceLike
from claimfmt.structuring import evolve
from claimfmt.writing import atomic_writer

__all__ = ["SpacyDocBin"]

JSON = Any
RECORD = "claimfmt"
GROUP = "sc"
_DOC = "org.spacy:doc"
_TOKENS = "org.spacy:tokens"


def _spacy() -> Any:
    return optional("spacy", "spacy", "spaCy DocBin")


class SpacyDocBin(Converter):
    """spaCy's binary DocBin: entities and span groups as mapped spans."""

    name: ClassVar[str] = "spacy"
    summary: ClassVar[str] = "spaCy DocBin (.spacy): entities and span groups (needs the spacy extra)"

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        spacy = _spacy()
        from spacy.tokens import DocBin

        mapping = options.mapping or preset("default")
        vocab = spacy.vocab.Vocab()
        for file in input_files(sources, self.name, (".spacy",)):
            report.records_read += 1
            origin = Origin(file=str(file))
            try:
                docs = list(DocBin().from_bytes(file.read_bytes()).get_docs(vocab))
            except OSError:
                raise
            except Exception as exc:  # srsly/msgpack/zlib raise many types for a damaged file
                report.error("not-convertible", f"not a spaCy DocBin ({type(exc).__name__}: {exc})", origin)
                continue
            for n, doc in enumerate(docs):
                origin = report.current = Origin(file=str(file), index=n)
                data = doc.to_json()
                patch = _record(doc.user_data, report, origin)
                if own := _user_data(doc.user_data, report):
                    data["user_data"] = own  # read and written back with the Doc's other fields
                document = _rebuild(data, f"spacy-{n}", mapping, report, origin)
                if patch is not None:
                    # Spans have no ids of their own: fragments follow their claim's first span.
                    document = remainder.restore(document, patch, report, origin, stable_ids=False)
                yield Read(document=_parked(data, document, mapping, report, written=patch is not None), origin=origin)

    def write(
        self,
        documents: Iterable[Document],
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        _spacy()
        from spacy.tokens import DocBin

        if not isinstance(target, str | os.PathLike) or str(target) == "-":
            raise ConversionError("spaCy DocBin is binary: give -o FILE.spacy")

        mapping = options.mapping or preset("default")
        docs = DocBin(store_user_data=True)
        for n, document in enumerate(documents):
            if document.article.text is None:
                report.drop("documents without text (a spaCy Doc needs the text)")
                continue
            try:
                doc, data = _doc(document, mapping, report)
            except (ValueError, AssertionError, KeyError, TypeError):
                # The Doc's own fields kept from reading no longer fit the document (its text edited, say).
                rest = {k: v for k, v in (document.extensions or {}).items() if k not in (_DOC, _TOKENS)}
                document = evolve(document, extensions=rest or None)
                report.warn(
                    "record-invalid",
                    f"document {document.id!r}: the spaCy fields kept from reading ({_DOC}) no longer fit; "
                    "they were set aside and the Doc written as mapped",
                )
                doc, data = _doc(document, mapping, report)
            rebuilt = _rebuild(data, f"spacy-{n}", mapping, LossReport(source="-", target="-"), Origin(file="-"))
            kept = remainder.keep(document, rebuilt, parked=_DOC)
            report.recorded.update(remainder.fields(kept))
            if kept:
                # As JSON text: msgpack would give lists back as tuples.
                doc.user_data[RECORD] = jsontext.dumps(kept).decode()
            docs.add(doc)
        with atomic_writer(target) as out:
            out.write(docs.to_bytes())
        return len(docs)


def _record(user_data: Any, report: LossReport, origin: Origin) -> JSON:
    """The claimfmt record a Doc's ``user_data`` holds (JSON text), or None."""
    value = user_data.get(RECORD) if isinstance(user_data, dict) else None
    if value is None:
        return None
    try:
        return orjson.loads(value) if isinstance(value, str) else value
    except orjson.JSONDecodeError:
        report.warn(
            "record-invalid", "the claimfmt record in the Doc's user_data is not JSON; it was set aside", origin
        )
        return None


def _user_data(user_data: Any, report: LossReport) -> dict[str, JSON]:
    """The Doc's own ``user_data`` entries that are JSON (the rest, custom attribute values, counted as dropped)."""
    own: dict[str, JSON] = {}
    for key, value in (user_data or {}).items():
        if key == RECORD:
            continue
        try:
            if not isinstance(key, str):
                raise TypeError(key)
            own[key] = orjson.loads(jsontext.dumps(value))
        except (TypeError, orjson.JSONEncodeError):
            report.drop("user_data entries that are not JSON (custom extension attributes)")
    return own


def _rebuild(
    data: dict[str, JSON], identifier: str, mapping: AnnotationMapping, report: LossReport, origin: Origin
) -> Document:
    """The document a Doc's JSON gives through the mapping alone (with its tokens kept, to be written again)."""
    text = data.get("text") or ""
    standoff = Standoff(text=text)
    seen: set[tuple[int, int, str]] = set()
    groups = data.get("spans") or {}
    for items in [data.get("ents") or [], *(groups[key] for key in sorted(groups, key=lambda k: k != GROUP))]:
        for item in items:
            key = (item["start"], item["end"], item["label"])
            if key not in seen and item["end"] > item["start"]:
                seen.add(key)
                standoff.spans.append(
                    TextBound(f"T{len(seen)}", item["label"], [(item["start"], item["end"])], text[key[0] : key[1]])
                )
    document, _ = read_document(standoff, mapping, identifier, report)
    return evolve(document, extensions={_TOKENS: data["tokens"]}) if data.get("tokens") else document


def _json(document: Document, mapping: AnnotationMapping, report: LossReport) -> dict[str, JSON]:
    """A Doc's JSON for a document: its mapped spans in the ``sc`` group, over tokens that fit them."""
    text = document.article.text or ""
    standoff = write_document(document, mapping, report, attributes=False)  # it holds neither
    spans = plain_spans(standoff, mapping)
    boundaries = [edge for s in spans for edge in s.fragments[0]]
    kept = (document.extensions or {}).get(_TOKENS)
    places = fits(kept, text, boundaries)
    if places is not None and _aligned(places, boundaries):
        tokens = kept
    else:
        # spaCy keeps one space after a token and makes other white space tokens of its own: as it would.
        tokens = tokens_of(*words_and_spaces([text[s:e] for s, e in make(text, boundaries)], text))
        places = [(t["start"], t["end"]) for t in tokens]
    starts, ends = {s for s, _ in places}, {e for _, e in places}
    data: dict[str, JSON] = {"text": text, "ents": [], "tokens": tokens}
    written: dict[tuple[int, int, str], dict[str, JSON]] = {}
    for span in spans:
        (start, end), *_ = span.fragments
        if start in starts and end in ends:  # else (a boundary in white space) the record has the span
            written.setdefault((start, end, span.type), {"start": start, "end": end, "label": span.type, "kb_id": ""})
    if written:
        data["spans"] = {GROUP: list(written.values())}
    return patched(data, (document.extensions or {}).get(_DOC), report, f"document {document.id!r}")


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """What ``spacy.util.get_words_and_spaces`` gives (the words, with white space between them made words of its
    own, and whether one space follows each), in time linear in the text.

    spaCy's looks each word up in a copy of the rest of the text: quadratic in a long text (a 20,000-claim
    document took 35 s to write, 8.9 times the time of one of 5,000). Raises ``ValueError`` where it does.
    """
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError(f"the words are not the text's: {text[:40]!r}")
    found: list[str] = []
    spaces: list[bool] = []
    at = 0
    for word in (word for word in words if not word.isspace()):
        start = text.index(word, at)  # ValueError where it is not there
        if start > at:
            found.append(text[at:start])
            spaces.append(False)
        found.append(word)
        spaces.append(False)
        at = start + len(word)
        if at < len(text) and text[at] == " ":
            spaces[-1] = True
            at += 1
    if at < len(text):
        found.append(text[at:])
        spaces.append(False)
    return found, spaces


def tokens_of(words: list[str], spaces: list[bool]) -> list[dict[str, JSON]]:
    """The tokens of ``Doc(vocab, words=words, spaces=spaces).to_json()``, without making the Doc: each word where
    the words before it and their spaces end."""
    tokens: list[dict[str, JSON]] = []
    at = 0
    for n, (word, space) in enumerate(zip(words, spaces, strict=True)):
        end = at + len(word)
        tokens.append({"id": n, "start": at, "end": end})
        at = end + space
    return tokens


_PLAIN = frozenset({"text", "tokens", "spans", "ents"})
_PLAIN_TOKEN = frozenset({"id", "start", "end"})


def from_json(data: dict[str, JSON]) -> Any:
    """``Doc.from_json(data)``, in linear time where ``data`` holds only text, tokens without tags, span groups and
    entities (what the writer makes): spaCy's own aligns the tokens with :func:`words_and_spaces`' quadratic
    twin. Anything else goes to spaCy's, as do the data it refuses (and so raises as it raises)."""
    from spacy.tokens import Doc

    text, tokens = data.get("text"), data.get("tokens")
    if not (
        _PLAIN.issuperset(data)
        and isinstance(text, str)
        and isinstance(tokens, list)
        and all(type(t) is dict and _PLAIN_TOKEN.issuperset(t) for t in tokens)
        and isinstance(data.get("spans", {}), dict)  # a patch kept from reading spaCy may make them anything
        and isinstance(data.get("ents", []), list)
    ):
        return Doc(_VOCAB()).from_json(data)
    words = [text[t["start"] : t["end"]] for t in tokens]
    try:
        found, spaces = words_and_spaces(words, text)
    except ValueError:
        found, spaces = [], []
    if found != words:
        return Doc(_VOCAB()).from_json(data)
    doc = Doc(_VOCAB(), words=words, spaces=spaces)
    # A span whose edges are not a token's has no char_span: spaCy's raises for it.
    for group, items in data.get("spans", {}).items():
        spans = [x for s in items if (x := doc.char_span(s["start"], s["end"], s["label"], s["kb_id"])) is not None]
        if len(spans) < len(items):
            return Doc(_VOCAB()).from_json(data)
        doc.spans[group] = spans
    if "ents" in data:
        ents = [x for e in data["ents"] if (x := doc.char_span(e["start"], e["end"], e["label"])) is not None]
        if len(ents) < len(data["ents"]):
            return Doc(_VOCAB()).from_json(data)
        doc.ents = ents
    return doc


def _aligned(places: list[tuple[int, int]], boundaries: list[int]) -> bool:
    edges = {s for s, _ in places} | {e for _, e in places}
    return all(b in edges for b in boundaries)


@functools.cache
def _VOCAB() -> Any:
    return _spacy().vocab.Vocab()


def _doc(document: Document, mapping: AnnotationMapping, report: LossReport) -> tuple[Any, dict[str, JSON]]:
    """The Doc written for a document, and its JSON as a reader sees it (spaCy's own shape of it)."""

    data = _json(document, mapping, report)
    doc = from_json({k: v for k, v in data.items() if k != "user_data"})
    seen = doc.to_json()
    if isinstance(data.get("user_data"), dict):
        doc.user_data.update(data["user_data"])
        seen["user_data"] = data["user_data"]
    return doc, seen


def _parked(
    data: dict[str, JSON], document: Document, mapping: AnnotationMapping, report: LossReport, *, written: bool
) -> Document:
    """``document`` with what the writer would not give back of the Doc kept (and counted)."""
    try:
        _, again = _doc(document, mapping, LossReport(source="-", target="-"))
    except (ValueError, AssertionError, KeyError, TypeError):
        again = _json(document, mapping, LossReport(source="-", target="-"))
    return kept_by_reader(document, data, again, written=written, extension=_DOC, field="spacy", report=report)
