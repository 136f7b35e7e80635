"""Every issue code claimfmt reports: public API, documented in ``docs/codes.md``.

A code never changes meaning. Schema errors are ``schema-<keyword>`` (such as
``schema-required``, ``schema-format``), one per JSON Schema keyword; the
table lists those the 1.0 schema can raise.
"""

from __future__ import annotations

import attrs

from claimfmt.issues import Severity

__all__ = ["CODES", "Code", "severity_of"]


@attrs.frozen(kw_only=True)
class Code:
    """What a code means and how to fix what it reports."""

    code: str
    severity: Severity
    group: str
    meaning: str
    fix: str


def _codes(group: str, severity: Severity, *rows: tuple[str, str, str]) -> dict[str, Code]:
    return {code: Code(code=code, severity=severity, group=group, meaning=m, fix=f) for code, m, f in rows}


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    **_codes(
        "reading",
        E,
        ("invalid-json", "The file or JSONL line is not JSON (or is cut short).", "Fix the syntax at the line given."),
        ("invalid-utf8", "The bytes are not UTF-8 (UTF-16, Latin-1, or damaged).", "Save the file as UTF-8."),
        ("not-text", "A file read as text holds binary data (NUL bytes).", "Give the text file itself, as UTF-8."),
        ("unreadable-file", "The file cannot be read (a broken gzip stream, say).", "Re-create the file."),
        ("not-an-object", "A document is not a JSON object.", "Each document (line, array element) must be an object."),
        ("missing-version", 'The document has no "claimfmt" version key.', 'Add "claimfmt": "1.0".'),
        (
            "unsupported-version",
            "The document declares a version this claimfmt cannot read (unknown, or a newer major).",
            "Upgrade claimfmt, or write the document in a supported version.",
        ),
        ("no-document", "An input expected to hold one document holds none.", "Give a file with a document."),
        ("several-documents", "An input expected to hold one document holds several.", "Use iter_documents."),
        (
            "parquet-unreadable",
            "A Parquet file cannot be read (not Parquet, cut short), a row group cannot (a damaged page: its rows "
            "alone, named), or a row's values do not decode (a string not UTF-8, a JSON field not JSON: that row's "
            "document alone).",
            "Re-create the file; the rows around a damaged row group or an undecodable row were read.",
        ),
        (
            "parquet-not-claimfmt",
            "A Parquet file is not in claimfmt's Arrow layout (no claimfmt.layout metadata, and other columns).",
            "Convert the table to the layout (docs/parquet.md), or read it with the tool that wrote it.",
        ),
        (
            "parquet-layout-unsupported",
            "A Parquet file declares a claimfmt Arrow layout version this claimfmt does not know (a newer one).",
            "Upgrade claimfmt.",
        ),
        (
            "parquet-schema-mismatch",
            "A Parquet file says it is claimfmt's layout, but a column is missing or of another type.",
            "Write it again with claimfmt convert --to parquet, or fix the column's type.",
        ),
    ),
    **_codes(
        "model",
        E,
        ("unknown-key", "A key the schema does not define.", "Remove it, or keep it under extensions."),
        ("missing-key", "A required key is missing.", "Add the key."),
        ("wrong-type", "A value has the wrong JSON type.", "Use the type the schema gives."),
        ("wrong-value", "A value is not allowed (not in the vocabulary).", "Use one of the listed values."),
    ),
    **_codes(
        "schema",
        E,
        ("schema-required", "A required key is missing.", "Add the key."),
        ("schema-additional-properties", "A key the schema does not define.", "Remove it, or move it to extensions."),
        ("schema-type", "A value has the wrong JSON type.", "Use the type the schema gives."),
        ("schema-enum", "A value is not in the vocabulary.", "Use one of the listed values."),
        ("schema-const", "The version key is not the one this schema describes.", "Declare the right version."),
        ("schema-format", "A date, date-time or URI is malformed.", "Write RFC 3339 dates and RFC 3986 URIs."),
        ("schema-pattern", "An id, language tag, hash or extension key has the wrong shape.", "See the pattern."),
        ("schema-minimum", "A number is below the minimum (a negative offset).", "Use a value in range."),
        ("schema-maximum", "A number is above the maximum (confidence over 1).", "Use a value in range."),
        ("schema-min-length", "A string that must not be empty is empty.", "Fill it in or leave the key out."),
        ("schema-max-length", "A string is too long (an id over 256 characters).", "Shorten it."),
        ("schema-dependent-required", "A span has start without end, or end without start.", "Give both or neither."),
        ("schema", "The schema validator found a problem it could not explain further.", "See the message."),
    ),
    **_codes(
        "semantic",
        E,
        (
            "duplicate-id",
            "Two sources or claims, or two verifications of one claim, share an id.",
            "Give each its own id.",
        ),
        (
            "unresolved-reference",
            "An id refers to no source, claim or (supersedes) verification of the claim.",
            "Fix the id, or add what it refers to.",
        ),
        ("anonymous-named", "A source marked anonymous has a name.", 'Set "name": null, or "anonymous": false.'),
        ("span-out-of-range", "A span's offsets fall outside the text, or end before start.", "Fix the offsets."),
        ("span-mismatch", "text[start:end] differs from the span's exact.", "Offsets count code points: fix them."),
        ("quote-not-found", "A span without offsets quotes text that is not in the article.", "Fix the quote."),
        ("prefix-mismatch", "The span's prefix is not the text just before it.", "Fix or drop the prefix."),
        ("suffix-mismatch", "The span's suffix is not the text just after it.", "Fix or drop the suffix."),
        ("text-hash-mismatch", "text_sha256 is not the SHA-256 of the text.", "Recompute it from the UTF-8 text."),
        ("verdict-out-of-range", "A verdict's value is not between worst and best.", "Fix the value or the scale."),
        ("self-relation", "A relation links a claim to itself.", "Remove the relation."),
        ("duplicate-relation", "The same relation appears twice.", "Remove the copy."),
        (
            "history-order",
            "A revision is dated before the assessment it supersedes (1.0: history is not in time order).",
            "Fix the dates, or what supersedes names.",
        ),
        (
            "supersedes-cycle",
            "Following supersedes from a verification comes back to it.",
            "A revision supersedes an earlier assessment, never itself or a later one.",
        ),
        (
            "duplicate-author",
            "More than one source is of kind author: the article has one voice of its own.",
            "Keep one author source; name co-authors in article.authors.",
        ),
    ),
    **_codes(
        "semantic",
        W,
        (
            "span-checks-skipped",
            "The article has no text, so span offsets and quotes were not checked.",
            "Ship the text, or check the spans where the text is.",
        ),
    ),
    **_codes(
        "conversion",
        E,
        (
            "not-convertible",
            "A record is not something the source format can hold (not an annotation, say).",
            "Check --from, or fix the record.",
        ),
        (
            "brat-bad-line",
            "A line of a brat .ann file that is not an annotation, or cannot be read.",
            "The line is skipped; fix it at the line given.",
        ),
        (
            "malformed-row",
            "A row of a tabular file has the wrong number of columns, or a field that cannot be read.",
            "The row is skipped; fix it at the line given.",
        ),
    ),
    **_codes(
        "conversion",
        W,
        (
            "unsupported-target",
            "A W3C annotation targets an image, an SVG region or a media fragment, not text.",
            "Nothing to do: it is kept verbatim under extensions and written back on export.",
        ),
        (
            "unsupported-annotation",
            "An annotation has nothing to make a claim of (no textual body, no quote).",
            "Nothing to do: it is kept verbatim under extensions and written back on export.",
        ),
        (
            "non-standard",
            "The input uses a construct outside the peer's standard (W3C Composite, List, Independents).",
            "Nothing to do: it was read; prefer the standard form when writing such files.",
        ),
        (
            "span-reanchored",
            "A span's quote was not at its offsets, so it was moved to the exact occurrence that fits best "
            "(its prefix and suffix, then the offsets given).",
            "Check the offset unit (--offset-unit); the message says where the span went.",
        ),
        (
            "span-fuzzy-anchored",
            "A span's quote is nowhere exactly, so it was moved to the stretch of text most like it "
            "(--anchoring fuzzy), and its quote became that text; the message gives the similarity.",
            "Check the span; raise --fuzzy-threshold to orphan such spans instead.",
        ),
        (
            "quote-not-anchored",
            "A span's quote is not in the text (or --anchoring strict forbids moving it); the span keeps its "
            "quote and loses its offsets, or, for a tool that needs offsets, keeps the tool's.",
            "Check that the text is the one the annotations were made on; try --anchoring fuzzy.",
        ),
        (
            "quote-ambiguous",
            "A span's quote is not at its offsets and occurs at several places that fit it equally well; it was "
            "not moved to any of them (it keeps its quote, or the tool's offsets).",
            "Give the span a prefix or suffix, or fix its offsets.",
        ),
        (
            "text-replaced",
            "claimfmt hydrate --accept-mismatch filled in a text whose SHA-256 is not the document's: the hash "
            "was replaced with the new text's and every span placed again by its quote.",
            "Check the spans the report says were moved or orphaned; the text is not the one annotated.",
        ),
        (
            "offset-unit-mismatch",
            "A peer's offsets fall inside a character in the unit expected (UTF-16, say): another unit was used.",
            "Pass --offset-unit with the unit the file counts in.",
        ),
        (
            "jsonl-pretty-printed",
            "A .jsonl file holds one JSON object over several lines (doccano's own example does).",
            "Read anyway; write one object per line.",
        ),
        (
            "unsupported-result",
            "A Label Studio result not on plain text (HTML/XPath, Paragraphs): it cannot become a span.",
            "Nothing to do: it is kept as it is and written back.",
        ),
        (
            "labelstudio-mismatch",
            "A Label Studio region whose value.text is not at its offsets, or that names another data key.",
            "Check the task's data and the labelling config.",
        ),
        (
            "span-unreadable",
            "A span of a generic JSONL record has no integer offsets and string label, or offsets off the text.",
            "Check the [fields] of the mapping, and --offset-unit.",
        ),
        (
            "brat-spaces",
            "A brat line separates its fields with spaces, not tabs (as brat requires).",
            "Read anyway; write tabs.",
        ),
        (
            "brat-no-final-newline",
            "A brat .ann file does not end with a newline.",
            "Read anyway; end the file with a newline.",
        ),
        ("brat-empty-file", "A brat .ann file is empty: a document with no annotations.", "Nothing to do if intended."),
        (
            "brat-text-mismatch",
            "The text a brat T line echoes is not the text at its offsets, and the quote is not elsewhere either.",
            "Check the offsets (and that the .txt is the right one); the offsets were kept.",
        ),
        (
            "unmapped-label",
            "Verdict labels no table of the scheme has; they map to other and stay verbatim in the verdict.",
            "Nothing to lose; to map them, add them to the scheme's table in converters/labels.py.",
        ),
        (
            "rating-disagrees",
            "A rating's number and its label point different ways (a 5 of 5 labelled False, say).",
            "Both are kept in the verdict; check the source.",
        ),
        (
            "record-invalid",
            "The claimfmt record a writer kept in a peer file (to restore what the peer cannot hold) is damaged "
            "or no longer fits: it was set aside.",
            "Nothing to do: the document is read from the peer's own annotations; what only the record held is lost.",
        ),
        (
            "record-stale",
            "The file was edited in the tool since claimfmt wrote it: a claim or source it kept fields for is gone, "
            "or a field the tool holds was changed there; the tool's edit wins over the kept fields.",
            "Check the named claim and field: what only the record held for that part (span context, say) is lost.",
        ),
        (
            "offset-unit-detected",
            "The peer's offsets matched the quotes only in another unit (UTF-16, say), which was used.",
            "Pass --offset-unit to say so explicitly.",
        ),
    ),
    **_codes(
        "agreement",
        E,
        (
            "no-group-key",
            "agree/merge: a document has nothing to group it into an article by (--group-by): no text or hash, no URL.",
            "Group by another key (--group-by id), or add the article's text, text_sha256 or URL.",
        ),
        (
            "text-mismatch",
            "agree/merge: documents grouped as one article are over different texts, so their offsets cannot be "
            "compared; the article is left out.",
            "Check the grouping key (--group-by text groups by the text itself), or re-anchor the annotations.",
        ),
    ),
    **_codes(
        "agreement",
        W,
        (
            "single-annotator",
            "agree/merge: only one annotator has this article; agree leaves it out, merge passes it through.",
            "Nothing to do if intended; check the grouping key otherwise.",
        ),
        (
            "duplicate-annotator",
            "agree/merge: one annotator has two documents of an article; the second is counted as NAME#2.",
            "Give each annotator one document per article, or name them in provenance.annotators.",
        ),
        (
            "no-claims",
            "agree: an annotator marked no claim in an article (counted: marking nothing is a judgement).",
            "Nothing to do if intended.",
        ),
        (
            "curator-missing",
            "merge --curator: the curator did not annotate this article, so it was merged by vote.",
            "Nothing to do if intended.",
        ),
        (
            "merge-tie",
            "merge: the annotators split evenly on a value; the first annotator's was taken (the report lists all).",
            "Decide it by hand, or give --curator, or another annotator.",
        ),
    ),
}


def severity_of(code: str) -> Severity:
    """The severity a code has (plugin codes not in the table are errors)."""
    known = CODES.get(code)
    return known.severity if known else Severity.ERROR
