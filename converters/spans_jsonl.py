"""Generic span JSONL (``spans-jsonl``, read): a corpus's own records of text plus labelled spans.

Most claim corpora ship JSONL of their own: a text, and spans with labels under keys
of their choosing. The ``[fields]`` table of an annotation mapping names the keys
(``text``, ``spans``, ``start``, ``end``, ``label``, optionally ``quote`` and ``id``;
dotted keys reach into objects) and the offset unit. Its ``[spans]`` table says
which labels are claims, sources, cues and hedges. A span may be an object or a
``[start, end, label]`` list. Spans with a quote are checked against the text and
re-anchored where they are off. Every other key of the record is kept under
``org.claimfmt.spans-jsonl:record``, and every other key of a span object under
``org.claimfmt.spans-jsonl:span-keys`` (by the span's index); each is counted as parked.
``docs/tools.md`` has a worked example.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from claimfmt.converters.anchoring import Anchoring
from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read, readable
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit
from claimfmt.converters.standoff import Standoff, TextBound, read_document, unused
from claimfmt.reading import Record
from claimfmt.structuring import evolve

__all__ = ["SpansJSONL"]

_RECORD = "org.claimfmt.spans-jsonl:record"
_UNMAPPED = "org.claimfmt.spans-jsonl:unmapped"
_SPAN_KEYS = "org.claimfmt.spans-jsonl:span-keys"
_DEFAULTS = {"id": "id", "text": "text", "spans": "spans", "start": "start", "end": "end", "label": "label"}


class SpansJSONL(Converter):
    """Any JSONL of texts with labelled spans, read through the ``[fields]`` of a mapping."""

    name: ClassVar[str] = "spans-jsonl"
    summary: ClassVar[str] = "generic JSONL of texts with labelled spans (keys named in --mapping [fields])"

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        mapping: AnnotationMapping = options.mapping or preset("default")
        fields = {**_DEFAULTS, **mapping.fields}
        unit = options.offset_unit or Unit(fields.get("unit", "codepoint"))
        for data, origin in readable(records, report):
            text = _get(data, fields["text"])
            if not isinstance(text, str):
                report.error("not-convertible", f"no text under {fields['text']!r}", origin)
                continue
            standoff = Standoff(text=text)
            offsets = OffsetMap(text)
            spans = _get(data, fields["spans"])
            taken = {fields[k].split(".", 1)[0] for k in ("start", "end", "label", "quote") if k in fields}
            span_keys: dict[str, Any] = {}
            for n, span in enumerate(spans if isinstance(spans, list) else []):
                extra = {k: v for k, v in span.items() if k not in taken} if isinstance(span, dict) else {}
                if extra:
                    span_keys[str(n)] = extra
                    for key in extra:
                        report.park(f"spans[].{key}")
                pointer = f"/{fields['spans'].replace('.', '/')}/{n}"
                found = _span(span, fields, offsets, unit, options.anchoring, report, origin, pointer)
                if found is not None:
                    place, label, quote = found
                    standoff.spans.append(TextBound(f"T{n + 1}", label, [place] if place else [], quote))
            identifier = _get(data, fields["id"])
            name = (
                str(identifier) if isinstance(identifier, int | str) and str(identifier) else f"doc-{origin.index or 0}"
            )
            document, used = read_document(standoff, mapping, name, report)
            extensions: dict[str, Any] = {}
            rest = _without(data, (fields["text"], fields["spans"]))
            if rest:
                extensions[_RECORD] = rest
                for key in rest:
                    report.park(f"record.{key}")
            if span_keys:
                extensions[_SPAN_KEYS] = span_keys
            left = [
                {"label": s.type, "start": s.fragments[0][0], "end": s.fragments[0][1]}
                if s.fragments
                else {"label": s.type, "quote": s.text}
                for s in unused(standoff, used)
                if isinstance(s, TextBound)
            ]
            if left:
                extensions[_UNMAPPED] = left
                report.park("spans with labels the mapping does not name", len(left))
            yield Read(document=evolve(document, extensions=extensions or None), origin=origin)


def _span(
    span: Any,
    fields: dict[str, str],
    offsets: OffsetMap,
    unit: Unit,
    anchoring: Anchoring,
    report: LossReport,
    origin: Origin,
    pointer: str,
) -> tuple[tuple[int, int] | None, str, str] | None:
    """A span's place (None: orphaned, quote only), label and quote; None when it is unreadable (reported)."""
    if isinstance(span, list) and len(span) >= 3:
        start, end, label, quote = span[0], span[1], span[2], None
    elif isinstance(span, dict):
        start, end, label = _get(span, fields["start"]), _get(span, fields["end"]), _get(span, fields["label"])
        quote = _get(span, fields["quote"]) if "quote" in fields else None
    else:
        report.warn("span-unreadable", "a span is neither an object nor a [start, end, label] list", origin, pointer)
        return None
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)):
        report.warn("span-unreadable", "a span without integer start/end and a string label", origin, pointer)
        return None
    if isinstance(quote, str) and quote:
        found = anchoring.place(offsets, quote, start=start, end=end, unit=unit)
        report.anchored(found, "", origin, pointer)
        if found.start is None or found.end is None:
            return None, label, quote
        return (found.start, found.end), label, offsets.text[found.start : found.end]
    try:
        begin, finish = offsets.to_codepoints(start, unit), offsets.to_codepoints(end, unit)
        return (begin, finish), label, offsets.text[begin:finish]
    except OffsetError as exc:
        report.warn("span-unreadable", f"offsets [{start}, {end}): {exc}", origin, pointer)
        return None


def _get(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _without(data: Any, keys: tuple[str, ...]) -> Any:
    """``data`` without the (dotted) keys the importer took, and without objects they leave empty."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for key in keys:
        head, _, rest = key.partition(".")
        if head in out:
            if rest:
                inner = _without(out[head], (rest,))
                if inner:
                    out[head] = inner
                else:
                    del out[head]
            else:
                del out[head]
    return out
