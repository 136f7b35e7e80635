"""brat standoff (``brat``), both ways: ``DOC.txt`` with ``DOC.ann``.

Reading takes a ``.ann`` file, a ``.txt`` file or a folder. The text is found
beside the ``.ann`` file or, in PolNeAR's layout, in a sibling ``text/`` folder
(``attributions/DOC_<annotator>.ann`` with ``text/DOC.txt``). Each ``.ann`` file
becomes a document, with provenance naming its annotator where the file name gives
one. Every line type is read: ``T`` (discontinuous ``s e;s e`` too), ``R``, ``E``
(numbered repeated roles), ``A``/``M`` on T, E or R, ``N``, ``#`` notes of any type
and ``*`` equivalences. Offsets count code points, with ``\\r\\n`` read as ``\\n``.

Every echoed span text is checked against the text. A single-fragment span whose
text is elsewhere is moved there (``span-reanchored``), and any other mismatch is
reported. Spec violations seen in real files are reported with file and line, and
reading goes on: fields split by spaces, not tabs; no final newline; an empty file.
What the annotation mapping does not take is kept verbatim (``org.brat:unmapped``)
and written back. The writer writes files brat itself loads.
"""

from __future__ import annotations

import bisect
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import orjson

from claimfmt import jsontext
from claimfmt.converters import remainder
from claimfmt.converters.anchoring import DEFAULT_ANCHORING, Anchoring
from claimfmt.converters.base import ConversionError, Converter, LossReport, Options, Origin, Read, text_of
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.offsets import OffsetMap
from claimfmt.converters.standoff import (
    Attribute,
    Link,
    Note,
    Standoff,
    StandoffWriter,
    TextBound,
    Written,
    read_json,
    unused,
    write_document,
)
from claimfmt.large import LARGE, LargeDocument, Unbuildable
from claimfmt.model import Document
from claimfmt.reading import SourceLike
from claimfmt.structuring import as_json, trusted
from claimfmt.writing import atomic_files

__all__ = ["Brat", "parse_ann", "render_ann"]

NS = "org.brat:"
_UNMAPPED = NS + "unmapped"
_RECORD = "claimfmt-record: "  # a note with what the document keeps apart from its claims
_CLAIM_RECORD = "claimfmt-claim: "  # a note on a claim's span with what brat cannot hold of that claim
_SOURCE_RECORD = "claimfmt-source: "  # the same for a source, on its mention's span
_HOST = "claimfmt-record"
_TEXT_FOLDERS = ("text", "texts", "txt")
_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines ends a line at, besides \r and \n


class Brat(Converter):
    """brat standoff: .txt + .ann pairs, folders, and PolNeAR's text/ + attributions/ layout."""

    name: ClassVar[str] = "brat"
    summary: ClassVar[str] = "brat standoff (.txt + .ann; PolNeAR layout; --mapping/--preset)"

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        mapping = options.mapping or preset("default")
        for source in sources:
            if not isinstance(source, str | os.PathLike) or str(source) == "-":
                raise ConversionError("brat reads files and folders (a .txt needs its .ann), not standard input")
            path = Path(source)
            files = sorted(path.rglob("*.ann")) if path.is_dir() else [path.with_suffix(".ann")]
            for ann in files:
                report.records_read += 1
                document = read_pair(ann, mapping, report, options.anchoring)
                if document is not None:
                    yield Read(document=document, origin=Origin(file=str(ann)))

    def write(
        self,
        documents: Iterable[Document],
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        if not isinstance(target, str | os.PathLike) or str(target) == "-":
            raise ConversionError("brat writes a folder of .txt and .ann files: give -o FOLDER")
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        mapping = options.mapping or preset("default")
        names: set[str] = set()
        written = 0
        kinds: dict[str, set[str]] = {"T": set(), "R": set(), "E": set(), "A": set()}
        values: dict[str, set[str]] = {}
        # The folder is written as one: every file or none (an error leaves what was there).
        with atomic_files() as files:
            for document in documents:
                if document.article.text is None:
                    report.drop("documents without text (brat needs the text)")
                    continue
                if "\x00" in document.article.text:
                    report.drop("documents whose text has NUL characters (a .txt file is text)")
                    continue
                name = _file_name(document.id, names)
                ann = render_ann(document, mapping, name, report)
                _declared(ann, kinds, values)
                files.write(folder / f"{name}.txt", document.article.text.encode())
                files.write(folder / f"{name}.ann", ann.encode())
                written += 1
            conf = folder / "annotation.conf"
            if written and not conf.exists():  # brat wants the types declared; never replace a project's own
                files.write(conf, _annotation_conf(kinds, values, mapping).encode())
        return written

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """The ``.ann`` file of one large document, a claim at a time: each claim's spans written as it comes, its
        events, attributes and notes spooled to follow all the spans, and the record's notes after them.

        Each claim's annotations are read back as a reader reads them in the whole file (with the spans of claims
        before that its events name, and their attributes), and its fragment of the record made then
        (:class:`remainder.Keeper`). Where a claim alone does not give what the whole gives (a claim brat has no
        span for, an event naming several claims, a trigger the whole would retype, an annotation a reader keeps
        as it is), where brat reads the text otherwise than it is written (``\r\n``, a byte-order mark), or
        where the document holds lines kept from reading brat: :class:`~claimfmt.large.Unbuildable`, and the
        document is written whole.
        """
        head = document.head
        text = head.article.text
        if not isinstance(target, str | os.PathLike) or text is None or _UNMAPPED in (head.extensions or {}):
            raise Unbuildable("a document without text, or with lines kept from brat, is written whole")
        if "\x00" in text or "\r\n" in text or text.startswith("\ufeff"):
            raise Unbuildable("a text brat reads otherwise than it is written is written whole")
        mapping = options.mapping or preset("default")
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        name = _file_name(head.id, set())
        writer = StandoffWriter(text, mapping, events=True)
        writer.sources(head.sources)
        mentions = writer.flush()
        scratch = LossReport(source="brat", target="claimfmt")
        rebuilt, used = read_json(mentions, mapping, name, scratch)
        if rebuilt["claims"] or not _plain(mentions) or next(unused(mentions, used), None) is not None:
            raise Unbuildable("a source's mention does not read back as one")
        keeper = remainder.Keeper(as_json(head), rebuilt)
        written = Written(mapping.attribution_types, discontinuous=True)
        # Each kind of line follows all of the kind before it: spooled as they come, not held.
        links, attributes, notes, fragments = _Spooled(), _Spooled(), _Spooled(), _Spooled()
        kinds: dict[str, set[str]] = {"T": set(), "R": set(), "E": set(), "A": set()}
        values: dict[str, set[str]] = {}
        last = {"T": 0, "#": 0}  # the highest number given, for the record's notes and its span

        def spans(found: list[TextBound]) -> bytes:
            for span in found:
                written.add(span)
                last["T"] = max(last["T"], int(span.id[1:]))
            return _declared_lines([_line(span) for span in found], kinds, values)

        def lines() -> Iterator[bytes]:
            yield spans(mentions.spans)
            for claim, data in document.claims():
                alone = writer.alone(data)
                if alone is None or not _plain(alone[1]):
                    raise Unbuildable(f"claim {claim.id!r} is not one brat holds alone")
                claim_id, flushed = alone
                ours = {span.id for span in flushed.spans} | {link.id for link in flushed.links}
                earlier: set[str] = set()
                for link in flushed.links:
                    earlier.update(written.earlier(link, ours, events=True))
                yield spans(flushed.spans)
                before = sorted(earlier, key=written.numbers.__getitem__)
                seen = Standoff(
                    text=text,
                    spans=[*flushed.spans, *(written.seen(identifier, identifier, text) for identifier in before)],
                    links=flushed.links,
                    # The attributes on spans before come first, as in the file: a reader takes the first.
                    attributes=[
                        *(a for identifier in before for a in writer.attributes_on(identifier)),
                        *flushed.attributes,
                    ],
                    notes=flushed.notes,
                )
                found, used = read_json(seen, mapping, name, scratch)
                if any(item.id not in used.ids for item in flushed.items()):
                    raise Unbuildable(f"claim {claim.id!r} has an annotation a reader keeps as it is")
                written.forget(claim_id)
                links.add(_declared_lines([_line(link) for link in flushed.links], kinds, values))
                attributes.add(_declared_lines([_line(a) for a in flushed.attributes], kinds, values))
                notes.add(_declared_lines([_line(note) for note in flushed.notes], kinds, values))
                for note in flushed.notes:
                    last["#"] = max(last["#"], int(note.id[1:]))
                tool_id, fragment = keeper.alone(data, found)
                if fragment is not None:
                    fragments.add(f"{tool_id}\t{_note_json(fragment)}\n".encode())
            yield from record()

        def record() -> Iterator[bytes]:
            nonlocal writer, written
            del writer, written  # what every claim's spans were: not needed now, and as large as the record's rest
            for spooled in (links, attributes, notes):
                yield from spooled.parts()
            number = last["#"] + 1
            # The record's notes declare nothing: their JSON holds no line break, in brat's reading or ours.
            for line in fragments.parts(lines=True):
                on, content = line.split(b"\t", 1)
                yield b"#%d\tAnnotatorNotes %s\t%s%s\n" % (number, on, _CLAIM_RECORD.encode(), content)
                number += 1
            kept = keeper.rest()
            if kept is None:
                return
            on_spans = {span.id for span in mentions.spans}
            sources = kept.pop("sources", {})
            for source_id in [k for k in sources if k in on_spans]:
                content = _note_json(sources.pop(source_id)).encode()
                yield b"#%d\tAnnotatorNotes %s\t%s%s\n" % (number, source_id.encode(), _SOURCE_RECORD.encode(), content)
                number += 1
            if sources:
                kept["sources"] = sources
            if len(kept) > 1:
                yield from _host(text, f"T{last['T'] + 1}", kinds, values)
                yield f"#{number}\tAnnotatorNotes T{last['T'] + 1}\t{_RECORD}{_note_json(kept)}\n".encode()

        with atomic_files() as files:
            files.write(folder / f"{name}.txt", text.encode())
            files.write(folder / f"{name}.ann", lines())
            conf = folder / "annotation.conf"
            if not conf.exists():
                files.write(conf, _annotation_conf(kinds, values, mapping).encode())
        report.recorded.update(keeper.fields)
        return 1


def _host(text: str, identifier: str, kinds: dict[str, set[str]], values: dict[str, set[str]]) -> Iterator[bytes]:
    """The line of the span the record's note sits on (over the text's first line), in parts: a text of one line
    is echoed whole, and may be a large document's."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    line = f"{identifier}\t{_HOST} 0 {len(first)}\t"
    if any(c in first for c in _BREAKS):  # more lines to Python's line splitting, which _declared does
        _declared(line + _one_line(first), kinds, values)
    else:
        kinds["T"].add(_HOST)
    yield line.encode()
    for start in range(0, len(first), 1 << 20):
        yield _one_line(first[start : start + (1 << 20)]).encode()
    yield b"\n"


class _Spooled:
    """Lines of a ``.ann`` file that follow others still to come: in a temporary file meanwhile."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed once copied, or when it goes)

    def add(self, lines: bytes) -> None:
        self._file.write(lines)

    def parts(self, *, lines: bool = False) -> Iterator[bytes]:
        """What was added, in parts (``lines``: a line at a time, without its end)."""
        self._file.seek(0)
        if lines:
            for line in self._file:
                yield line[:-1]
        else:
            while part := self._file.read(1 << 20):
                yield part
        self._file.close()


def _declared_lines(lines: list[str], kinds: dict[str, set[str]], values: dict[str, set[str]]) -> bytes:
    """Lines of a ``.ann`` file, their types added to those annotation.conf declares (:func:`_declared`)."""
    ann = "".join(f"{line}\n" for line in lines)
    _declared(ann, kinds, values)
    return ann.encode()


def _declared(ann: str, kinds: dict[str, set[str]], values: dict[str, set[str]]) -> None:
    """Add the types (and attribute values) the lines of ``ann`` use to those annotation.conf declares."""
    for line in ann.splitlines():
        prefix, _, rest = line.partition("\t")
        kind = prefix[:1]
        if kind in kinds and rest:
            kinds[kind].add(rest.split(" ", 1)[0].split(":", 1)[0])
        if kind in "AM" and rest.count(" ") >= 2:
            attribute, _, value = rest.split(" ", 2)
            values.setdefault(attribute, set()).add(value)


def _annotation_conf(kinds: dict[str, set[str]], values: dict[str, set[str]], mapping: AnnotationMapping) -> str:
    """A brat ``annotation.conf`` declaring every type the written files use, loosely."""
    events = kinds["E"]
    entities = sorted(kinds["T"] - events)
    lines = ["# Written by claimfmt for the files in this folder.", "[entities]", *entities, "[relations]"]
    lines += [f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>" for name in sorted(kinds["R"])]
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "[events]"]
    roles = [
        *(f"{role}?:<ENTITY>" for role in sorted(mapping.claim_roles | mapping.source_roles | mapping.cue_roles)),
        *(f"{role}*:<ENTITY>" for role in sorted(mapping.hedge_roles)),
    ]
    lines += [f"{name}\t{', '.join(roles) or 'Arg*:<ENTITY>'}" for name in sorted(events)]
    lines.append("[attributes]")
    for name in sorted(kinds["A"]):
        allowed = "|".join(sorted(values.get(name, ())))
        lines.append(f"{name}\tArg:<ANY>" + (f", Value:{allowed}" if allowed else ""))
    return "\n".join(lines) + "\n"


def read_pair(
    ann: Path, mapping: AnnotationMapping, report: LossReport, anchoring: Anchoring = DEFAULT_ANCHORING
) -> Document | None:
    """One ``.ann`` file and its text as a document, or None (reported) when the text cannot be found."""
    origin = report.current = Origin(file=str(ann))
    text_file, annotator = _text_for(ann)
    if text_file is None:
        report.error("not-convertible", f"no text for {ann.name} (looked beside it and in a text/ folder)", origin)
        return None
    text = text_of(text_file, report)
    content = text_of(ann, report) if ann.exists() else ""
    if text is None or content is None:
        return None
    # The file's text goes once it is cut in lines, and each line once it is read (read_lines): in Python, a
    # large file's text, and its lines, each hold up to four times its size.
    large = len(content) > LARGE
    lines = ann_lines(content)
    del content
    return read_lines(
        lines, text.replace("\r\n", "\n"), ann.stem, str(ann), mapping, report, annotator, anchoring, unparsed=large
    )


def read_lines(
    lines: list[str],
    text: str,
    identifier: str,
    name: str,
    mapping: AnnotationMapping,
    report: LossReport,
    annotator: str | None = None,
    anchoring: Anchoring = DEFAULT_ANCHORING,
    *,
    unparsed: bool = False,
) -> Document:
    """A document from the lines of a ``.ann`` file and its text; each line is taken out of ``lines`` as it is
    read, and the annotations go once the document's JSON is made of them (``unparsed``: as :func:`parse_ann`)."""
    standoff, others, kept_record = parse_ann(lines, text, name, report, anchoring, consume=True, unparsed=unparsed)
    data, kept = _mapped(standoff, others, identifier, mapping, report, annotator)
    del standoff
    if kept_record:
        restored = remainder.restored(data, kept_record, report, Origin(file=name))
        if restored is not None:
            return restored
    document = trusted(data)
    for line in kept:
        report.park(f"brat {line.split(chr(9), 2)[1].split(' ')[0] if chr(9) in line else 'line'}")
    return document


def _mapped(
    standoff: Standoff,
    others: list[str],
    identifier: str,
    mapping: AnnotationMapping,
    report: LossReport,
    annotator: str | None,
) -> tuple[dict[str, Any], list[str]]:
    """The JSON of the document a ``.ann`` file's annotations give, and the lines kept as they are."""
    data, used = read_json(standoff, mapping, identifier, report)
    kept = [_line(item) for item in unused(standoff, used)] + others
    if annotator:
        data["provenance"] = {"annotators": [{"kind": "human", "name": annotator}]}
    if kept:
        data["extensions"] = {_UNMAPPED: kept}
    return data, kept


def _read_back(standoff: Standoff, kept: list[str], text: str, name: str, mapping: AnnotationMapping) -> dict[str, Any]:
    """The JSON a reader makes of the lines of ``standoff`` followed by the ``kept`` lines.

    The written annotations are not written out and parsed again: their lines give back just what they
    hold, so only the kept lines are parsed. Names a line could not give back (a colon in an event's
    type, a space in an attribute's value) are read back the long way, as a reader would.
    """
    scratch = LossReport(source="brat", target="claimfmt")
    if not _plain(standoff):
        lines = [f"{_line(item)}\n" for item in standoff.items()] + [f"{line}\n" for line in kept]
        parsed, others, _ = parse_ann(lines, text, name, scratch)
        return _mapped(parsed, others, name, mapping, scratch, None)[0]
    extra, others = Standoff(text=text), []
    if kept:
        extra, others, _ = parse_ann([f"{line}\n" for line in kept], text, name, scratch)
    whole = Standoff(
        text=text,
        spans=[*standoff.spans, *extra.spans],
        links=[*standoff.links, *extra.links],
        attributes=[*standoff.attributes, *extra.attributes],
        notes=[*standoff.notes, *extra.notes],
    )
    return _mapped(whole, others, name, mapping, scratch, None)[0]


_NAME = re.compile(r"[^\s:]+")


def _plain(standoff: Standoff) -> bool:
    """Whether every name in ``standoff`` reads back from its line as it is (no space, no colon)."""
    names = [span.type for span in standoff.spans]
    for link in standoff.links:
        names.append(link.type)
        names += [role for role, _ in link.args]
    for attribute in standoff.attributes:
        names.append(attribute.name)
        if attribute.value is not None:
            names.append(attribute.value)
    names += [note.type for note in standoff.notes]
    return all(_NAME.fullmatch(name) for name in names)


def ann_lines(content: str) -> list[str]:
    """The lines of a ``.ann`` file: brat ends lines at ``\n`` only (a form feed in a note is text)."""
    lines = content.split("\n")
    last = lines.pop()  # after the final \n: empty, or a last line without one
    for n, line in enumerate(lines):
        lines[n] = f"{line}\n"  # in place: a second list of a large file's lines would hold as much again
    if last:
        lines.append(last)
    return lines


def _text_for(ann: Path) -> tuple[Path | None, str | None]:
    beside = ann.with_suffix(".txt")
    if beside.exists():
        return beside, None
    stem = ann.stem
    for folder in (ann.parent.parent / name for name in _TEXT_FOLDERS):
        parts = stem.split("_")
        for cut in range(len(parts) - 1, 0, -1):
            candidate = folder / ("_".join(parts[:cut]) + ".txt")
            if candidate.exists():
                return candidate, "_".join(parts[cut:])
    return None, None


def parse_ann(
    lines: list[str],
    text: str,
    name: str,
    report: LossReport,
    anchoring: Anchoring = DEFAULT_ANCHORING,
    *,
    consume: bool = False,
    unparsed: bool = False,
) -> tuple[Standoff, list[str], dict[str, Any] | None]:
    """The annotations of a ``.ann`` file, the lines kept as they are (N, *), and our record if any.

    The record is a remainder (``converters/remainder.py``) put together from its
    notes: the document's own, and one on each claim's span. With ``consume``, each
    line is taken out of ``lines`` as it is read (``lines`` is left empty). With ``unparsed`` (a large
    file), the claims' and sources' fragments are checked to be JSON and kept as text, parsed as they
    are applied (:class:`remainder.Unparsed`).
    """
    fragment: Callable[[str], Any] = _unparsed_fragment if unparsed else orjson.loads
    standoff = Standoff(text=text)
    others: list[str] = []
    found_record: dict[str, Any] | None = None
    fragments: dict[str, dict[str, Any]] = {"claims": {}, "sources": {}}
    host = None
    offsets = OffsetMap(text)
    # A span's id, one string wherever a line names it (an attribute's, a note's or an event's target): a large
    # file names each several times.
    ids: dict[str, str] = {}
    own = ids.setdefault
    if not lines:
        report.warn("brat-empty-file", "empty .ann file: a document with no annotations", Origin(file=name))
    elif not lines[-1].endswith("\n"):
        report.warn("brat-no-final-newline", "the file does not end with a newline", Origin(file=name, line=len(lines)))
    for number, raw in enumerate(_taken(lines) if consume else lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) == 1 or (line[:1] in "TN#" and len(fields) == 2 and " " in fields[0]):
            fields = _respaced(line)
            report.warn(
                "brat-spaces", "fields separated by spaces, not tabs (read anyway)", Origin(file=name, line=number)
            )
        identifier = own(fields[0], fields[0])
        kind = identifier[:1]
        body = fields[1] if len(fields) > 1 else ""
        try:
            if kind == "T":
                standoff.spans.append(
                    _text_bound(
                        identifier, body, fields[2] if len(fields) > 2 else "", offsets, report, anchoring, name, number
                    )
                )
            elif kind in "RE":
                standoff.links.append(_link(identifier, body, own))
            elif kind in "AM":
                parts = body.split(" ")
                standoff.attributes.append(
                    Attribute(
                        identifier,
                        sys.intern(parts[0]),
                        own(parts[1], parts[1]),
                        sys.intern(parts[2]) if len(parts) > 2 else None,
                    )
                )
            elif kind == "#":
                note_type, target = body.split(" ", 1)
                note_type, target = sys.intern(note_type), target.strip()
                target = own(target, target)
                content = fields[2] if len(fields) > 2 else ""
                if content.startswith(_RECORD):
                    found_record = orjson.loads(content[len(_RECORD) :])
                    host = target
                elif content.startswith(_CLAIM_RECORD):
                    fragments["claims"].setdefault(target, fragment(content[len(_CLAIM_RECORD) :]))
                elif content.startswith(_SOURCE_RECORD):
                    fragments["sources"].setdefault(target, fragment(content[len(_SOURCE_RECORD) :]))
                else:
                    standoff.notes.append(Note(identifier, note_type, target, content))
            elif kind in "N*":
                others.append("\t".join(fields))
            else:
                report.error(
                    "brat-bad-line", f"not a brat annotation line: {line[:60]!r}", Origin(file=name, line=number)
                )
        except (ValueError, IndexError) as exc:  # orjson's decode error is a ValueError
            report.error("brat-bad-line", f"cannot read {line[:60]!r}: {exc}", Origin(file=name, line=number))

    if host is not None:
        # The span our writer made only to carry its record note is not an annotation.
        standoff.spans = [s for s in standoff.spans if not (s.id == host and s.type == _HOST)]
    if any(fragments.values()):
        found_record = found_record if isinstance(found_record, dict) else {"v": remainder.VERSION}
        for key, found in fragments.items():
            if found:
                shared = found_record.get(key)
                found_record = {**found_record, key: {**(shared if isinstance(shared, dict) else {}), **found}}
    return standoff, others, found_record


def _unparsed_fragment(text: str) -> remainder.Unparsed:
    """A fragment's note kept as its text, once orjson reads it (a note it does not read is a bad line, as when
    it is parsed): its objects, all held at once, would be several times the file. Kept in UTF-8: a note with one
    character beyond the BMP (an article's emoji in a span's context) takes four bytes a character as a string."""
    data = text.encode()
    orjson.loads(data)  # parsed and let go
    return remainder.Unparsed(data)


def _taken(lines: list[str]) -> Iterator[str]:
    """Each of ``lines`` in order, taken out of the list as it is reached."""
    lines.reverse()
    while lines:
        yield lines.pop()


def _respaced(line: str) -> list[str]:
    """A line whose fields were separated by runs of spaces: id, annotation, then the text."""
    parts = line.split()
    identifier = parts[0]
    if identifier[:1] == "T":
        # Type, then offsets ("0 7;17 24;8 15" splits into "0", "7;17", "24;8", "15"), then the text.
        rest = parts[1:]
        taken = 1
        while taken < len(rest) and re.fullmatch(r"\d+(;\d+)?", rest[taken]):
            taken += 1
        return [identifier, " ".join(rest[:taken]), " ".join(rest[taken:])]
    if identifier[:1] in "N#":
        return [identifier, " ".join(parts[1:3]), " ".join(parts[3:])]
    return [identifier, " ".join(parts[1:])]


def _text_bound(
    identifier: str,
    body: str,
    echoed: str,
    offsets: OffsetMap,
    report: LossReport,
    anchoring: Anchoring,
    name: str,
    number: int,
) -> TextBound:
    kind, _, places = body.partition(" ")
    kind = sys.intern(kind)  # types, roles, attribute names and values: a few names, one string each, not a line
    fragments = []
    for piece in places.split(";"):
        start, end = piece.split()
        fragments.append((int(start), int(end)))
    text = offsets.text
    found = _one_line(" ".join([text[s:e] for s, e in fragments]))
    if echoed and found != echoed:
        origin = Origin(file=name, line=number)  # made only where there is something to say
        ambiguous = False
        if len(fragments) == 1:
            anchor = anchoring.place(offsets, echoed, start=fragments[0][0], end=fragments[0][1])
            if anchor.start is not None and anchor.end is not None:
                report.anchored(anchor, identifier, origin)
                return TextBound(identifier, kind, [(anchor.start, anchor.end)], text[anchor.start : anchor.end])
            ambiguous = anchor.candidates > 1
        # brat's offsets are what its editor shows: where the line's text cannot be placed, they stand.
        report.warn(
            "quote-ambiguous" if ambiguous else "brat-text-mismatch",
            f"{identifier}: the text at {places} is {found[:40]!r}, the line says {echoed[:40]!r}"
            + ("; it occurs at several places that fit equally well" if ambiguous else ""),
            origin,
        )
    return TextBound(identifier, kind, fragments, echoed)


def _link(identifier: str, body: str, own: Callable[[str, str], str]) -> Link:
    """A relation or event line's link, the ids it names made ``own``'s strings."""
    parts = body.split()
    if identifier.startswith("E"):
        kind, _, trigger = parts[0].partition(":")
        args = [tuple(arg.split(":", 1)) for arg in parts[1:]]
        return Link(
            identifier,
            sys.intern(kind),
            [(sys.intern(a[0]), own(a[1], a[1])) for a in args],
            trigger=own(trigger, trigger) if trigger else None,
        )
    args = [tuple(arg.split(":", 1)) for arg in parts[1:]]
    return Link(identifier, sys.intern(parts[0]), [(sys.intern(a[0]), own(a[1], a[1])) for a in args])


def _line(item: TextBound | Link | Attribute | Note) -> str:
    """An annotation in ``.ann`` syntax."""
    if isinstance(item, TextBound):
        places = ";".join(f"{s} {e}" for s, e in item.fragments)
        return f"{item.id}\t{item.type} {places}\t{_one_line(item.text)}"
    if isinstance(item, Link):
        args = " ".join(f"{role}:{target}" for role, target in item.args)
        if item.trigger is not None:
            return f"{item.id}\t{item.type}:{item.trigger}" + (f" {args}" if args else "")
        return f"{item.id}\t{item.type} {args}\t"
    if isinstance(item, Attribute):
        return f"{item.id}\t{item.name} {item.target}" + (f" {item.value}" if item.value is not None else "")
    return f"{item.id}\t{item.type} {item.target}\t{_one_line(item.text)}"


def _one_line(text: str) -> str:
    # brat has no escapes: a line break or tab inside a field would end it. It writes them as spaces.
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def render_ann(document: Document, mapping: AnnotationMapping, name: str, report: LossReport) -> str:
    """The ``.ann`` file for a document: mapped annotations, lines kept from reading, and our record."""
    kept = list((document.extensions or {}).get(_UNMAPPED, ()))
    standoff = write_document(document, mapping, report, events=True)
    text = document.article.text or ""
    # brat counts \r\n as one character (and the reader drops a byte-order mark): offsets are written as read.
    as_read = text.removeprefix("\ufeff").replace("\r\n", "\n")
    shift = _shift(text) if as_read != text else None
    if shift is not None:
        for span in standoff.spans:
            span.fragments = [(shift(s), shift(e)) for s, e in span.fragments]
            span.text = " ".join(as_read[s:e] for s, e in span.fragments)
    # New ids start after those of the lines kept from reading, which may refer to each other.
    taken = {line.split("\t", 1)[0] for line in kept}
    _renumber(standoff, taken)
    lines = [_line(item) for item in standoff.items()]
    lines += kept
    # What a reader makes of these lines: what it does not give back goes in our record, in notes.
    kept_record = remainder.keep(document, _read_back(standoff, kept, as_read, name, mapping), shift=shift)
    report.recorded.update(remainder.fields(kept_record))
    if kept_record:
        used = taken | {line.split("\t", 1)[0] for line in lines}
        number = int(_free("#", used)[1:])
        spans = {span.id for span in standoff.spans}
        # Each claim's (and source's) fragment sits on its span, so that deleting it in brat deletes the fragment.
        for key, prefix in (("claims", _CLAIM_RECORD), ("sources", _SOURCE_RECORD)):
            fragments = kept_record.pop(key, {})
            for tool_id in [k for k in fragments if k in spans]:
                content = _note_json(fragments.pop(tool_id))
                lines.append(f"#{number}\tAnnotatorNotes {tool_id}\t{prefix}{content}")
                used.add(f"#{number}")
                number += 1
            if fragments:
                kept_record[key] = fragments
        if len(kept_record) > 1:
            # A note needs an annotation to sit on: one of its own, over the first line of the text, so that
            # deleting an annotation in brat never deletes the document's record with it.
            target = _free("T", used)
            first = as_read.split("\n", 1)[0]
            lines.append(f"{target}\t{_HOST} 0 {len(first)}\t{_one_line(first)}")
            used.add(target)
            lines.append(f"{_free('#', used)}\tAnnotatorNotes {target}\t{_RECORD}{_note_json(kept_record)}")
    return "".join(f"{line}\n" for line in lines)


def _shift(text: str) -> Callable[[int], int]:
    """Code point offsets in ``text`` -> in ``text`` as brat reads it (no byte-order mark, ``\r\n`` as one)."""
    bom = 1 if text.startswith("\ufeff") else 0
    pairs = [m.start() for m in re.finditer("\r\n", text)]
    return lambda offset: max(0, offset - bom - bisect.bisect_left(pairs, offset))


def _note_json(value: Any) -> str:
    """JSON for a note: brat reads lines with Python's line splitting, so U+0085, U+2028 and U+2029 are escaped."""
    return (
        jsontext.dumps(value)
        .decode()
        .replace("\x85", "\\u0085")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _renumber(standoff: Standoff, taken: set[str]) -> None:
    """Give the writer's annotations ids clear of ``taken`` (the ids of the lines kept from reading)."""
    renamed: dict[str, str] = {}
    used = set(taken)
    for item in standoff.items():
        if item.id in used:
            new = _free(item.id[0], used)
            renamed[item.id] = new
            item.id = new
        used.add(item.id)
    for link in standoff.links:
        link.args = [(role, renamed.get(target, target)) for role, target in link.args]
        link.trigger = renamed.get(link.trigger, link.trigger) if link.trigger else None
    for attribute in standoff.attributes:
        attribute.target = renamed.get(attribute.target, attribute.target)
    for note in standoff.notes:
        note.target = renamed.get(note.target, note.target)


def _free(prefix: str, taken: set[str]) -> str:
    numbers = [int(i[1:]) for i in taken if i.startswith(prefix) and i[1:].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _file_name(identifier: str, names: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", identifier.rsplit("/", 1)[-1] or identifier).strip("._") or "document"
    name, n = base[:120], 1
    while name in names:
        n += 1
        name = f"{base[:110]}-{n}"
    names.add(name)
    return name
