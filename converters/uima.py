"""UIMA CAS XMI (``uima-xmi``) and UIMA JSON (``uima-json``), both ways, with dkpro-cassis.

XMI is what INCEpTION and WebAnno export losslessly (their TSV 3 is frozen). An XMI
file is read with its type system: ``TypeSystem.xml`` beside it, or both inside an
INCEpTION export zip; UIMA JSON carries its types. Offsets are UTF-16 in the file and
code points here (cassis converts them).

Annotations map as they do from WebAnno TSV: a span annotation's type is its layer's
short name (``webanno.custom.Claim`` is ``Claim``) and its primitive features are its
attributes; a slot feature (an array of links with ``role`` and ``target``) makes a
link from the host span with a role per slot, so an ``Attribution`` layer with slots
``Claim``, ``Source`` and ``Cue`` is an attribution; a relation layer's ``Governor`` and
``Dependent`` make a link with those roles. A feature named as the mapping's claim-text
note holds a claim's statement. ``DocumentMetaData`` gives the document's id, title and
URL, and the CAS's language the article's.

Writing makes INCEpTION-style custom layers: ``webanno.custom.Claim`` (with ``State``
and the statement), ``Source``, ``Cue``, ``Hedge`` (``HedgeKind``) and, per attribution,
an ``Attribution`` annotation on its cue (or claim) with ``Stance``, ``Commitment``,
``Mode`` and an ``args`` slot feature. What a CAS cannot hold goes in the claimfmt
record, one ``org.claimfmt.Record`` feature structure (its ``json``), keyed by each
annotation's place and type. A CAS read keeps every annotation the mapping did not
take, and every feature it did not use, under ``org.uima:kept`` (type, place, primitive
features, references to other annotations by type and place), and writes them back;
the type system written declares what is used. Needs the ``uima`` extra.
"""

from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import attrs
import orjson

from claimfmt import jsontext
from claimfmt.converters import remainder
from claimfmt.converters.base import ConversionError, Converter, LossReport, Options, Origin, Read, optional
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.standoff import Attribute, Link, Note, Standoff, TextBound, read_document, write_document
from claimfmt.converters.values import is_portable
from claimfmt.model import Document
from claimfmt.reading import SourceLike, decode_issue
from claimfmt.structuring import evolve
from claimfmt.writing import atomic_files

__all__ = ["UimaJSON", "UimaXMI"]

JSON = Any
CUSTOM = "webanno.custom."
RECORD_TYPE = "org.claimfmt.Record"
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
_KEPT = "org.uima:kept"
_TYPES = "org.uima:types"
_ANNOTATION = "uima.tcas.Annotation"
_DOCUMENT = "uima.tcas.DocumentAnnotation"
_PRIMITIVES = {
    str: "uima.cas.String",
    bool: "uima.cas.Boolean",
    int: "uima.cas.Integer",
    float: "uima.cas.Double",
}
_SKIPPED = {_DOCUMENT, METADATA, RECORD_TYPE}
#: A numbered repeated role (``Hedge2``) is its role.
_ROLE_NUMBER = re.compile(r"\d+$")
_METADATA_FIELDS = ("documentId", "documentTitle", "documentUri")


def _cassis() -> Any:
    return optional("cassis", "uima", "UIMA CAS (dkpro-cassis)")


class _Uima(Converter):
    """What XMI and JSON share: a CAS in, a CAS out."""

    suffix: ClassVar[str]

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        cassis = _cassis()
        mapping = options.mapping or preset("default")
        for source in sources:
            if not isinstance(source, str | os.PathLike) or str(source) == "-":
                raise ConversionError(f"{self.name} is read from files or folders, not from standard input")
            # A zip (an INCEpTION export) holds its XMI files and their type system; a folder or file has it beside.
            for name, data, typesystem in self._files(Path(source), report):
                report.records_read += 1
                origin = report.current = Origin(file=name)
                cas = self._loaded(cassis, data, typesystem, report, origin)
                if cas is not None:
                    document = _read_cas(cas, Path(name).stem, mapping, report, origin)
                    if document is not None:
                        yield Read(document=document, origin=origin)

    def _files(self, path: Path, report: LossReport) -> Iterator[tuple[str, bytes, bytes | None]]:
        """(name, bytes, type system XML or None) of each CAS file under ``path``."""
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    names = sorted(n for n in archive.namelist() if n.lower().endswith(self.suffix))
                    systems = [n for n in archive.namelist() if n.lower().endswith("typesystem.xml")]
                    typesystem = archive.read(systems[0]) if systems else None
                    for name in names:
                        yield f"{path}!{name}", archive.read(name), typesystem
            except (zipfile.BadZipFile, OSError) as exc:
                report.error("not-convertible", f"not a zip that can be read ({exc})", Origin(file=str(path)))
            return
        files = sorted(p for p in path.rglob(f"*{self.suffix}")) if path.is_dir() else [path]
        if not files:
            report.error("not-convertible", f"no {self.suffix} file in the folder", Origin(file=str(path)))
        for file in files:
            beside = [file.parent / n for n in ("TypeSystem.xml", "typesystem.xml")]
            system = next((p.read_bytes() for p in beside if p.is_file()), None)
            yield str(file), file.read_bytes(), system

    def _load(self, cassis: Any, data: bytes, typesystem: bytes | None, report: LossReport, origin: Origin) -> Any:
        raise NotImplementedError

    def _loaded(self, cassis: Any, data: bytes, typesystem: bytes | None, report: LossReport, origin: Origin) -> Any:
        # cassis warns of each offset it cannot map; the reader reports such annotations itself.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._load(cassis, data, typesystem, report, origin)

    def _dump(self, cas: Any) -> bytes:
        raise NotImplementedError

    def write(
        self,
        documents: Iterable[Document],
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        cassis = _cassis()
        if not isinstance(target, str | os.PathLike) or str(target) == "-":
            raise ConversionError(f"{self.name} is written to a file or a folder: give -o")
        mapping = options.mapping or preset("default")
        out = Path(target)
        single = out.suffix.lower() == self.suffix
        written: list[tuple[Path, bytes]] = []
        systems = []
        for n, document in enumerate(documents):
            if document.article.text is None:
                report.drop(f"documents without text (a CAS needs its text; {self.name})")
                continue
            if single and written:
                raise ConversionError(f"several documents: give -o a folder, not a {self.suffix} file")
            cas = _write_cas(cassis, document, mapping, report)
            rebuilt = _read_cas(cas, f"cas-{n}", mapping, LossReport(source="-", target="-"), Origin(file="-"))
            assert rebuilt is not None
            kept = remainder.keep(document, rebuilt, parked=_KEPT)
            report.recorded.update(remainder.fields(kept))
            if kept:
                record_type = cas.typesystem.get_type(RECORD_TYPE)
                cas.add(record_type(json=jsontext.dumps(kept).decode()))
            name = re.sub(r"[^A-Za-z0-9_.-]", "_", document.id)[:120] or f"document-{n}"
            try:
                payload = self._dump(cas)
            except ValueError as exc:  # lxml: "All strings must be XML compatible"
                report.error(
                    "not-convertible",
                    f"document {document.id!r} holds characters XML 1.0 cannot (control characters): "
                    f"not written; uima-json holds them ({exc})",
                )
                continue
            written.append((out if single else out / f"{name}{self.suffix}", payload))
            systems.append(cas.typesystem)
        if not single:
            out.mkdir(parents=True, exist_ok=True)
        with atomic_files() as files:  # every file of the run, or none
            for path, payload in written:
                files.write(path, payload)
            if self.suffix == ".xmi" and systems:
                merged = systems[0]
                for system in systems[1:]:
                    merged = cassis.merge_typesystems(merged, system)
                files.write((out.parent if single else out) / "TypeSystem.xml", merged.to_xml().encode("utf-8"))
        return len(written)


class UimaXMI(_Uima):
    """UIMA CAS XMI with its TypeSystem.xml (INCEpTION's and WebAnno's lossless export)."""

    name: ClassVar[str] = "uima-xmi"
    summary: ClassVar[str] = "UIMA CAS XMI + TypeSystem.xml, INCEpTION/WebAnno export (needs the uima extra)"
    suffix: ClassVar[str] = ".xmi"

    def _load(self, cassis: Any, data: bytes, typesystem: bytes | None, report: LossReport, origin: Origin) -> Any:
        if typesystem is None:
            report.error("not-convertible", "no TypeSystem.xml beside the XMI file (or in its zip)", origin)
            return None
        try:
            system = cassis.load_typesystem(io.BytesIO(typesystem))
            try:
                return cassis.load_cas_from_xmi(io.BytesIO(data), typesystem=system, lenient=True)
            except SyntaxError as exc:  # lxml's XMLSyntaxError
                if not (_over_limit(exc) and _without_dtd(data)):
                    raise
                # A large document's record is one attribute over libxml2's 10 MB limit, which only a trusted
                # parse lifts. That also lifts the guard against entity expansion, which needs a DTD to declare
                # entities in: a file without one has nothing to expand.
                return cassis.load_cas_from_xmi(io.BytesIO(data), typesystem=system, lenient=True, trusted=True)
        except Exception as exc:  # lxml and cassis raise many kinds for a damaged file
            report.error("not-convertible", f"not a UIMA CAS XMI that can be read ({_why(exc)})", origin)
            return None

    def _dump(self, cas: Any) -> bytes:
        return str(cas.to_xmi(pretty_print=True)).encode("utf-8")


class UimaJSON(_Uima):
    """UIMA JSON (the CAS JSON format, types included)."""

    name: ClassVar[str] = "uima-json"
    summary: ClassVar[str] = "UIMA CAS JSON, types included (needs the uima extra)"
    suffix: ClassVar[str] = ".json"

    def _load(self, cassis: Any, data: bytes, typesystem: bytes | None, report: LossReport, origin: Origin) -> Any:
        # JSON as every other reader takes it: Python's json module, which cassis uses, lets a lone surrogate
        # (\ud800) through into strings no JSON writer can write again.
        try:
            orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            report.add(decode_issue(data, exc), origin)
            return None
        try:
            return cassis.load_cas_from_json(io.BytesIO(data))
        except Exception as exc:  # json, cassis and its type checks raise many kinds
            report.error("not-convertible", f"not a UIMA JSON CAS that can be read ({_why(exc)})", origin)
            return None

    def _dump(self, cas: Any) -> bytes:
        return str(cas.to_json(pretty_print=True)).encode("utf-8")


def _over_limit(exc: SyntaxError) -> bool:
    """Whether libxml2 refused a document for its size, not its syntax."""
    return "XML_PARSE_HUGE" in str(exc) or "limit exceeded" in str(exc)


def _without_dtd(data: bytes) -> bool:
    """Whether XML bytes surely declare no DTD: ASCII-compatible (UTF-8), and no ``<!DOCTYPE`` anywhere."""
    # UTF-16 and UTF-32 (a byte-order mark, or a zero byte in the first four) would hide the declaration's bytes.
    return not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in data[:4] and b"<!DOCTYPE" not in data


def _why(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- reading -----------------------------------------------------------------------------------------


def _short(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


def _is_link(value: Any) -> bool:
    return hasattr(value, "type") and {f.name for f in value.type.all_features} >= {"role", "target"}


def _read_cas(
    cas: Any, fallback: str, mapping: AnnotationMapping, report: LossReport, origin: Origin
) -> Document | None:
    """The document a CAS gives: its annotations through the mapping, the rest kept."""
    text = cas.sofa_string
    if not isinstance(text, str):
        report.error("not-convertible", "the CAS has no text (sofa string)", origin)
        return None
    standoff = Standoff(text=text)
    annotations = []
    for fs in cas.select_all_annotations():
        if fs.type.name in _SKIPPED or _is_record(fs):
            continue
        if not (type(fs.begin) is int and type(fs.end) is int and 0 <= fs.begin <= fs.end <= len(text)):
            report.warn(
                "span-unreadable", f"a {_short(fs.type.name)} annotation without begin <= end in the text", origin
            )
            continue
        annotations.append(fs)
    ids: dict[int, str] = {}
    counts: dict[str, int] = {}
    for fs in annotations:
        key = f"T{fs.begin}_{fs.end}_{re.sub(r'[^A-Za-z0-9_.-]', '_', _short(fs.type.name))}"
        counts[key] = counts.get(key, 0) + 1
        ids[id(fs)] = key if counts[key] == 1 else f"{key}_{counts[key]}"
    full_types: dict[str, str] = {}
    for fs in annotations:
        identifier = ids[id(fs)]
        kind = _short(fs.type.name)
        if not fs.type.name.startswith(CUSTOM):
            full_types.setdefault(kind, fs.type.name)
        own: dict[str, JSON] = {}
        governor = dependent = None
        for feature in fs.type.all_features:
            if feature.name in ("sofa", "begin", "end"):
                continue
            value = fs.get(feature.name)
            if value is None:
                continue
            if feature.name in ("Governor", "Dependent") and id(value) in ids:
                governor, dependent = (
                    (ids[id(value)], dependent) if feature.name == "Governor" else (governor, ids[id(value)])
                )
            elif isinstance(value, str | bool | int | float) and is_portable(value):
                own[feature.name] = value
            elif hasattr(value, "elements") and all(_is_link(e) for e in value.elements or []):
                args = [
                    (e.role, ids[id(e.target)])
                    for e in value.elements or []
                    if isinstance(e.role, str) and e.role and id(e.target) in ids  # a damaged file has other roles
                ]
                if args:  # one link per host, with a role per slot filled; the host is its trigger
                    standoff.links.append(Link(identifier, kind, args, trigger=identifier))
        if governor and dependent:
            standoff.links.append(Link(identifier, kind, [("Governor", governor), ("Dependent", dependent)]))
        else:
            standoff.spans.append(
                TextBound(identifier, kind, [(fs.begin, fs.end)] if fs.end > fs.begin else [], text[fs.begin : fs.end])
            )
        for name, value in own.items():
            if name == mapping.claim_text_note and isinstance(value, str):
                standoff.notes.append(Note(f"{identifier}#{name}", name, identifier, value))
            else:
                standoff.attributes.append(Attribute(f"{identifier}#{name}", name, identifier, str(value)))
    by_id = {span.id: span for span in standoff.spans}
    claim_roles = set(mapping.claim_roles)
    on_claims: set[str] = set()
    for link in standoff.links:
        host = by_id.get(link.trigger or "")
        if host is None:
            continue
        same = [
            t
            for r, t in link.args
            if _ROLE_NUMBER.sub("", r) in claim_roles and by_id.get(t) and by_id[t].fragments == host.fragments
        ]
        if same:  # an attribution with no cue sits on its claim: the claim is its trigger (as a brat event's is)
            on_claims.add(host.id)
            link.trigger = same[0]
    if on_claims:
        standoff.spans = [span for span in standoff.spans if span.id not in on_claims]
    metadata = next(iter(cas.select(METADATA)), None) if cas.typesystem.contains_type(METADATA) else None
    identifier = _get(metadata, "documentId") or fallback
    document, used = read_document(standoff, mapping, identifier, report)
    article = document.article
    language = _document_language(cas)
    if language and language != "x-unspecified":
        article = attrs.evolve(article, language=language)
    title, uri = _get(metadata, "documentTitle"), _get(metadata, "documentUri")
    if title:
        article = attrs.evolve(article, title=title)
    if uri and re.match(r"^[a-z][a-z0-9+.-]*:\S+$", uri, re.I):
        article = attrs.evolve(article, url=uri)
    document = evolve(document, article=article)
    kept = _kept(annotations, ids, used.ids, standoff, report)
    if metadata is not None:
        rest = {
            f.name: metadata.get(f.name)
            for f in metadata.type.all_features
            if f.name not in ("sofa", "begin", "end", "language", *_METADATA_FIELDS)
        }
        rest = {k: v for k, v in rest.items() if isinstance(v, str | bool | int | float) and is_portable(v)}
        if rest and all(type(x) is int and 0 <= x <= len(text) for x in (metadata.begin, metadata.end)):
            kept.append(
                {"type": METADATA, "begin": metadata.begin, "end": metadata.end, "features": rest, "whole": False}
            )
    extensions: dict[str, JSON] = {}
    if kept:
        extensions[_KEPT] = kept
    if full_types:
        extensions[_TYPES] = dict(sorted(full_types.items()))
    record = (
        next((fs for fs in cas.select_all_fs() if _is_record(fs)), None)
        if cas.typesystem.contains_type(RECORD_TYPE)
        else None
    )
    if extensions:
        document = evolve(document, extensions=extensions)
    if record is not None and isinstance(record.get("json"), str):
        try:
            patch = orjson.loads(record.get("json"))
        except orjson.JSONDecodeError:
            report.warn("record-invalid", "the claimfmt record in the CAS is not JSON; it was set aside", origin)
        else:
            document = remainder.restore(document, patch, report, origin)
    return document


def _is_record(fs: Any) -> bool:
    return bool(fs.type.name == RECORD_TYPE)


def _get(fs: Any, name: str) -> str | None:
    if fs is None or name not in {f.name for f in fs.type.all_features}:
        return None
    value = fs.get(name)
    return value if isinstance(value, str) and value else None


def _document_language(cas: Any) -> str | None:
    for fs in cas.select_all_annotations():
        if fs.type.name in (_DOCUMENT, METADATA):
            value = fs.get("language")
            if isinstance(value, str) and value:
                return value
    return None


def _place(fs: Any) -> list[JSON]:
    """An annotation named by its type and place: what a reference to it is kept as."""
    return [fs.type.name, fs.begin, fs.end]


def _kept(
    annotations: list[Any], ids: dict[int, str], used: set[str], standoff: Standoff, report: LossReport
) -> list[JSON]:
    """Each annotation the mapping did not take, and each feature it did not use, to write back."""
    taken_features = {a.id for a in standoff.attributes if a.id in used} | {
        n.id for n in standoff.notes if n.id in used
    }
    kept = []
    for fs in annotations:
        identifier = ids[id(fs)]
        whole = identifier not in used
        values: dict[str, JSON] = {}
        for feature in fs.type.all_features:
            if feature.name in ("sofa", "begin", "end") or (
                not whole and f"{identifier}#{feature.name}" in taken_features
            ):
                continue
            value = fs.get(feature.name)
            if value is None:
                continue
            if isinstance(value, str | bool | int | float):
                if not is_portable(value):
                    report.drop(f"uima: numbers no JSON reader takes ({_short(fs.type.name)}.{feature.name})")
                    continue
                values[feature.name] = value
            elif id(value) in ids:
                values[feature.name] = {"ref": _place(value)}
            elif not whole:
                continue  # a slot feature the mapping read: its links are the document's
            elif hasattr(value, "elements") and all(_is_link(e) for e in value.elements or []):
                slots = [e for e in value.elements or [] if id(e.target) in ids]
                if not all(is_portable(e.role) for e in slots):  # a damaged file: a number as a role
                    report.drop(f"uima: slot roles no JSON reader takes ({_short(fs.type.name)}.{feature.name})")
                    slots = [e for e in slots if is_portable(e.role)]
                values[feature.name] = {"slots": [[e.role, _place(e.target)] for e in slots]}
            else:
                report.drop(
                    f"uima: features that are not primitive nor annotations ({_short(fs.type.name)}.{feature.name})"
                )
        if whole or values:
            kept.append({"type": fs.type.name, "begin": fs.begin, "end": fs.end, "features": values, "whole": whole})
    for item in kept:
        report.park(f"uima.{_short(item['type'])}" if item["whole"] else f"uima.{_short(item['type'])} features")
    return kept


# --- writing -----------------------------------------------------------------------------------------


def _write_cas(cassis: Any, document: Document, mapping: AnnotationMapping, report: LossReport) -> Any:
    """A CAS for a document: custom layers for what the mapping writes, then what a reader kept."""
    text = document.article.text or ""
    standoff = write_document(document, mapping, report, events=False)
    extensions = document.extensions or {}
    full: dict[str, Any] = extensions[_TYPES] if isinstance(extensions.get(_TYPES), dict) else {}
    kept = [k for k in extensions.get(_KEPT) or [] if _kept_item(k)]
    system = cassis.TypeSystem()
    types: dict[str, Any] = {}

    def type_of(name: str) -> Any:
        if name not in types:
            types[name] = system.create_type(name, supertypeName=_ANNOTATION)
        return types[name]

    def feature(type_: Any, name: str, value: JSON) -> None:
        if name in {f.name for f in type_.all_features}:
            return
        if isinstance(value, dict) and "ref" in value:
            system.create_feature(type_, name, _ANNOTATION)
        elif isinstance(value, dict) and "slots" in value:
            link = type_of_link(type_.name, name)
            system.create_feature(
                type_, name, "uima.cas.FSArray", elementType=link.name, multipleReferencesAllowed=True
            )
        else:
            system.create_feature(type_, name, _PRIMITIVES[type(value)])

    def type_of_link(host: str, slot: str) -> Any:
        name = f"{host}{slot[:1].upper()}{slot[1:]}Link"
        if name not in types:
            types[name] = system.create_type(name, supertypeName="uima.cas.TOP")
            system.create_feature(types[name], "role", "uima.cas.String")
            system.create_feature(types[name], "target", _ANNOTATION)
        return types[name]

    record = system.create_type(RECORD_TYPE, supertypeName="uima.cas.TOP")
    system.create_feature(record, "json", "uima.cas.String")
    metadata = types[METADATA] = system.create_type(METADATA, supertypeName=_DOCUMENT)
    for name in _METADATA_FIELDS:
        system.create_feature(metadata, name, "uima.cas.String")

    def layer(kind: str) -> str:
        return str(full.get(kind)) if isinstance(full.get(kind), str) else f"{CUSTOM}{kind}"

    attributes: dict[str, list[Attribute]] = {}
    for item in standoff.attributes:
        attributes.setdefault(item.target, []).append(item)
    notes: dict[str, list[Note]] = {}
    for note in standoff.notes:
        notes.setdefault(note.target, []).append(note)
    claim_ids = {s.id for s in standoff.spans if s.type in mapping.claim_types}
    triggers = {link.trigger for link in standoff.links if link.trigger is not None}
    # Declare every type and feature before the first annotation is made.
    hosts = triggers - claim_ids  # an attribution's cue as its trigger: the Attribution annotation is there
    for span in standoff.spans:
        if span.fragments and span.id not in hosts:
            type_ = type_of(layer(span.type))
            for item in attributes.get(span.id, []):
                feature(type_, item.name, "")
            for note in notes.get(span.id, []):
                feature(type_, note.type, "")
    for link in standoff.links:
        type_ = type_of(layer(link.type))
        feature(type_, "args", {"slots": []})
        for item in attributes.get(link.id, []):
            feature(type_, item.name, "")
    for item in kept:
        type_ = type_of(item["type"]) if item["type"] not in types else types[item["type"]]
        for name, value in item["features"].items():
            feature(type_, name, value)
    cas = cassis.Cas(typesystem=system)
    cas.sofa_string = text
    meta: dict[str, str] = {"documentId": document.id}
    if document.article.title:
        meta["documentTitle"] = document.article.title
    if document.article.url:
        meta["documentUri"] = document.article.url
    made: dict[str, Any] = {
        "": metadata(begin=0, end=len(text), language=document.article.language or "x-unspecified", **meta)
    }
    cas.add(made[""])
    for span in standoff.spans:
        if not span.fragments or span.id in hosts:
            continue
        (begin, end), *_ = span.fragments
        values = {a.name: a.value or "" for a in attributes.get(span.id, [])}
        values |= {n.type: n.text for n in notes.get(span.id, [])}
        made[span.id] = types[layer(span.type)](begin=begin, end=end, **values)
        cas.add(made[span.id])
    by_id = {s.id: s for s in standoff.spans}
    for link in standoff.links:
        host = by_id.get(link.trigger or "")
        if host is None or not host.fragments:
            continue
        (begin, end), *_ = host.fragments
        type_ = types[layer(link.type)]
        link_type = type_of_link(type_.name, "args")
        slots = [link_type(role=role, target=made[target]) for role, target in link.args if target in made]
        values = {a.name: a.value or "" for a in attributes.get(link.id, [])}
        fs_array = system.get_type("uima.cas.FSArray")
        cas.add(type_(begin=begin, end=end, args=fs_array(elements=slots), **values))
    _restore_kept(cas, system, types, kept, made, text)
    return cas


def _kept_item(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("type"), str)
        and type(item.get("begin")) is int
        and type(item.get("end")) is int
        and isinstance(item.get("features"), dict)
        and all(isinstance(v, str | bool | int | float | dict) for v in item["features"].values())
    )


def _restore_kept(
    cas: Any, system: Any, types: dict[str, Any], kept: list[JSON], made: dict[str, Any], text: str
) -> None:
    """Write back what a reader kept: whole annotations, and features on the ones the mapping wrote.

    References are by type and place, so they find the annotations written anew for the document.
    """
    by_place: dict[tuple[str, int, int], Any] = {}
    for fs in made.values():
        by_place.setdefault((fs.type.name, fs.begin, fs.end), fs)
    pending: list[tuple[Any, str, JSON]] = []
    for item in kept:
        if not 0 <= item["begin"] <= item["end"] <= len(text):
            continue
        primitive = {k: v for k, v in item["features"].items() if not isinstance(v, dict)}
        if item.get("whole"):
            fs = types[item["type"]](begin=item["begin"], end=item["end"], **primitive)
            cas.add(fs)
            by_place.setdefault((fs.type.name, fs.begin, fs.end), fs)
        else:
            fs = by_place.get((item["type"], item["begin"], item["end"]))
            if fs is None:
                continue  # the annotation it belonged to is gone (edited away)
            for name, value in primitive.items():
                fs.set(name, value)
        pending += [(fs, name, value) for name, value in item["features"].items() if isinstance(value, dict)]

    def found(place: Any) -> Any:
        return by_place.get(tuple(place)) if isinstance(place, list) and len(place) == 3 else None

    fs_array = system.get_type("uima.cas.FSArray")
    for fs, name, value in pending:
        if "ref" in value and found(value["ref"]) is not None:
            fs.set(name, found(value["ref"]))
        elif isinstance(value.get("slots"), list):
            link_type = system.get_type(f"{fs.type.name}{name[:1].upper()}{name[1:]}Link")
            slots = [
                link_type(role=slot[0], target=found(slot[1]))
                for slot in value["slots"]
                if isinstance(slot, list) and len(slot) == 2 and found(slot[1]) is not None
            ]
            fs.set(name, fs_array(elements=slots))
