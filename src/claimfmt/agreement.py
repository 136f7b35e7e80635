"""Inter-annotator agreement on claims and attributions (``claimfmt agree``).

For each article annotated by two or more people (:func:`claimfmt.alignment.group_documents`),
every pair of annotators is compared:

- **spans** of each layer (claims, source mentions, cues, hedges, and attributions: a
  claim span with the same source), paired one to one exactly and by overlap
  (:mod:`claimfmt.alignment`), as precision, recall and F1 (the first of a pair, in
  name order, is the reference), micro-averaged over pairs and articles, and
  macro-averaged over layers;
- **attributions** paired by their claim span (the same source preferred where a claim
  has several), then the share of pairs that agree on source, cue, stance,
  commitment, mode and via chain;
- **categories** (stance, commitment, mode, verification state, hedge kind) over units,
  the items joined across annotators: Krippendorff's alpha (nominal, with the
  ``krippendorff`` library; per label, one label against the rest), Fleiss' kappa
  over units every annotator of their article coded when that number is the same
  everywhere, Cohen's kappa per annotator pair (overall: their mean, Light's kappa),
  and the observed agreement;
- the items each annotator marked that no other did.

A coefficient that is undefined (one value only, no unit coded twice) is None.
Collecting is kept apart from formatting: :func:`agree` returns an
:class:`AgreementReport`; :func:`format_text`, :func:`to_json` and :func:`to_csv` render it.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import krippendorff
import numpy as np

from claimfmt.alignment import (
    LAYERS,
    Group,
    Item,
    attribution_of,
    clusters,
    items,
    match,
    overlap,
    same_source,
)
from claimfmt.issues import Issue, Severity
from claimfmt.model import Document, Span

__all__ = [
    "CATEGORIES",
    "FIELDS",
    "REPORT_VERSION",
    "AgreementReport",
    "Scores",
    "agree",
    "cohen_kappa",
    "fleiss_kappa",
    "format_text",
    "krippendorff_alpha",
    "to_csv",
    "to_json",
]

#: The version of :func:`to_json`'s layout, and its schema (shipped as ``schema/agreement-report-1.0.schema.json``).
REPORT_VERSION = "1.0"
REPORT_SCHEMA = "https://claimfmt.org/schema/agreement-report-1.0.schema.json"
MODES = ("exact", "overlap")
#: Attribution fields compared on paired attributions.
FIELDS = ("source", "cue", "stance", "commitment", "mode", "via")
#: Categorical fields the coefficients are computed for, and the layer whose units they are read on.
CATEGORIES = {"stance": "attribution", "commitment": "attribution", "mode": "attribution"}
CATEGORIES |= {"state": "claim", "hedge-kind": "hedge"}


@attrs.frozen(kw_only=True)
class SpanScore:
    """Pairs matched between a reference and a candidate annotator, and the items each marked."""

    matched: int = 0
    reference: int = 0
    candidate: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.candidate if self.candidate else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        both = self.reference + self.candidate
        return 2 * self.matched / both if both else None

    def __add__(self, other: SpanScore) -> SpanScore:
        return SpanScore(
            matched=self.matched + other.matched,
            reference=self.reference + other.reference,
            candidate=self.candidate + other.candidate,
        )


@attrs.frozen(kw_only=True)
class CategoryScore:
    """The coefficients for one categorical field over its units."""

    units: int
    values: int
    alpha: float | None
    fleiss_kappa: float | None
    cohen_kappa: float | None
    agreement: float | None
    labels: dict[str, tuple[int, float | None]] = attrs.field(factory=dict)  # label -> (count, alpha)


@attrs.frozen(kw_only=True)
class Scores:
    """Everything measured over one scope: the whole corpus, one article, or one annotator pair."""

    spans: dict[str, dict[str, SpanScore]]
    marked: dict[str, int]  # layer -> items the annotators marked, each counted once
    fields: dict[str, tuple[int, int]]  # field -> (pairs agreeing, attribution pairs)
    categories: dict[str, CategoryScore]

    def macro_f1(self, mode: str) -> float | None:
        """The mean over layers of their F1, counting only the layers someone marked."""
        values = [s[mode].f1 for s in self.spans.values() if s[mode].f1 is not None]
        return sum(values) / len(values) if values else None  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class AgreementReport:
    """What :func:`agree` measured: overall, per article, per annotator pair, and what was left out."""

    group_by: str
    articles: tuple[str, ...]
    single: tuple[str, ...]
    annotators: tuple[str, ...]
    overall: Scores
    unique: dict[str, dict[str, int]]
    documents: tuple[tuple[str, tuple[str, ...], Scores], ...]
    pairs: tuple[tuple[str, str, int, Scores], ...]
    issues: tuple[Issue, ...] = ()


# --- coefficients -----------------------------------------------------------------------------------


def krippendorff_alpha(units: Sequence[Counter[str]]) -> float | None:
    """Nominal alpha over units, each the count of every value its coders gave; None where undefined."""
    domain = sorted({value for unit in units for value in unit})
    return _alpha(_matrix(units, domain))


def _matrix(units: Sequence[Counter[str]], domain: Sequence[str]) -> Any:
    """Units x values counts, as the krippendorff library takes them."""
    return np.array([[unit[value] for value in domain] for unit in units], dtype=float).reshape(len(units), len(domain))


def _alpha(counts: Any) -> float | None:
    """Nominal alpha of a units x values matrix of counts; None where undefined."""
    counts = counts[counts.sum(axis=1) >= 2]
    if counts.shape[1] < 2 or not len(counts):
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        value = float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))
    return None if math.isnan(value) else value


# Kappas are a few lines each; statsmodels, the library that has them, would bring scipy,
# pandas and patsy along for them. tests/test_agree.py checks these against published examples.
def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa for two coders over the units both coded; None where undefined (chance agreement is 1)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    first, second = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(first[v] * second[v] for v in first) / (n * n)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def fleiss_kappa(units: Sequence[Counter[str]]) -> float | None:
    """Fleiss' kappa over units that all have the same number (two or more) of ratings; None otherwise."""
    if not units:
        return None
    raters = {sum(unit.values()) for unit in units}
    if len(raters) != 1 or (n := raters.pop()) < 2:
        return None
    total = Counter[str]()
    for unit in units:
        total.update(unit)
    observed = sum((sum(c * c for c in unit.values()) - n) / (n * (n - 1)) for unit in units) / len(units)
    expected = sum((count / (len(units) * n)) ** 2 for count in total.values())
    return None if expected == 1 else (observed - expected) / (1 - expected)


def _observed(units: Sequence[Counter[str]]) -> float | None:
    """Pairwise observed agreement: the share of coder pairs within units that gave the same value."""
    agreeing = pairs = 0
    for unit in units:
        m = sum(unit.values())
        pairs += m * (m - 1)
        agreeing += sum(c * (c - 1) for c in unit.values())
    return agreeing / pairs if pairs else None


# --- collecting -------------------------------------------------------------------------------------


@attrs.define
class _Tally:
    spans: dict[tuple[str, str], SpanScore] = attrs.field(factory=dict)
    marked: Counter[str] = attrs.field(factory=Counter)
    fields: Counter[tuple[str, bool]] = attrs.field(factory=Counter)
    units: dict[str, list[Counter[str]]] = attrs.field(factory=lambda: defaultdict(list))
    complete: dict[str, list[Counter[str]]] = attrs.field(factory=lambda: defaultdict(list))
    coded: dict[str, dict[tuple[str, str], list[tuple[str, str]]]] = attrs.field(
        factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def add_spans(self, layer: str, mode: str, score: SpanScore) -> None:
        self.spans[layer, mode] = self.spans.get((layer, mode), SpanScore()) + score

    def scores(self) -> Scores:
        spans = {layer: {mode: self.spans.get((layer, mode), SpanScore()) for mode in MODES} for layer in LAYERS}
        fields = {f: (self.fields[f, True], self.fields[f, True] + self.fields[f, False]) for f in FIELDS}
        categories = {}
        for name in CATEGORIES:
            units = self.units.get(name, [])
            kappas = [k for pairs in self.coded.get(name, {}).values() if (k := cohen_kappa(pairs)) is not None]
            domain = sorted({v for unit in units for v in unit})
            counts = _matrix(units, domain)
            coders = counts.sum(axis=1)
            labels = {}
            for column, label in enumerate(domain):
                # One label against the rest: a two-value matrix from the same counts.
                mine = counts[:, column]
                labels[label] = (int(mine.sum()), _alpha(np.column_stack((mine, coders - mine))))
            categories[name] = CategoryScore(
                units=int((coders >= 2).sum()),
                values=int(coders.sum()),
                alpha=_alpha(counts),
                fleiss_kappa=fleiss_kappa(self.complete.get(name, [])),
                cohen_kappa=sum(kappas) / len(kappas) if kappas else None,
                agreement=_observed(units),
                labels=labels,
            )
        marked = {layer: self.marked[layer] for layer in LAYERS}
        return Scores(spans=spans, marked=marked, fields=fields, categories=categories)


def _value(name: str, item: Item) -> str | None:
    if name == "state":
        return str(item.ref.state().value)
    if name == "hedge-kind":
        return str(item.ref.kind.value)
    _, attribution = attribution_of(item)
    value = getattr(attribution, name)
    return None if value is None else str(value.value)


def _agrees(field: str, x: Item, dx: Document, y: Item, dy: Document) -> bool:
    (_, a), (_, b) = attribution_of(x), attribution_of(y)
    if field == "source":
        return same_source(dx, a.source, dy, b.source)
    if field == "cue":
        return _same_span(a.cue, b.cue)
    if field == "via":
        left, right = a.via or (), b.via or ()
        return len(left) == len(right) and all(
            same_source(dx, p.source, dy, q.source) for p, q in zip(left, right, strict=True)
        )
    return bool(getattr(a, field) == getattr(b, field))


def _same_span(a: Span | None, b: Span | None) -> bool:
    if a is None or b is None:
        return a is b
    return overlap(a, b)


def _pairs(group: Group, layers: dict[str, list[list[Item]]], i: int, j: int, exact: bool) -> dict[str, list[Any]]:
    """One annotator pair's matches, per layer; attributions prefer the same source, then take any."""
    found: dict[str, list[Any]] = {}
    a, b = group.annotations[i].document, group.annotations[j].document
    for layer in LAYERS:
        left, right = layers[layer][i], layers[layer][j]
        if layer != "attribution":
            found[layer] = match(left, right, exact=exact)
            continue

        def same(x: Item, y: Item) -> bool:
            return same_source(a, attribution_of(x)[1].source, b, attribution_of(y)[1].source)

        sourced = match(left, right, exact=exact, also=same)
        taken = {id(x) for pair in sourced for x in pair}
        rest = match([x for x in left if id(x) not in taken], [y for y in right if id(y) not in taken], exact=exact)
        found[layer], found["attribution-any"] = sourced, sourced + rest
    return found


def _measure(
    group: Group, tallies: Sequence[_Tally], pair_tally: Callable[[str, str], _Tally]
) -> dict[str, Counter[str]]:
    """Adds one article to ``tallies`` (and each pair's own); returns the items only one annotator marked."""
    layers = {layer: [items(a.document, layer, n) for n, a in enumerate(group.annotations)] for layer in LAYERS}
    names = group.annotators
    for tally in tallies:
        for layer in LAYERS:
            tally.marked[layer] += sum(map(len, layers[layer]))
    overlap_pairs: dict[str, list[tuple[Item, Item]]] = defaultdict(list)
    for i, j in itertools.combinations(range(len(names)), 2):
        if names[j] < names[i]:
            i, j = j, i
        pair = pair_tally(names[i], names[j])
        targets = [*tallies, pair]
        for mode in MODES:
            found = _pairs(group, layers, i, j, exact=mode == "exact")
            for layer in LAYERS:
                score = SpanScore(
                    matched=len(found[layer]), reference=len(layers[layer][i]), candidate=len(layers[layer][j])
                )
                for tally in targets:
                    tally.add_spans(layer, mode, score)
            if mode == "exact":
                continue
            overlap_pairs["attribution"].extend(found["attribution-any"])
            for layer in ("claim", "hedge", "source", "cue"):
                overlap_pairs[layer].extend(found[layer])
            da, db = group.annotations[i].document, group.annotations[j].document
            for x, y in found["attribution-any"]:
                for field in FIELDS:
                    agrees = _agrees(field, x, da, y, db)
                    for tally in targets:
                        tally.fields[field, agrees] += 1
            for name, layer in CATEGORIES.items():
                pairs = [
                    (u, v)
                    for x, y in found[layer if layer != "attribution" else "attribution-any"]
                    if (u := _value(name, x)) is not None and (v := _value(name, y)) is not None
                ]
                for tally in targets:
                    tally.coded[name][names[i], names[j]].extend(pairs)
    unique: dict[str, Counter[str]] = defaultdict(Counter)
    for layer in LAYERS:
        if layer == "attribution":
            continue
        for unit in clusters(layers[layer], overlap_pairs[layer]):
            if len({item.owner for item in unit}) == 1:
                unique[names[unit[0].owner]][layer] += len(unit)
    units_of = {layer: clusters(layers[layer], overlap_pairs[layer]) for layer in set(CATEGORIES.values())}
    for name, layer in CATEGORIES.items():
        for unit in units_of[layer]:
            values = Counter(v for item in unit if (v := _value(name, item)) is not None)
            if not values:
                continue
            for tally in tallies:
                tally.units[name].append(values)
                if sum(values.values()) == len(names):
                    tally.complete[name].append(values)
    return unique


def agree(
    groups: Iterable[Group], *, group_by: str = "text", issues: Iterable[Issue] = (), by_document: bool = False
) -> AgreementReport:
    """Agreement over every article of ``groups`` that two or more annotators marked.

    An article with one annotator is left out with a ``single-annotator`` warning, a
    document with no claims is measured (marking nothing is a judgement) and warned
    of (``no-claims``). ``issues`` (from grouping, say) are carried into the report.
    Each article's own figures are computed with ``by_document`` (pairs' always are).
    """
    found = list(issues)
    overall = _Tally()
    pairs: dict[tuple[str, str], _Tally] = {}
    pair_articles: Counter[tuple[str, str]] = Counter()
    documents = []
    articles: list[str] = []
    single = []
    unique: dict[str, Counter[str]] = defaultdict(Counter)
    everyone: dict[str, None] = {}

    def pair_tally(a: str, b: str) -> _Tally:
        pair_articles[a, b] += 1
        return pairs.setdefault((a, b), _Tally())

    for group in groups:
        for annotation in group.annotations:
            if not annotation.document.claims:
                found.append(
                    Issue(
                        code="no-claims",
                        severity=Severity.WARNING,
                        message=f"{annotation.annotator} marked no claim in {group.id!r}",
                        pointer="/claims",
                        file=annotation.file,
                    )
                )
        if len(group.annotations) < 2:
            single.append(group.id)
            found.append(
                Issue(
                    code="single-annotator",
                    severity=Severity.WARNING,
                    message=f"only {group.annotators[0]} annotated {group.id!r}; nothing to compare it with",
                    file=group.annotations[0].file,
                )
            )
            continue
        for name in group.annotators:
            everyone.setdefault(name)
        own = _Tally()
        for name, counts in _measure(group, (overall, own) if by_document else (overall,), pair_tally).items():
            unique[name].update(counts)
        articles.append(group.id)
        if by_document:
            documents.append((group.id, group.annotators, own.scores()))
    return AgreementReport(
        group_by=group_by,
        articles=tuple(articles),
        single=tuple(single),
        annotators=tuple(everyone),
        overall=overall.scores(),
        unique={name: {layer: unique[name][layer] for layer in LAYERS if layer != "attribution"} for name in everyone},
        documents=tuple(documents),
        pairs=tuple((a, b, pair_articles[a, b], t.scores()) for (a, b), t in sorted(pairs.items())),
        issues=tuple(found),
    )


# --- rendering --------------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _scores_json(scores: Scores, *, pairwise: bool) -> dict[str, Any]:
    spans: dict[str, dict[str, Any]] = {}
    for layer, modes in scores.spans.items():
        spans[layer] = {} if pairwise else {"items": scores.marked[layer]}
        spans[layer] |= {
            mode: {
                "matched": s.matched,
                "compared": s.reference + s.candidate,
                **({"items": [s.reference, s.candidate]} if pairwise else {}),
                **({"precision": _round(s.precision), "recall": _round(s.recall)} if pairwise else {}),
                "f1": _round(s.f1),
            }
            for mode, s in modes.items()
        }
    categories = {}
    for name, c in scores.categories.items():
        entry: dict[str, Any] = {
            "units": c.units,
            "values": c.values,
            "agreement": _round(c.agreement),
            "cohen_kappa": _round(c.cohen_kappa),
        }
        if not pairwise:
            entry |= {
                "alpha": _round(c.alpha),
                "fleiss_kappa": _round(c.fleiss_kappa),
                "labels": {label: {"count": n, "alpha": _round(a)} for label, (n, a) in c.labels.items()},
            }
        categories[name] = entry
    return {
        "spans": spans,
        "macro_f1": {mode: _round(scores.macro_f1(mode)) for mode in MODES},
        "attributions": {
            field: {"agreeing": agreeing, "pairs": total, "agreement": _round(agreeing / total if total else None)}
            for field, (agreeing, total) in scores.fields.items()
        },
        "categories": categories,
    }


def to_json(report: AgreementReport, *, documents: bool = False, pairs: bool = False) -> dict[str, Any]:
    """The report as plain JSON, versioned; per-article and per-pair breakdowns where asked for."""
    out: dict[str, Any] = {
        "$schema": REPORT_SCHEMA,
        "report_version": REPORT_VERSION,
        "group_by": report.group_by,
        "articles": len(report.articles),
        "single_annotator": list(report.single),
        "annotators": list(report.annotators),
        "overall": _scores_json(report.overall, pairwise=False),
        "unique": report.unique,
    }
    if documents:
        out["documents"] = [
            {"id": i, "annotators": list(names), **_scores_json(s, pairwise=False)} for i, names, s in report.documents
        ]
    if pairs:
        out["pairs"] = [
            {"a": a, "b": b, "articles": n, **_scores_json(s, pairwise=True)} for a, b, n, s in report.pairs
        ]
    out["issues"] = [issue.to_json() for issue in report.issues]
    return out


def _cell(value: float | None, width: int = 8) -> str:
    return f"{'-' if value is None else f'{value:.3f}':>{width}}"


def format_text(report: AgreementReport, *, documents: bool = False, pairs: bool = False) -> str:
    """A readable account: span F1 per layer, attribution fields, coefficients, what one annotator alone marked."""
    lines = [
        f"agreement over {len(report.articles)} article(s) with two or more annotators "
        f"({len(report.annotators)} annotators; grouped by {report.group_by})"
    ]
    if report.single:
        lines.append(f"left out: {len(report.single)} article(s) with one annotator")
    if not report.articles:
        return "\n".join(lines)
    lines += _scores_text(report.overall)
    lines += ["", "marked by one annotator only"]
    lines.append(f"  {'annotator':<24}" + "".join(f"{layer:>8}" for layer in LAYERS if layer != "attribution"))
    for name, counts in report.unique.items():
        lines.append(f"  {name[:24]:<24}" + "".join(f"{n:>8}" for n in counts.values()))
    if documents:
        for identifier, names, scores in report.documents:
            lines += ["", f"article {identifier} ({', '.join(names)})", *_scores_text(scores)]
    if pairs:
        for a, b, n, scores in report.pairs:
            lines += ["", f"pair {a} (reference) / {b}: {n} article(s)"]
            lines.append(f"  {'spans':<14}{'P':>8}{'R':>8}{'F1':>8}   overlap{'P':>8}{'R':>8}{'F1':>8}")
            for layer, modes in scores.spans.items():
                e, o = modes["exact"], modes["overlap"]
                lines.append(
                    f"  {layer:<14}{_cell(e.precision)}{_cell(e.recall)}{_cell(e.f1)}          "
                    f"{_cell(o.precision)}{_cell(o.recall)}{_cell(o.f1)}"
                )
            kappas = "  ".join(f"{name} {_cell(c.cohen_kappa, 0)}" for name, c in scores.categories.items())
            lines.append(f"  Cohen's kappa: {kappas}")
    return "\n".join(lines)


def _scores_text(scores: Scores) -> list[str]:
    lines = ["", f"  {'spans':<14}{'items':>7}{'exact F1':>10}{'overlap F1':>12}"]
    for layer, modes in scores.spans.items():
        e, o = modes["exact"], modes["overlap"]
        lines.append(f"  {layer:<14}{scores.marked[layer]:>7}{_cell(e.f1, 10)}{_cell(o.f1, 12)}")
    lines.append(f"  {'macro':<14}{'':>7}{_cell(scores.macro_f1('exact'), 10)}{_cell(scores.macro_f1('overlap'), 12)}")
    total = scores.fields["source"][1]
    lines += ["", f"  attributions paired by claim span: {total}"]
    if total:
        lines.append("  " + "  ".join(f"{f} {agreeing / n:.3f}" for f, (agreeing, n) in scores.fields.items() if n))
    lines += ["", f"  {'categories':<14}{'units':>7}{'alpha':>8}{'Fleiss':>8}{'Cohen':>8}{'agreed':>8}"]
    for name, c in scores.categories.items():
        lines.append(
            f"  {name:<14}{c.units:>7}{_cell(c.alpha)}{_cell(c.fleiss_kappa)}{_cell(c.cohen_kappa)}{_cell(c.agreement)}"
        )
    return lines


CSV_COLUMNS = ("scope", "article", "annotator_a", "annotator_b", "measure", "label", "match", "value", "n")


def to_csv(report: AgreementReport, *, documents: bool = False, pairs: bool = False) -> str:
    """The report as CSV, one measure per row (long form, for spreadsheets and dataframes).

    As RFC 4180 has it, lines end in CRLF: the csv module then quotes a field holding a lone
    carriage return (an article id, say), which with lines ending in LF it would leave bare.
    """
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(CSV_COLUMNS)
    scopes: list[tuple[str, str, str, str, Scores]] = [("overall", "", "", "", report.overall)]
    if documents:
        scopes += [("article", identifier, "", "", s) for identifier, _, s in report.documents]
    if pairs:
        scopes += [("pair", "", a, b, s) for a, b, _, s in report.pairs]
    for scope, article, a, b, scores in scopes:
        head = (scope, article, a, b)
        for layer, modes in scores.spans.items():
            for mode, s in modes.items():
                for measure in ("precision", "recall", "f1") if scope == "pair" else ("f1",):
                    out.writerow((*head, measure, layer, mode, _csv(getattr(s, measure)), s.reference + s.candidate))
        for field, (agreeing, total) in scores.fields.items():
            out.writerow(
                (*head, "attribution-agreement", field, "overlap", _csv(agreeing / total if total else None), total)
            )
        for name, c in scores.categories.items():
            for measure in ("alpha", "fleiss_kappa", "cohen_kappa", "agreement"):
                out.writerow((*head, measure, name, "", _csv(getattr(c, measure)), c.units))
    if report.unique:
        for name, counts in report.unique.items():
            for layer, n in counts.items():
                out.writerow(("overall", "", name, "", "unique-items", layer, "overlap", n, n))
    return buffer.getvalue()


def _csv(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"
