"""NIF 2.0 (``nif``), both ways, in Turtle or JSON-LD (and N-Triples, RDF/XML to read), with rdflib.

A ``nif:Context`` is an article: its ``nif:isString`` the text, ``nif:sourceUrl`` the
article's URL, and the text's language tag the article's language. Each resource
whose ``nif:referenceContext`` is that context, with ``nif:beginIndex`` and
``nif:endIndex`` (code points, as NIF counts), is a span; its ``nif:anchorOf`` is
checked against the text and the span placed by its quote where it is off
(``anchoring.py``). A span's type is the local name of each ``itsrdf:taClassRef``
(``.../Claim`` is ``Claim``; no class reads as ``Phrase``), so the annotation mapping
makes claims, sources, cues and hedges of them. ``itsrdf:taIdentRef`` on a source's
mention is the source's external id (a Wikidata entity becomes ``wikidata``).

NIF has no relations: attributions, verdicts and everything else NIF cannot hold go in
the claimfmt record, a ``claimfmt:record`` JSON literal on the context, keyed like every
tool record (``remainder.py``) by the string's place and class, as its URI is. Every triple of
a file read that the writer would not give back (other classes, a token layer,
provenance, another vocabulary) is kept as N-Triples in ``org.nif:triples``, with the
triples the writer adds that the file did not have, and the file is written back
isomorphic. Needs the ``nif`` extra. JSON-LD contexts must be inline: nothing is fetched.
"""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import attrs
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
    optional,
)
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.offsets import OffsetMap
from claimfmt.converters.standoff import Standoff, TextBound, plain_spans, read_document, write_document
from claimfmt.model import Document
from claimfmt.reading import SourceLike, decode_text
from claimfmt.structuring import evolve
from claimfmt.writing import atomic_writer

__all__ = ["NIF"]

JSON = Any
NIF_NS = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITS_NS = "http://www.w3.org/2005/11/its/rdf#"
CLAIMFMT_NS = "https://claimfmt.org/ns/1.0#"
_TRIPLES = "org.nif:triples"
_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml"}
_WIKIDATA = re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q\d+)$")
_URN = "urn:claimfmt:document:"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Triples up to which Turtle is written with prefixes and grouped subjects (see NIF.write).
_PRETTY_LIMIT = 20_000


def _rdflib() -> Any:
    return optional("rdflib", "nif", "NIF")


class NIF(Converter):
    """NIF 2.0 contexts and their strings, with itsrdf classes and entity links."""

    name: ClassVar[str] = "nif"
    summary: ClassVar[str] = "NIF 2.0 in Turtle or JSON-LD: contexts and strings (needs the nif extra)"

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        rdflib = _rdflib()
        mapping = options.mapping or preset("default")
        for file in input_files(sources, self.name, tuple(_FORMATS)):
            report.records_read += 1
            origin = report.current = Origin(file=str(file))
            graph = _parse(rdflib, file, report, origin)
            if graph is not None:
                yield from _documents(rdflib, graph, mapping, options, report, origin)

    def write(
        self,
        documents: Iterable[Document],
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        rdflib = _rdflib()
        if not isinstance(target, str | os.PathLike) or str(target) == "-":
            raise ConversionError("NIF is written to a file: give -o FILE.ttl or FILE.jsonld")
        mapping = options.mapping or preset("default")
        graph = _bound(rdflib.Graph())
        count = 0
        xml = _FORMATS.get(Path(target).suffix.lower(), "turtle") == "xml"
        for n, document in enumerate(documents):
            if document.article.text is None:
                report.drop("documents without text (a nif:Context needs its text)")
                continue
            written = _graph(rdflib, document, mapping, report)
            context = _context(rdflib, document)
            rebuilt = _rebuild(rdflib, written, context, mapping, n, Options(), LossReport(source="-", target="-"))
            kept = remainder.keep(document, rebuilt, parked=_TRIPLES)
            if kept:
                written.add((context, rdflib.URIRef(CLAIMFMT_NS + "record"), _json_literal(rdflib, kept)))
            if xml and any(_NOT_XML.search(str(o)) for o in written.objects() if isinstance(o, rdflib.Literal)):
                # rdflib would write them as they are, and no XML parser reads the file back.
                report.error(
                    "not-convertible",
                    f"document {document.id!r} holds characters XML 1.0 cannot (control characters): not written; "
                    "Turtle and JSON-LD hold them",
                )
                continue
            report.recorded.update(remainder.fields(kept))
            graph += written
            count += 1
        suffix = Path(target).suffix.lower()
        if suffix in (".jsonld", ".json"):
            context = {"nif": NIF_NS, "itsrdf": ITS_NS, "claimfmt": CLAIMFMT_NS, "xsd": str(rdflib.XSD)}
            payload = graph.serialize(format="json-ld", context=context, indent=2, auto_compact=True)
        elif _FORMATS.get(suffix, "turtle") == "turtle" and len(graph) > _PRETTY_LIMIT:
            # rdflib's Turtle writer slows with the square of the distinct IRIs (its prefix trie): a large graph is
            # written as N-Triples lines, which are Turtle too.
            payload = graph.serialize(format="nt")
        else:
            payload = graph.serialize(format=_FORMATS.get(suffix, "turtle"))
        if _FORMATS.get(suffix, "turtle") in ("turtle", "nt"):
            # rdflib writes control characters in literals as they are, and a NUL makes the file binary to any
            # reader (ours refuses it): they are written as the \u escapes Turtle has for them. IRIs are
            # percent-encoded, so literals are the only place they can be.
            payload = _CONTROL.sub(lambda found: f"\\u{ord(found.group()):04X}", payload)
        with atomic_writer(target) as out:
            out.write(payload.encode("utf-8"))
        return count


def _bound(graph: Any) -> Any:
    graph.bind("nif", NIF_NS)
    graph.bind("itsrdf", ITS_NS)
    graph.bind("claimfmt", CLAIMFMT_NS)
    return graph


def _parse(rdflib: Any, file: Path, report: LossReport, origin: Origin) -> Any:
    """The file's graph, or None after reporting why it cannot be read."""
    kind = _FORMATS.get(file.suffix.lower(), "turtle")
    text = decode_text(file.read_bytes())
    if not isinstance(text, str):
        report.add(text, origin)
        return None
    if kind == "json-ld":
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            report.error("not-convertible", f"not JSON ({exc})", origin)
            return None
        if _remote_context(data):
            report.error("not-convertible", "a JSON-LD @context given by URL: nothing is fetched; inline it", origin)
            return None
    graph = rdflib.Graph()
    # rdflib logs a traceback for each literal not of its datatype ("1.5"^^xsd:nonNegativeInteger); the reader
    # reports such an index itself.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    try:
        graph.parse(data=text, format=kind)
    except Exception as exc:  # rdflib's parsers raise many kinds (BadSyntax, ParserError, ValueError...)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        report.error("not-convertible", f"not {kind} that can be read ({type(exc).__name__}: {message})", origin)
        return None
    # Turtle's \uD800 escapes give strings no JSON (or UTF-8) can hold: rdflib takes them. (The text itself is
    # UTF-8, which holds none: only an escape can make one.)
    if ("\\u" in text or "\\U" in text) and any(_SURROGATE.search(term) for triple in graph for term in triple):
        report.error("not-convertible", f"not {kind} that can be read: a string holds a lone surrogate", origin)
        return None
    return graph


_SURROGATE = re.compile("[\ud800-\udfff]")


def _remote_context(value: JSON) -> bool:
    if isinstance(value, list):
        return any(_remote_context(item) for item in value)
    if isinstance(value, dict):
        context = value.get("@context")
        contexts = context if isinstance(context, list) else [context]
        return any(isinstance(c, str) for c in contexts) or any(_remote_context(v) for v in value.values())
    return False


def _documents(
    rdflib: Any, graph: Any, mapping: AnnotationMapping, options: Options, report: LossReport, origin: Origin
) -> Iterator[Read]:
    nif = rdflib.Namespace(NIF_NS)
    contexts = sorted(set(graph.subjects(nif.isString, None)), key=str)
    if not contexts:
        report.error("not-convertible", "no nif:Context (a resource with nif:isString) in the file", origin)
        return
    claimed: set[Any] = set()
    for n, context in enumerate(contexts):
        document = _rebuild(rdflib, graph, context, mapping, n, options, report, origin)
        record = graph.value(context, rdflib.URIRef(CLAIMFMT_NS + "record"))
        if record is not None:
            try:
                document = remainder.restore(document, orjson.loads(str(record)), report, origin)
            except orjson.JSONDecodeError:
                report.warn("record-invalid", "the claimfmt:record literal is not JSON; it was set aside", origin)
        mine = _about(rdflib, graph, context)
        if n == len(contexts) - 1:  # what is about no context (ontology terms, provenance) goes with the last
            mine |= set(graph) - claimed - mine
        claimed |= mine
        yield Read(document=_parked(rdflib, mine, document, mapping, report), origin=origin)


def _about(rdflib: Any, graph: Any, context: Any) -> set[Any]:
    """The triples of one context: its own and those of the strings that refer to it."""
    nif = rdflib.Namespace(NIF_NS)
    subjects = {context, *graph.subjects(nif.referenceContext, context)}
    return {triple for subject in subjects for triple in graph.triples((subject, None, None))}


def _rebuild(
    rdflib: Any,
    graph: Any,
    context: Any,
    mapping: AnnotationMapping,
    n: int,
    options: Options,
    report: LossReport,
    origin: Origin | None = None,
) -> Document:
    """The document one context gives through the mapping alone."""
    nif, its = rdflib.Namespace(NIF_NS), rdflib.Namespace(ITS_NS)
    literal = graph.value(context, nif.isString)
    text = str(literal)
    offsets = OffsetMap(text)
    standoff = Standoff(text=text)
    links: dict[str, list[str]] = {}
    strings = sorted(
        graph.subjects(nif.referenceContext, context),
        key=lambda s: (tuple(-1 if i is None else i for i in _index(graph, s, nif)), str(s)),
    )
    for string in strings:
        start, end = _index(graph, string, nif)
        quote = graph.value(string, nif.anchorOf)
        pointer = str(string)
        if start is None or end is None or not 0 <= start < end <= len(text):
            if quote is None:
                report.warn("span-unreadable", f"{pointer}: no nif:beginIndex < nif:endIndex within the text", origin)
                continue
            start = end = None
        if quote is not None and str(quote):
            found = options.anchoring.place(offsets, str(quote), start=start, end=end)
            report.anchored(found, pointer, origin)
            start, end = found.start, found.end
        classes = sorted(str(c) for c in graph.objects(string, its.taClassRef)) or ["Phrase"]
        for kind in classes:
            name = re.split(r"[#/]", kind.rstrip("/#"))[-1] or kind
            place = [(start, end)] if start is not None and end is not None else []
            # Named by where it is and what it is, as its URI is: other strings deleted or added leave it be.
            where = f"{start}_{end}" if place else str(string).rsplit("#", 1)[-1]
            identifier = "T" + re.sub(r"[^A-Za-z0-9_.-]", "_", f"{where}_{name}")
            exact = text[start:end] if start is not None and end is not None else str(quote)
            standoff.spans.append(TextBound(identifier, name, place, exact))
            links[identifier] = sorted(str(x) for x in graph.objects(string, its.taIdentRef))
    document, _ = read_document(standoff, mapping, _document_id(context, n), report)
    sources = tuple(
        attrs.evolve(source, external_ids=_external_ids(links[source.id])) if links.get(source.id) else source
        for source in document.sources
    )
    url = graph.value(context, nif.sourceUrl)
    article = attrs.evolve(document.article, url=str(url)) if url is not None else document.article
    if getattr(literal, "language", None):
        article = attrs.evolve(article, language=literal.language)
    return evolve(document, sources=sources, article=article)


def _index(graph: Any, string: Any, nif: Any) -> tuple[int | None, int | None]:
    found = []
    for prop in (nif.beginIndex, nif.endIndex):
        value = graph.value(string, prop)
        try:
            found.append(int(str(value)) if value is not None else None)
        except ValueError:
            found.append(None)
    return found[0], found[1]


def _external_ids(links: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for link in links:
        match = _WIKIDATA.match(link)
        key = "wikidata" if match else re.sub(r"[^a-z0-9_-]", "-", _host(link) or "uri")
        key = key if re.match(r"^[a-z]", key) else f"site-{key}"
        found.setdefault(key, match[1] if match else link)
    return found


def _host(link: str) -> str:
    """The lower-case host part of an IRI, or "" (a damaged one, such as a bracketed host that is no address)."""
    try:
        return urllib.parse.urlsplit(link).netloc.lower()
    except ValueError:
        return ""


def _document_id(context: Any, n: int) -> str:
    base = str(context).split("#", 1)[0]
    if base.startswith(_URN):
        return urllib.parse.unquote(base[len(_URN) :]) or f"nif-{n}"
    return base or f"nif-{n}"


def _base(document: Document) -> str:
    identifier = document.id
    if re.match(r"^[a-z][a-z0-9+.-]*:[^\s#]+$", identifier, re.I):
        return identifier
    return _URN + urllib.parse.quote(identifier, safe="")


def _context(rdflib: Any, document: Document) -> Any:
    return rdflib.URIRef(f"{_base(document)}#char=0,{len(document.article.text or '')}")


def _graph(rdflib: Any, document: Document, mapping: AnnotationMapping, report: LossReport) -> Any:
    """The NIF triples for a document: its context, and a string for each span the mapping writes."""
    nif, its = rdflib.Namespace(NIF_NS), rdflib.Namespace(ITS_NS)
    xsd = rdflib.XSD
    text = document.article.text or ""
    graph = _bound(rdflib.Graph())
    context = _context(rdflib, document)
    for kind in (nif.String, nif.Context, nif.RFC5147String):
        graph.add((context, rdflib.RDF.type, kind))
    graph.add((context, nif.isString, rdflib.Literal(text, lang=document.article.language or None)))
    graph.add((context, nif.beginIndex, rdflib.Literal(0, datatype=xsd.nonNegativeInteger)))
    graph.add((context, nif.endIndex, rdflib.Literal(len(text), datatype=xsd.nonNegativeInteger)))
    if document.article.url:
        graph.add((context, nif.sourceUrl, rdflib.URIRef(document.article.url)))
    standoff = write_document(document, mapping, report, attributes=False)  # it holds neither
    mentions = {
        (m.start, m.end): source for source in document.sources for m in (source.mentions or ()) if m.start is not None
    }
    for span in plain_spans(standoff, mapping):
        (start, end), *_ = span.fragments
        string = rdflib.URIRef(f"{_base(document)}#char={start},{end}")
        for kind in (nif.String, nif.RFC5147String):
            graph.add((string, rdflib.RDF.type, kind))
        graph.add((string, nif.referenceContext, context))
        graph.add((string, nif.anchorOf, rdflib.Literal(text[start:end])))
        graph.add((string, nif.beginIndex, rdflib.Literal(start, datatype=xsd.nonNegativeInteger)))
        graph.add((string, nif.endIndex, rdflib.Literal(end, datatype=xsd.nonNegativeInteger)))
        if span.type != "Phrase":
            graph.add((string, its.taClassRef, rdflib.URIRef(CLAIMFMT_NS + span.type)))
        source = mentions.get((start, end))
        if source is not None and span.type in mapping.source_types:
            for key, value in sorted((source.external_ids or {}).items()):
                link = f"http://www.wikidata.org/entity/{value}" if key == "wikidata" else value
                if re.match(r"^[a-z][a-z0-9+.-]*:\S+$", link, re.I):
                    graph.add((string, its.taIdentRef, rdflib.URIRef(link)))
    _patched(rdflib, graph, (document.extensions or {}).get(_TRIPLES), report, document.id)
    return graph


def _json_literal(rdflib: Any, value: JSON) -> Any:
    return rdflib.Literal(jsontext.dumps(value).decode(), datatype=rdflib.RDF.JSON)


def _ntriples(rdflib: Any, triples: Iterable[Any]) -> list[str]:
    graph = rdflib.Graph()
    for triple in triples:
        graph.add(triple)
    return sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())


def _patched(rdflib: Any, graph: Any, kept: Any, report: LossReport, identifier: str) -> None:
    """Apply the triples a reader kept (``add``) and took away (``remove``), as N-Triples lines."""
    if not isinstance(kept, dict):
        return
    try:
        for key, change in (("add", graph.add), ("remove", graph.remove)):
            lines = kept.get(key) or []
            if lines:
                for triple in rdflib.Graph().parse(data="\n".join(lines) + "\n", format="nt"):
                    change(triple)
    except Exception as exc:  # an edited extension that is not N-Triples
        report.warn(
            "record-invalid",
            f"document {identifier!r}: the NIF triples kept under {_TRIPLES} cannot be read ({type(exc).__name__}); "
            "they were set aside",
        )


def _parked(
    rdflib: Any, mine: set[Any], document: Document, mapping: AnnotationMapping, report: LossReport
) -> Document:
    """``document`` with the triples the writer would not give back kept (and counted)."""
    record = rdflib.URIRef(CLAIMFMT_NS + "record")
    mine = {t for t in mine if t[1] != record}
    again = set(_graph(rdflib, document, mapping, LossReport(source="-", target="-")))
    added, removed = mine - again, {t for t in again - mine if not isinstance(t[0], rdflib.BNode)}
    if not (added or removed):
        return document
    for _, predicate, _ in added:
        report.park(f"nif.{graph_name(predicate)}")
    kept: dict[str, list[str]] = {}
    if added:
        kept["add"] = _ntriples(rdflib, added)
    if removed:
        kept["remove"] = _ntriples(rdflib, removed)
    return evolve(document, extensions={**(document.extensions or {}), _TRIPLES: kept})


def graph_name(predicate: Any) -> str:
    """A predicate's short name for the loss report (``nif:lemma``, ``rdf:type``)."""
    text = str(predicate)
    for prefix, namespace in (
        ("nif", NIF_NS),
        ("itsrdf", ITS_NS),
        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ):
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text
