"""Hydrating withheld text (``claimfmt hydrate``) and withholding it (``claimfmt strip``).

Corpora are often shared without their articles' text (licences): quotes, offsets,
``text_sha256`` and a URL. :func:`hydrate` fills ``article.text`` from texts the user
supplies, checks the hash, and places every span again by its quote with
:mod:`claimfmt.converters.anchoring`, since the text a user finds may differ from the
one annotated. :func:`strip` removes texts for redistribution and keeps hash and quotes.
Nothing is fetched: getting the texts is the user's job. A WARC file of the pages (as
``wget --warc-file`` or a crawler writes) is read with warcio, and the text of each page
is extracted with Resiliparse (the ``warc`` extra); pages are found by the article's URL.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import orjson

from claimfmt import jsontext
from claimfmt.converters.anchoring import Anchoring, Method, Placement
from claimfmt.converters.offsets import OffsetMap
from claimfmt.issues import ClaimfmtError, Issue, Severity
from claimfmt.validators.registry import walk_spans

__all__ = ["Hydrated", "Texts", "TextsError", "hydrate", "strip"]

FUZZY = Anchoring(method=Method.FUZZY)


class TextsError(ClaimfmtError):
    """The texts given cannot be read (a usage error)."""


class Texts(Mapping[str, str]):
    """Texts by document id, by SHA-256 or by URL.

    A folder of ``.txt`` files named by id or hash (read when asked for), a JSONL of
    ``{"id": ..., "text": ...}`` lines (``url`` too, optionally), or a WARC file
    (``.warc``, ``.warc.gz``) whose ``response`` and ``resource`` records are keyed by
    their target URI. HTML is reduced to its text by Resiliparse: the main content
    (``extract="main"``, the default) or all visible text (``"all"``); ``text/plain``
    records are taken as they are.
    """

    def __init__(self, path: str | os.PathLike[str], *, extract: str = "main") -> None:
        where = Path(path)
        self._files: dict[str, Path] = {}
        self._texts: dict[str, str] = {}
        if where.is_dir():
            self._files = {file.stem: file for file in sorted(where.rglob("*.txt"))}
        elif where.suffix in (".jsonl", ".ndjson"):
            with where.open("rb") as lines:
                for number, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        entry = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        raise TextsError(f"{where}:{number}: not JSON") from None
                    if not (isinstance(entry, dict) and isinstance(entry.get("text"), str)):
                        raise TextsError(f'{where}:{number}: a line is {{"id": ..., "text": ...}}')
                    text = entry["text"]
                    for key in ("id", "url"):
                        if isinstance(entry.get(key), str):
                            self._texts[entry[key]] = text
                    self._texts[_sha256(text)] = text
        elif where.name.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
            for url, text in _warc_texts(where, main_content=extract == "main"):
                self._texts.setdefault(url, text)
                self._texts.setdefault(_sha256(text), text)
        elif where.exists():
            raise TextsError(f"{where}: give a folder of .txt files, a JSONL of id and text, or a WARC file")
        else:
            raise TextsError(f"{where}: no such file or folder")

    def __getitem__(self, key: str) -> str:
        if key in self._texts:
            return self._texts[key]
        file = self._files[key]
        return file.read_bytes().decode("utf-8").replace("\r\n", "\n")

    def __iter__(self) -> Iterator[str]:
        yield from self._texts
        yield from self._files

    def __len__(self) -> int:
        return len(self._texts) + len(self._files)

    def __contains__(self, key: object) -> bool:
        return key in self._texts or key in self._files


@attrs.frozen(kw_only=True)
class Hydrated:
    """What :func:`hydrate` did to one document."""

    #: ``hydrated``, ``had-text``, ``no-text`` (none supplied) or ``hash-mismatch`` (left without text).
    status: str
    document: dict[str, Any]
    #: Spans by where they were placed: kept, exact, fuzzy, orphaned.
    spans: dict[str, int] = attrs.field(factory=dict)
    issues: tuple[Issue, ...] = ()


def _warc_texts(path: Path, *, main_content: bool) -> Iterator[tuple[str, str]]:
    """(target URI, text) of each page a WARC file holds, in file order."""
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise TextsError(f"{path}: reading WARC files needs the warc extra: pip install 'claimfmt[warc]'") from None
    try:
        with path.open("rb") as stream:
            head = stream.read(2)
            stream.seek(0)
            if head == b"\x1f\x8b":
                with gzip.open(stream) as unzipped:
                    first = unzipped.read(11)
            else:
                first = stream.read(11)
            stream.seek(0)
            if not first.startswith((b"WARC/", b"filedesc://")):
                # warcio reads any bytes as a record of some kind: say what is wrong instead.
                raise TextsError(f"{path}: not a WARC (or ARC) file: it does not begin with a WARC record")
            for record in ArchiveIterator(stream, arc2warc=True):
                if record.rec_type not in ("response", "resource"):
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and record.http_headers is not None:
                    status = record.http_headers.get_statuscode()
                    if status and not status.startswith("2"):
                        continue  # a redirect or an error page is not the article
                    kind = record.http_headers.get_header("Content-Type") or ""
                else:
                    kind = record.rec_headers.get_header("Content-Type") or ""
                body = record.content_stream().read()
                if not url or not body:
                    continue
                if kind.split(";")[0].strip().lower() == "text/plain":
                    text = bytes_to_str(body, detect_encoding(body) or "utf-8").replace("\r\n", "\n")
                elif "html" in kind.lower() or not kind:
                    text = extract_plain_text(
                        bytes_to_str(body, detect_encoding(body) or "utf-8"), main_content=main_content
                    )
                else:
                    continue  # images, scripts, style sheets
                yield url, text
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise TextsError(f"{path}: not a WARC file that can be read ({exc})") from None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hydrate(
    data: dict[str, Any], texts: Mapping[str, str], anchoring: Anchoring = FUZZY, *, accept_mismatch: bool = False
) -> Hydrated:
    """``data`` (a document's JSON; not modified) with its article text filled and its spans placed again.

    The text is looked up by the document's id, then its ``text_sha256``, then its article's
    URL. A text whose hash differs is not filled in (an error), unless ``accept_mismatch``:
    then it is, ``text_sha256`` becomes the new text's, a warning says so (``text-replaced``), and every span is
    placed again in the new text (the status is ``hydrated-mismatch``).
    """
    article = data.get("article") or {}
    if isinstance(article.get("text"), str):
        return Hydrated(status="had-text", document=data)
    digest = article.get("text_sha256")
    text = texts.get(str(data.get("id")))
    if text is None and isinstance(digest, str):
        text = texts.get(digest)
    if text is None and isinstance(article.get("url"), str):
        text = texts.get(article["url"])
    if text is None:
        return Hydrated(status="no-text", document=data)
    issues = []
    status = "hydrated"
    if isinstance(digest, str) and _sha256(text) != digest:
        message = f"the text supplied has SHA-256 {_sha256(text)}, not the document's {digest}"
        if not accept_mismatch:
            found = Issue(
                code="text-hash-mismatch",
                severity=Severity.ERROR,
                pointer="/article/text_sha256",
                message=f"{message}: not filled in",
            )
            return Hydrated(status="hash-mismatch", document=data, issues=(found,))
        issues.append(
            Issue(
                code="text-replaced",
                severity=Severity.WARNING,
                pointer="/article/text_sha256",
                message=f"{message}: filled in as asked (--accept-mismatch), the hash replaced, the spans placed again",
            )
        )
        status = "hydrated-mismatch"
    document = orjson.loads(jsontext.dumps(data))  # a copy to change
    document["article"]["text"] = text
    document["article"]["text_sha256"] = _sha256(text)
    offsets = OffsetMap(text)
    counts = dict.fromkeys(("kept", "exact", "fuzzy", "orphaned"), 0)
    for path, span in walk_spans(document):
        place = anchoring.place(
            offsets, span["exact"], start=span.get("start"), end=span.get("end"),
            prefix=span.get("prefix"), suffix=span.get("suffix"),
        )  # fmt: skip
        counts[place.placement.value] += 1
        if place.start is None or place.end is None:
            span.pop("start", None)
            span.pop("end", None)
        else:
            span["start"], span["end"] = place.start, place.end
            if place.placement is not Placement.KEPT:
                span["exact"] = text[place.start : place.end]
                for key, value in (("prefix", text[: place.start]), ("suffix", text[place.end :])):
                    if span.get(key):
                        width = len(span[key])
                        span[key] = value[-width:] if key == "prefix" else value[:width]
                        if not span[key]:
                            del span[key]
        if place.placement is not Placement.KEPT:
            code = {"exact": "span-reanchored", "fuzzy": "span-fuzzy-anchored"}.get(place.placement.value)
            if code is None:
                code = "quote-ambiguous" if place.candidates > 1 else "quote-not-anchored"
            pointer = "/" + "/".join(str(part) for part in path)
            issues.append(Issue(code=code, severity=Severity.WARNING, pointer=pointer, message=place.note))
    return Hydrated(status=status, document=document, spans=counts, issues=tuple(issues))


def strip(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (not modified) without its article text, keeping its SHA-256, the quotes and the offsets."""
    article = data.get("article") or {}
    text = article.get("text")
    if not isinstance(text, str):
        return data
    kept = {key: value for key, value in article.items() if key != "text"}
    kept["text_sha256"] = _sha256(text)
    return {**data, "article": kept}
