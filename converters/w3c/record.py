"""The W3C writer's two modes: public by default, and with ``--record`` a claimfmt record beside the annotations.

W3C annotations go to public annotation servers, so by default the writer
withholds what :func:`~claimfmt.converters.publishing.withheld` names (the article's
text, what names an anonymous source) and counts it as dropped. With ``--record``
it writes the same annotations and adds a claimfmt record (``converters/remainder.py``)
under the ``claimfmtRecord`` term: each claim's fragment on the claim's own
annotation, the rest on the collection (or page). The record gives back exactly
what the public annotations do not, and a reader applies it to the annotations as
they come back, edited or not.
"""

from __future__ import annotations

from claimfmt.converters import remainder
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.publishing import withheld
from claimfmt.converters.w3c.reader import read
from claimfmt.converters.w3c.terms import ANNO_CONTEXT, CLAIMFMT_CONTEXT, JSON, RECORD_TERM
from claimfmt.converters.w3c.writer import _bare, _Writer
from claimfmt.model import Document
from claimfmt.reading import Record

__all__ = ["write"]


def write(document: Document, options: Options, report: LossReport, *, stream: bool = False) -> list[JSON]:
    """The W3C JSON values of ``document``: public, or with ``options.record`` carrying the claimfmt record.

    With ``stream``, a public collection of many claims may be a :class:`~claimfmt.writing.Streamed` value,
    for a writer to write an annotation at a time.
    """
    text = document.article.text
    if not options.record:
        return _Writer(withheld(document, report), options, report, text=text, stream=stream).values()
    public = withheld(document, None)
    bare = _bare(document)
    while True:
        # What the record keeps is known once the public annotations are read back as a reader would.
        writer = _Writer(public, options, LossReport(source="claimfmt", target="w3c"), bare=bare, text=text)
        values = writer.values()
        records = (Record(file="<w3c>", index=i, data=value) for i, value in enumerate(values))
        (rebuilt,) = [found.document for found in read(records, options, LossReport(source="w3c", target="claimfmt"))]
        kept = remainder.keep(document, rebuilt)
        if kept is None:
            return values
        if writer.shape != "annotation" or set(kept) <= {"v", "claims"}:
            break
        bare = False  # bare annotations have no container to carry the document's part
    report.recorded.update(remainder.fields(kept))
    fragments = kept.pop("claims", {})
    annotations = {}
    if len(rebuilt.claims) == len(writer.annotations):  # else each fragment stays on the container
        annotations = {claim.id: item for claim, item in zip(rebuilt.claims, writer.annotations, strict=True)}
    for key in list(fragments):
        annotation = annotations.get(key)
        if annotation is not None:
            annotation[RECORD_TERM] = fragments.pop(key)
            if "@context" in annotation:  # a bare annotation: the term is ours
                annotation["@context"] = [ANNO_CONTEXT, CLAIMFMT_CONTEXT]
    if fragments:
        kept["claims"] = fragments
    if writer.shape != "annotation":
        values[0][RECORD_TERM] = kept
    return values
