"""Which format an input is in, for ``claimfmt convert`` without ``--from``.

Sniffing looks at names and at the first record, never at the whole input: a brat
pair (``.ann`` beside ``.txt``), a WebAnno TSV 3 header, an HTML page, a LIAR row,
a ``.spacy`` DocBin, a ``.xmi`` CAS (or a zip of them), Turtle or N-Triples (NIF),
and for JSON the keys that only one format uses (``claimfmt``; W3C's ``@context`` or
annotation types; ClaimReview's ``@type``; the Fact Check API's ``claimReview``;
Label Studio's ``data`` with ``annotations``; doccano's ``text`` with ``entities`` or
``label``; FEVER's and AVeriTeC's claim rows; Prodigy's hashes or tokens with spans; UIMA
JSON's ``%FEATURE_STRUCTURES``; a NIF JSON-LD context). What it cannot tell apart it does not
guess: :func:`detect` returns None and the user gives ``--from``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from claimfmt.converters.labels import POLITIFACT, normalise_label
from claimfmt.converters.values import as_list
from claimfmt.reading import JSON_SUFFIXES, _suffix, iter_records

__all__ = ["Detected", "detect"]

_HTML = {".html", ".htm", ".xhtml"}
_LIAR_LABELS = {normalise_label(label) for label in POLITIFACT}
_LABEL_STUDIO_TASK = {"id", "data", "meta", "annotations", "predictions", "created_at", "updated_at", "project"}


@attrs.frozen(kw_only=True)
class Detected:
    """A format name and why it was chosen (shown to the user); ``readable`` False for one claimfmt knows but
    does not read (the user is told what to export instead)."""

    format: str
    reason: str
    readable: bool = True


def _unreadable(name: str, advice: str) -> Detected:
    return Detected(format=name, reason=advice, readable=False)


def detect(inputs: Iterable[str | os.PathLike[str]]) -> Detected | None:
    """The format of the first input that tells, or None when it cannot be told (or inputs disagree)."""
    found: Detected | None = None
    for item in inputs:
        if str(item) == "-":
            return None  # standard input cannot be read twice
        guess = _detect_path(Path(item))
        if guess is None:
            return None
        if found is not None and guess.format != found.format:
            return None
        found = found or guess
    return found


def _detect_path(path: Path) -> Detected | None:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if any(p.suffix == ".ann" and p.with_suffix(".txt").exists() for p in files):
            return Detected(format="brat", reason="a folder of .ann and .txt pairs")
        for file in files:
            guess = _detect_file(file)
            if guess is not None:
                return Detected(format=guess.format, reason=f"{file.name}: {guess.reason}")
        return None
    return _detect_file(path)


def _detect_file(path: Path) -> Detected | None:
    suffix = _suffix(path)
    if suffix == ".parquet":
        return Detected(format="parquet", reason="a .parquet file")
    if suffix == ".spacy":
        return Detected(format="spacy", reason="a spaCy DocBin (.spacy)")
    if suffix == ".xmi":
        return Detected(format="uima-xmi", reason="a UIMA CAS XMI file")
    if suffix in {".ttl", ".nt"}:
        return Detected(format="nif", reason=f"RDF ({suffix}): read as NIF 2.0")
    if suffix == ".zip":
        with zipfile.ZipFile(path) if zipfile.is_zipfile(path) else contextlib.nullcontext() as archive:
            if archive is not None and any(n.lower().endswith(".xmi") for n in archive.namelist()):
                return Detected(format="uima-xmi", reason="a zip of UIMA CAS XMI files (an INCEpTION export)")
        return None
    if suffix == ".ann" or (suffix == ".txt" and path.with_suffix(".ann").exists()):
        return Detected(format="brat", reason="a brat .ann file")
    if suffix in _HTML:
        return Detected(format="claimreview", reason="an HTML page (ClaimReview JSON-LD blocks)")
    if suffix == ".txt":
        with path.open("rb") as stream:
            head = stream.read(65536)
        if b"application/ld+json" in head or b'"ClaimReview"' in head:
            return Detected(format="claimreview", reason="a page with ClaimReview JSON-LD")
        return None
    if suffix in {".tsv", ".tsv3"}:
        return _detect_tsv(path)
    if suffix == ".csv":
        return _detect_csv(path)
    if suffix in {".conll", ".conll03", ".conllu"}:
        return _unreadable("CoNLL", "a CoNLL token file (doccano's CoNLL export): export JSONL from doccano")
    if suffix in JSON_SUFFIXES or suffix == "":
        from claimfmt.large import is_large, top_level

        if is_large(path):
            # One large claimfmt document, or W3C collection or page, is told by its top-level members: parsed
            # whole, it would hold several times its size before the conversion (which takes it a claim, or an
            # annotation, at a time) starts. A large @graph could make it ClaimReview: told from the file parsed.
            parts = top_level(path) or {}
            found = _detect_json(parts)
            if found is not None and (found.format == "claimfmt" or (found.format == "w3c" and "@graph" not in parts)):
                return found
        first = next((r.data for r in itertools.islice(iter_records(path), 1) if r.ok), None)
        return _detect_json(first)
    return None


def _head(path: Path) -> str | None:
    """The first 64 KiB as text, or None for a UTF-16 file (named, not read)."""
    with path.open("rb") as stream:
        raw = stream.read(65536)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff")


def _detect_csv(path: Path) -> Detected | None:
    head = _head(path)
    if head is None:
        return _unreadable("UTF-16 CSV", "a UTF-16 CSV (doccano's CSV export): export JSONL from doccano")
    first = head.split("\n", 1)[0].rstrip("\r")
    if "claimReview_claimReviewed" in first.split(","):
        return Detected(format="claimskg", reason="a ClaimsKG CSV header (claimReview_claimReviewed)")
    return None


def _detect_tsv(path: Path) -> Detected | None:
    head = _head(path)
    if head is None:
        return _unreadable("UTF-16 TSV", "a UTF-16 file: save it as UTF-8")
    first = head.split("\n", 1)[0].rstrip("\r")
    if first.startswith("#FORMAT=WebAnno TSV 3"):
        return Detected(format="webanno-tsv3", reason="a #FORMAT=WebAnno TSV 3 header")
    fields = first.split("\t")
    if {"tweet_text", "Text"} & set(fields) and {"class_label", "check_worthiness", "claim"} & set(fields):
        return Detected(format="checkthat", reason="a CheckThat! header (text and check-worthiness label)")
    lines = head.splitlines()[:200]
    if (
        len(fields) == 2
        and all(len(line.split("\t")) in (1, 2) for line in lines[:50])
        and any(line.split("\t")[-1][:2] in ("B-", "I-") for line in lines)
    ):
        return _unreadable("CoNLL", "token and BIO tag lines (doccano's CoNLL export): export JSONL from doccano")
    # LIAR: id, label, statement, ...; LIAR-PLUS puts a row number first.
    for at in (1, 2):
        if len(fields) >= 13 and len(fields) > at and normalise_label(fields[at]) in _LIAR_LABELS:
            return Detected(format="liar", reason=f"a LIAR row (label {fields[at]!r} in column {at + 1})")
    return None


def _detect_json(data: Any) -> Detected | None:
    if isinstance(data, list):
        return _detect_json(data[0]) if data else None
    if not isinstance(data, dict):
        return None
    # A W3C collection and a doccano line that claimfmt wrote carry a claimfmt key too, but no article.
    if isinstance(data.get("claimfmt"), str) and "article" in data and "claims" in data:
        return Detected(format="claimfmt", reason='a "claimfmt" version key')
    types = {t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in as_list(data.get("@type")) if isinstance(t, str)}
    context = " ".join(str(c) for c in as_list(data.get("@context")))
    if (
        "ClaimReview" in types
        or "DataFeed" in types
        or (
            "@graph" in data
            and any(
                "ClaimReview" in str(item.get("@type")) for item in as_list(data["@graph"]) if isinstance(item, dict)
            )
        )
    ):
        return Detected(format="claimreview", reason="schema.org ClaimReview JSON-LD")
    w3c_types = {"Annotation", "AnnotationCollection", "AnnotationPage"}
    if "w3.org/ns/anno" in context or w3c_types & {str(t) for t in as_list(data.get("type"))}:
        return Detected(format="w3c", reason="a W3C Web Annotation (@context or type)")
    if "rows" in data and "total" in data:
        return Detected(format="w3c", reason="a Hypothes.is API response (total, rows)")
    if "claimReview" in data or "claimReviewMarkupPages" in data or "claimReviewMarkups" in data:
        return Detected(format="factcheck-api", reason="a Fact Check Tools API claim or page")
    if isinstance(data.get("claims"), list) and any(isinstance(c, dict) and "claimReview" in c for c in data["claims"]):
        return Detected(format="factcheck-api", reason="a Fact Check Tools API claims:search response")
    if isinstance(data.get("data"), dict) and (
        "annotations" in data or "predictions" in data or set(data) <= _LABEL_STUDIO_TASK
    ):
        return Detected(format="labelstudio", reason="a Label Studio task (data, annotations)")
    if "claim" in data and ("json_file_id" in data or "originator" in data):
        return Detected(format="liar", reason="a LIAR-PLUS JSONL row (claim, json_file_id)")
    if "text" in data and ("entities" in data or "label" in data) and "claim" not in data:
        return Detected(format="doccano", reason="a doccano line (text with entities or label)")
    if "claim" in data and ("questions" in data or "justification" in data or "claim_date" in data):
        return Detected(format="averitec", reason="an AVeriTeC record (claim, questions)")
    if "claim" in data and "label" in data and ("evidence" in data or "verifiable" in data):
        return Detected(format="fever", reason="a FEVER row (claim, label, evidence)")
    if "text" in data and (
        "_input_hash" in data
        or "_task_hash" in data
        or (isinstance(data.get("spans"), list) and isinstance(data.get("tokens"), list))
    ):
        return Detected(format="prodigy", reason="a Prodigy task (text, spans, tokens or hashes)")
    if "%FEATURE_STRUCTURES" in data or "%TYPES" in data:
        return Detected(format="uima-json", reason="a UIMA JSON CAS (%FEATURE_STRUCTURES)")
    if "nif-core#" in json.dumps(data.get("@context", ""), default=str) or any(
        "nif-core#" in str(t) or str(t).startswith("nif:") for t in as_list(data.get("@type"))
    ):
        return Detected(format="nif", reason="NIF 2.0 in JSON-LD")
    return None
