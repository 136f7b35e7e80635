"""WebAnno / INCEpTION TSV 3.x (``webanno-tsv3``, read).

The header declares the layers: ``#T_SP=`` span layers, ``#T_CH=`` chain layers and
``#T_RL=`` relation layers, each with its features. A slot (link) feature takes two
columns, roles and targets. The body gives each sentence as ``#Text=`` lines (several
for a sentence with line breaks), then one line per token: ``sent-tok``,
``begin-end`` (document-wide UTF-16 offsets), the token and one column per feature.
Sub-tokens (``1-1.1``) carry annotations smaller than a token. ``_`` is empty, and
``*`` an annotation with no value. ``A[1]|B[2]`` stacks two annotations, the
bracketed ids tying the tokens of one multi-token annotation together. Reserved
characters are escaped with a backslash.

The text is rebuilt from the sentences, padded to their offsets, as INCEpTION itself
does. Each span annotation becomes a stand-off span whose type is the layer's short
name (``webanno.custom.Claim`` is ``Claim``), with its features as attributes. Slot
features become links from the host span to the spans they name, role by role.
Relations become links from governor to dependent, and chains links from one
element to the next. The annotation mapping then makes claims, sources, cues and
attributions of them: a custom claim layer becomes claims. The rest is kept in
``org.webanno:unmapped``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import orjson

from claimfmt import jsontext
from claimfmt.converters.base import ConversionError, Converter, LossReport, Options, Origin, Read
from claimfmt.converters.mapping import preset
from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit
from claimfmt.converters.standoff import Attribute, Link, Standoff, TextBound, read_document, unused
from claimfmt.issues import Issue
from claimfmt.reading import SourceLike, decode_text
from claimfmt.structuring import evolve

__all__ = ["WebAnnoTSV3"]

NS = "org.webanno:"
_TOKEN = re.compile(r"^(\d+)-(\d+)(?:\.(\d+))?$")
_OFFSETS = re.compile(r"^([0-9]{1,18})-([0-9]{1,18})$")
# Sentences are laid out at their first token's offset; a real file leaves a few line breaks between
# them, never this many: a larger gap is a damaged offset, not text to pad.
_MAX_GAP = 100_000
_VALUE = re.compile(r"^(.*?)(?:\[(\d+)(?:_(\d+))?\])?$", re.S)
_UNESCAPES = {
    "\\\\": "\\", "\\[": "[", "\\]": "]", "\\|": "|", "\\_": "_", "\\->": "->",
    "\\;": ";", "\\t": "\t", "\\n": "\n", "\\*": "*", "\\r": "\r",
}  # fmt: skip
_ESCAPE = re.compile(r"\\(?:->|[\\\[\]|_;tn*r])")


@attrs.define
class _Column:
    layer: str  # short name
    kind: str  # "span", "chain", "relation"
    feature: str
    role: str = "value"  # value | slot-roles | slot-targets | governor | chain-type | chain-relation


@attrs.define
class _Token:
    address: str
    begin: int
    end: int
    cells: list[str]


class WebAnnoTSV3(Converter):
    """WebAnno / INCEpTION TSV 3.x: span, chain and relation layers, slot features."""

    name: ClassVar[str] = "webanno-tsv3"
    summary: ClassVar[str] = "WebAnno / INCEpTION TSV 3.x (span, chain, relation layers; --mapping)"
    default_unit: ClassVar[Unit] = Unit.UTF16

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        mapping = options.mapping or preset("default")
        unit = options.offset_unit or self.default_unit
        for source in sources:
            if not isinstance(source, str | os.PathLike):
                raise ConversionError("webanno-tsv3 reads files and folders")
            if str(source) == "-":
                files: list[tuple[str, Path | None]] = [("<stdin>", None)]
            else:
                path = Path(source)
                files = [(str(p), p) for p in (sorted(path.rglob("*.tsv")) if path.is_dir() else [path])]
            for name, file in files:
                report.records_read += 1
                report.current = Origin(file=name)
                content = decode_text(sys.stdin.buffer.read() if file is None else file.read_bytes())
                if isinstance(content, Issue):
                    report.add(content)
                    continue
                standoff = parse_tsv(content, name, unit, report)
                if standoff is None:
                    continue
                identifier = Path(name).stem
                document, used = read_document(standoff, mapping, identifier, report)
                kept = [_json(item) for item in unused(standoff, used)]
                if kept:
                    document = evolve(document, extensions={NS + "unmapped": kept})
                    for item in kept:
                        report.park(f"webanno {item['kind']}")
                yield Read(document=document, origin=Origin(file=name))


def parse_tsv(content: str, name: str, unit: Unit, report: LossReport) -> Standoff | None:
    """The text and annotations of one TSV 3 file, or None (reported) when it is not one."""
    lines = content.split("\n")
    if not lines or not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        report.error(
            "not-convertible", "not WebAnno TSV 3 (no #FORMAT=WebAnno TSV 3.x header)", Origin(file=name, line=1)
        )
        return None
    columns: list[_Column] = []
    sentences: list[tuple[str, list[_Token]]] = []
    text_lines: list[str] = []
    tokens: list[_Token] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if line.startswith(("#T_SP=", "#T_CH=", "#T_RL=")):
            if tokens or text_lines or sentences:
                # Columns declared after the first sentence would not match the rows already read.
                report.error(
                    "malformed-row", "a layer declared after the text began: ignored", Origin(file=name, line=number)
                )
                continue
            columns.extend(_declare(line))
        elif line.startswith("#Text="):
            if tokens:
                sentences.append(("\n".join(text_lines), tokens))
                text_lines, tokens = [], []
            text_lines.append(_unescape(line[len("#Text=") :]))
        elif line.startswith("#") or not line.strip():
            continue
        else:
            fields = line.split("\t")
            match = _TOKEN.match(fields[0])
            offsets_match = _OFFSETS.match(fields[1]) if len(fields) >= 3 else None
            if match is None or offsets_match is None:
                report.error("malformed-row", f"not a token line: {line[:60]!r}", Origin(file=name, line=number))
                continue
            begin, end = int(offsets_match[1]), int(offsets_match[2])
            cells = fields[3 : 3 + len(columns)]
            tokens.append(_Token(fields[0], begin, end, cells + ["_"] * (len(columns) - len(cells))))
    if tokens or text_lines:
        sentences.append(("\n".join(text_lines), tokens))
    text = _text(sentences, unit, name, report)
    offsets = OffsetMap(text)
    every = [token for _, sentence in sentences for token in sentence]
    return _annotations(every, columns, text, offsets, unit, name, report)


def _declare(line: str) -> list[_Column]:
    kind = {"#T_SP": "span", "#T_CH": "chain", "#T_RL": "relation"}[line[:5]]
    layer, *features = line[6:].split("|")
    short = layer.rsplit(".", 1)[-1]
    if kind == "chain":
        return [
            _Column(short, kind, f, "chain-relation" if f == "referenceRelation" else "chain-type") for f in features
        ]
    columns = []
    features = [f for f in features if f]
    if not features:
        return [_Column(short, kind, "", "value")]  # a layer without features still has its column
    skip = False
    for n, feature in enumerate(features):
        if skip:
            skip = False
            continue
        if feature.startswith("ROLE_"):
            slot = feature.split(":", 1)[-1].split("_", 1)[0]
            columns += [_Column(short, kind, slot, "slot-roles"), _Column(short, kind, slot, "slot-targets")]
            skip = n + 1 < len(features)  # the next entry names the targets' layer, not a column
        elif feature.startswith("BT_"):
            columns.append(_Column(short, kind, feature[3:].rsplit(".", 1)[-1], "governor"))
        else:
            columns.append(_Column(short, kind, feature))
    return columns


def _text(sentences: list[tuple[str, list[_Token]]], unit: Unit, name: str, report: LossReport) -> str:
    """The document text: each sentence at its first token's offset, padded before it as needed."""
    parts: list[str] = []
    size = 0  # of the parts, in unit
    for sentence, tokens in sentences:
        if tokens:
            if unit is Unit.GRAPHEME:  # a sentence may join the last character before it into one grapheme
                size = OffsetMap("".join(parts)).size(unit)
            gap = tokens[0].begin - size
            if gap > _MAX_GAP:
                where = Origin(file=name)
                report.error("malformed-row", f"token {tokens[0].address} starts {gap} past the text before it", where)
                gap = 0
            if gap > 0:
                parts.append("\n" * gap)
                size += gap  # a line break is one in every unit
        parts.append(sentence)
        if unit is not Unit.GRAPHEME:
            size += OffsetMap(sentence).size(unit)  # code points and code units add up
    return "".join(parts)


def _annotations(
    tokens: list[_Token],
    columns: list[_Column],
    text: str,
    offsets: OffsetMap,
    unit: Unit,
    name: str,
    report: LossReport,
) -> Standoff:
    standoff = Standoff(text=text)
    places: dict[str, tuple[int, int]] = {}
    for token in tokens:
        try:
            places[token.address] = (offsets.to_codepoints(token.begin, unit), offsets.to_codepoints(token.end, unit))
        except OffsetError:
            report.warn("offset-unit-mismatch", f"token {token.address}: offsets outside the text", Origin(file=name))
    spans: dict[tuple[str, str], TextBound] = {}  # (layer, annotation key) -> span
    at: dict[tuple[str, str], list[str]] = {}  # (layer, token address) -> span ids there
    # (layer, chain) -> {link number: (span id, relation)}: each chain element is one mention, however many
    # tokens it covers, and a token in several chains (stacked) belongs to an element of each.
    elements: dict[tuple[str, str], dict[int, tuple[str, str]]] = {}
    named: set[tuple[str, str]] = set()  # (span id, feature) of each attribute made
    for index, column in enumerate(columns):
        hosts_only = column.role == "slot-roles"  # a slot feature's host layer may have no other column
        if column.kind == "relation" or column.role not in {"value", "chain-type", "slot-roles"}:
            continue
        first = next(i for i, c in enumerate(columns) if c.layer == column.layer)
        if hosts_only and first != index:
            continue
        chain_of = _ChainElements(columns, index) if column.kind == "chain" else None
        for number, token in enumerate(tokens):
            if token.address not in places:
                continue
            cell = token.cells[index]
            values = [("*", None)] if hosts_only and cell != "_" else _values(cell)
            for position, (value, ident) in enumerate(values):
                if chain_of is not None:
                    # In a chain layer the bracketed number is the chain, not the element: the element is
                    # the link's (1-2: chain 1, element 2), and a token with no link of its own continues
                    # the element of the token before it.
                    key = (column.layer, chain_of.element(token, number, ident, position))
                else:
                    key = (column.layer, f"{ident}" if ident else f"{token.address}#{position}")
                span = spans.get(key)
                start, end = places[token.address]
                if span is None:
                    span = TextBound(f"{column.layer}-{len(spans) + 1}", column.layer, [(start, end)], "")
                    spans[key] = span
                    standoff.spans.append(span)
                else:
                    s, _ = span.fragments[0]
                    span.fragments = [(min(s, start), max(span.fragments[0][1], end))]
                at.setdefault((column.layer, token.address), [])
                if span.id not in at[column.layer, token.address]:
                    at[column.layer, token.address].append(span.id)
                if chain_of is not None and ident is not None and (link := chain_of.links.get(key[1])) is not None:
                    elements.setdefault((column.layer, ident), {}).setdefault(link[0], (span.id, link[1]))
                if value not in ("*", "") and not hosts_only and (index == first or column.feature):
                    feature = column.feature or "value"
                    if (span.id, feature) not in named:  # a span's first value of a feature is its value
                        named.add((span.id, feature))
                        standoff.attributes.append(
                            Attribute(f"A{len(standoff.attributes) + 1}", feature, span.id, value)
                        )
    for span in standoff.spans:
        s, e = span.fragments[0]
        span.text = text[s:e]
    for index, column in enumerate(columns):
        if column.role == "slot-roles":
            _slots(tokens, index, column, at, standoff)
        elif column.role == "governor":
            _relations(tokens, index, columns, column, at, standoff)
    for (layer, _), chain in elements.items():
        for number, (span_id, relation) in sorted(chain.items()):
            following = chain.get(number + 1)
            if following is not None:
                label = relation if relation not in ("*", "") else layer
                standoff.links.append(
                    Link(f"L{len(standoff.links) + 1}", label, [("From", span_id), ("To", following[0])])
                )
    return standoff


class _ChainElements:
    """Which chain element a token's chain-type value belongs to, from the layer's referenceRelation column."""

    def __init__(self, columns: list[_Column], index: int) -> None:
        layer = columns[index].layer
        self.relation = next(
            (i for i, c in enumerate(columns) if c.layer == layer and c.role == "chain-relation"), None
        )
        self.previous: dict[str, tuple[int, str]] = {}  # chain -> (token number, element key) last seen
        self.links: dict[str, tuple[int, str]] = {}  # element key -> (link number, relation)

    def element(self, token: _Token, number: int, chain: str | None, position: int) -> str:
        if chain is None:
            return f"{token.address}#{position}"
        for relation, place in self._links(token):
            head, _, link = place.partition("-")
            if head == chain and link.isdigit():
                key = f"chain {chain}-{link}"
                self.links.setdefault(key, (int(link), relation))
                self.previous[chain] = (number, key)
                return key
        before = self.previous.get(chain)
        if before is not None and before[0] == number - 1:
            self.previous[chain] = (number, before[1])  # the next token of a mention the link is on
            return before[1]
        return f"{token.address}#{position}"

    def _links(self, token: _Token) -> list[tuple[str, str]]:
        if self.relation is None or self.relation >= len(token.cells):
            return []
        found = []
        for value in _split(token.cells[self.relation], "|"):
            relation, _, place = value.rpartition("->")
            if "-" in place:
                found.append((_unescape(relation), place))
        return found


def _slots(
    tokens: list[_Token], index: int, column: _Column, at: dict[tuple[str, str], list[str]], standoff: Standoff
) -> None:
    # Each token's spans by layer, in the order they were found: a slot's target is the first not of the host's layer.
    by_place: dict[str, list[tuple[str, list[str]]]] = {}
    for (layer, place), ids in at.items():
        by_place.setdefault(place, []).append((layer, ids))
    for token in tokens:
        roles, targets = token.cells[index], token.cells[index + 1]
        if roles == "_" or targets == "_":
            continue
        hosts = at.get((column.layer, token.address), [])
        args = []
        for role, target in zip(_split(roles, ";"), _split(targets, ";"), strict=False):
            address = re.sub(r"\[.*$", "", target)
            found = next((ids[0] for layer, ids in by_place.get(address, ()) if layer != column.layer), None)
            if found:
                args.append((_unescape(role), found))
        if hosts and args:
            # One link per host, with a role for each slot filled: an attribution's source, cue and claim.
            standoff.links.append(Link(f"L{len(standoff.links) + 1}", column.layer, args, hosts[0]))


def _relations(
    tokens: list[_Token],
    index: int,
    columns: list[_Column],
    column: _Column,
    at: dict[tuple[str, str], list[str]],
    standoff: Standoff,
) -> None:
    features = [i for i, c in enumerate(columns) if c.layer == column.layer and c.role == "value"]
    base = column.feature
    for token in tokens:
        governor = token.cells[index]
        if governor == "_":
            continue
        for address in _split(governor, "|"):
            address = re.sub(r"\[.*$", "", address)
            heads, deps = at.get((base, address), []), at.get((base, token.address), [])
            if heads and deps:
                label = next(
                    (v for i in features for v, _ in _values(token.cells[i]) if v not in ("*", "")), column.layer
                )
                standoff.links.append(
                    Link(f"L{len(standoff.links) + 1}", label, [("Governor", heads[0]), ("Dependent", deps[0])])
                )


def _split(cell: str, separator: str) -> list[str]:
    """A cell split on an unescaped separator."""
    parts, current, escaped = [], "", False
    for char in cell:
        if escaped:
            current += "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current + ("\\" if escaped else ""))
    return parts


def _values(cell: str) -> list[tuple[str, str | None]]:
    """Stacked values of a cell, unescaped, with their disambiguation ids."""
    if cell in ("_", ""):
        return []
    found = []
    for part in _split(cell, "|"):
        match = _VALUE.match(part)
        assert match is not None
        value, ident = match[1], match[2]
        found.append((_unescape(value), ident))
    return found


def _unescape(value: str) -> str:
    return _ESCAPE.sub(lambda m: _UNESCAPES[m[0]], value)


def _json(item: Any) -> dict[str, Any]:
    """An annotation as plain JSON (lists, not tuples), to keep under extensions."""
    data: dict[str, Any] = orjson.loads(jsontext.dumps(attrs.asdict(item)))
    data["kind"] = type(item).__name__
    return data
