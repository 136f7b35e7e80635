"""Adjudication: one consensus document per article from several annotators (``claimfmt merge``).

Claims are joined across annotators by their spans (:mod:`claimfmt.alignment`'s overlap
rule), and a claim is kept when at least ``min_agree`` annotators marked it (default: a
majority of the article's annotators). Within a kept claim, attributions are joined
by source (then by order), and kept by the same rule; sources that are the same speaker
(:func:`claimfmt.alignment.same_source`) become one. Every field the members give
different values for is decided by majority, the first annotator's value winning a
tie, and each such decision is a :class:`Conflict` (``tie`` where the vote was even)
with the pointer into the merged document and every annotator's value.

With ``curator``, that annotator's document is the base: everything in it is kept as
it is, and what the others agree on (at least ``min_agree`` of them) and it lacks is
added. Every kept claim, attribution, source and relation names who marked it under
the extension ``org.claimfmt.merge:annotators``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs
import orjson

from claimfmt import jsontext
from claimfmt.alignment import Group, clusters, items, match, same_source
from claimfmt.issues import Issue, Severity
from claimfmt.model import (
    Annotator,
    AnnotatorKind,
    Article,
    Attribution,
    Claim,
    Document,
    Provenance,
    Relation,
    Source,
    SourceKind,
)
from claimfmt.structuring import structure, unstructure

__all__ = ["ANNOTATORS", "Conflict", "MergeResult", "merge"]

#: The extension that names, on each kept item, the annotators who marked it.
ANNOTATORS = "org.claimfmt.merge:annotators"
#: The document extension that says how it was merged.
SETTINGS = "org.claimfmt.merge:settings"
_VOTED_CLAIM = ("spans", "text", "date", "verifications", "confidence", "extensions")
_VOTED_ATTRIBUTION = ("stance", "commitment", "mode", "cue", "content", "via", "channel", "hedges", "extensions")


@attrs.frozen(kw_only=True)
class Conflict:
    """A field the annotators gave different values for, and the value the vote chose."""

    document: str
    pointer: str
    values: dict[str, Any]
    chosen: Any
    tie: bool
    #: The file of the article's first annotator, to place the conflict for the reader.
    file: str | None = None


@attrs.frozen(kw_only=True)
class MergeResult:
    """The merged documents, every conflict, and how many items were kept and dropped per kind."""

    documents: tuple[Document, ...]
    conflicts: tuple[Conflict, ...]
    kept: dict[str, int]
    dropped: dict[str, int]
    issues: tuple[Issue, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The merge report as plain JSON (the documents themselves are written apart)."""
        return {
            "claimfmt-merge": 1,
            "documents": [d.id for d in self.documents],
            "kept": self.kept,
            "dropped": self.dropped,
            "conflicts": [attrs.asdict(c) for c in self.conflicts],
            "ties": sum(c.tie for c in self.conflicts),
            "issues": [i.to_json() for i in self.issues],
        }


def merge(
    groups: Iterable[Group],
    *,
    min_agree: int | None = None,
    curator: str | None = None,
    issues: Iterable[Issue] = (),
) -> MergeResult:
    """One consensus document per group (see the module); ``issues`` are carried into the result.

    A group without the curator is merged by vote, with a ``curator-missing`` warning.
    """
    found = list(issues)
    documents, conflicts = [], []
    kept: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for group in groups:
        base = group.annotators.index(curator) if curator in group.annotators else None
        if curator is not None and base is None:
            found.append(
                Issue(
                    code="curator-missing",
                    severity=Severity.WARNING,
                    message=f"{curator} did not annotate {group.id!r}; merged by vote instead",
                    file=group.annotations[0].file,
                )
            )
        if len(group.annotations) < 2:
            found.append(
                Issue(
                    code="single-annotator",
                    severity=Severity.WARNING,
                    message=f"only {group.annotators[0]} annotated {group.id!r}; their document is the merge",
                    file=group.annotations[0].file,
                )
            )
        threshold = min_agree if min_agree is not None else len(group.annotations) // 2 + 1
        merger = _Merger(group, threshold, base)
        documents.append(merger.document())
        conflicts += merger.conflicts
        kept.update(merger.kept)
        dropped.update(merger.dropped)
    for conflict in conflicts:
        if conflict.tie:
            found.append(
                Issue(
                    code="merge-tie",
                    severity=Severity.WARNING,
                    message=f"merged {conflict.document!r}: the annotators split evenly here; the first one's "
                    f"value was taken",
                    pointer=conflict.pointer,
                    file=conflict.file,
                )
            )
    return MergeResult(
        documents=tuple(documents),
        conflicts=tuple(conflicts),
        kept={k: kept[k] for k in ("claims", "attributions", "sources", "relations")},
        dropped={k: dropped[k] for k in ("claims", "attributions", "relations")},
        issues=tuple(found),
    )


def _canonical(value: Any) -> bytes:
    return jsontext.dumps(value, orjson.OPT_SORT_KEYS)


class _Union:
    """Union-find over hashable keys, keeping the first key met as the root's name."""

    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}

    def add(self, key: Hashable) -> None:
        self.parent.setdefault(key, key)

    def root(self, key: Hashable) -> Hashable:
        self.add(key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[rb] = ra


class _Merger:
    """One group's merge: claim and attribution units, source unions, votes, conflicts."""

    def __init__(self, group: Group, threshold: int, base: int | None) -> None:
        self.group = group
        self.docs = [a.document for a in group.annotations]
        self.names = group.annotators
        self.threshold = threshold
        self.base = base
        self.conflicts: list[Conflict] = []
        self.kept: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.sources = _Union()
        self.referenced: set[tuple[int, str]] = set()

    def _keep(self, owners: Iterable[int]) -> bool:
        owners = set(owners)
        return (self.base is not None and self.base in owners) or len(owners) >= self.threshold

    def vote(self, values: Mapping[int, Any], pointer: str) -> Any:
        """The curator's value where it has one, else the majority's (the first annotator's on a tie)."""
        if self.base is not None and self.base in values:
            return values[self.base]
        counts = Counter(_canonical(v) for v in values.values())
        if len(counts) <= 1:
            return next(iter(values.values()))
        top = max(counts.values())
        chosen = next(v for v in values.values() if counts[_canonical(v)] == top)
        self.conflicts.append(
            Conflict(
                document=self.group.id,
                file=self.group.annotations[0].file,
                pointer=pointer,
                values={self.names[o]: v for o, v in values.items()},
                chosen=chosen,
                tie=sum(c == top for c in counts.values()) > 1,
            )
        )
        return chosen

    def document(self) -> Document:
        n = len(self.docs)
        layers = [items(d, "claim", i) for i, d in enumerate(self.docs)]
        pairs = [p for i, j in itertools.combinations(range(n), 2) for p in match(layers[i], layers[j], exact=False)]
        planned: list[tuple[dict[int, Claim], list[dict[int, Attribution]]]] = []
        claim_unit: dict[tuple[int, str], int] = {}
        # The curator's claims come first, in its order; then what it lacks.
        first = [self.base] if self.base is not None else []
        for unit in clusters([layers[o] for o in first + [o for o in range(n) if o != self.base]], pairs):
            members: dict[int, Claim] = {}
            for item in unit:
                members.setdefault(item.owner, item.ref)
            if not self._keep(members):
                self.dropped["claims"] += 1
                continue
            for owner, claim in members.items():
                claim_unit[owner, claim.id] = len(planned)
            planned.append((dict(sorted(members.items())), self._attribution_units(members)))
        # The article speaks with one voice of its own (duplicate-author): every annotator's author is that source,
        # though claims paired otherwise (or not at all) never named it in the same attribution.
        authors = sorted(
            (owner, source.id)
            for owner, document in enumerate(self.docs)
            for source in document.sources
            if source.kind is SourceKind.AUTHOR and (owner, source.id) in self.referenced
        )
        for key in authors[1:]:
            self.sources.join(authors[0], key)
        used: set[str] = set()  # sources and claims share one id space
        source_ids = self._source_ids(used)
        claims = []
        for c, (members, units) in enumerate(planned):
            claims.append(self._claim(c, members, units, source_ids, used))
        self.kept["claims"] += len(claims)
        relations = self._relations(claim_unit, claims)
        return Document(
            claimfmt="1.1",
            id=self.group.id,
            article=structure(
                self.vote({o: unstructure(d.article) for o, d in enumerate(self.docs)}, "/article"),
                Article,
            ),
            sources=tuple(self._sources(source_ids)),
            claims=tuple(claims),
            relations=tuple(relations) if relations or any(d.relations is not None for d in self.docs) else None,
            provenance=self._provenance(),
            extensions=self._extensions({o: d.extensions for o, d in enumerate(self.docs)}, "/extensions", None),
        )

    def _attribution_units(self, members: Mapping[int, Claim]) -> list[dict[int, Attribution]]:
        """The member claims' attributions joined across annotators (same source first, then in order), kept ones."""
        union = _Union()
        keys = [(o, a) for o, claim in members.items() for a in range(len(claim.attributions))]
        for key in keys:
            union.add(key)
        owners = list(members)
        for i, j in itertools.combinations(owners, 2):
            left, right = members[i].attributions, members[j].attributions
            free = list(range(len(right)))
            rest = []
            for a, attribution in enumerate(left):
                hit = next(
                    (b for b in free if same_source(self.docs[i], attribution.source, self.docs[j], right[b].source)),
                    None,
                )
                if hit is None:
                    rest.append(a)
                else:
                    free.remove(hit)
                    union.join((i, a), (j, hit))
            for a, b in zip(rest, free, strict=False):
                union.join((i, a), (j, b))
        units: dict[Hashable, dict[int, Attribution]] = {}
        for owner, a in keys:
            unit = units.setdefault(union.root((owner, a)), {})
            unit.setdefault(owner, members[owner].attributions[a])
        kept = []
        for unit in units.values():
            if not self._keep(unit):
                self.dropped["attributions"] += 1
                continue
            for (i, x), (j, y) in itertools.combinations(unit.items(), 2):
                # The same speaker in both is one source, in the via chain as for the attribution.
                speakers = [(x.source, y.source)] + [
                    (p.source, q.source) for p, q in zip(x.via or (), y.via or (), strict=False)
                ]
                for mine, theirs in speakers:
                    if same_source(self.docs[i], mine, self.docs[j], theirs):
                        self.sources.join((i, mine), (j, theirs))
            for owner, attribution in unit.items():
                self.referenced.add((owner, attribution.source))
                for via in attribution.via or ():
                    self.referenced.add((owner, via.source))
            kept.append(unit)
        return kept

    def _source_ids(self, taken: set[str]) -> dict[Hashable, str]:
        """A merged id for every source union: the curator's or first member's id, made unique."""
        groups: dict[Hashable, list[tuple[int, str]]] = {}
        for key in sorted(self.referenced):
            groups.setdefault(self.sources.root(key), []).append(key)
        names: dict[Hashable, str] = {}
        for root, keys in groups.items():
            keys.sort(key=lambda k: (k[0] != self.base, k[0]))
            name = next((sid for _, sid in keys if sid not in taken), keys[0][1])
            name = _unique(name, taken)
            names[root] = name
        return names

    def _merged_source(self, owner: int, source_id: str, ids: Mapping[Hashable, str]) -> str:
        return ids[self.sources.root((owner, source_id))]

    def _sources(self, ids: Mapping[Hashable, str]) -> Iterable[Any]:
        members: dict[Hashable, dict[int, Source]] = {}
        for owner, document in enumerate(self.docs):  # in the order the annotators list them
            for source in document.sources:
                key = (owner, source.id)
                if key in self.referenced:
                    members.setdefault(self.sources.root(key), {}).setdefault(owner, source)
        for s, (root, unit) in enumerate(members.items()):
            values = {o: {k: v for k, v in unstructure(x).items() if k != "id"} for o, x in sorted(unit.items())}
            chosen = dict(self.vote(values, f"/sources/{s}"))
            chosen["extensions"] = {**(chosen.get("extensions") or {}), ANNOTATORS: self._who(unit)}
            self.kept["sources"] += 1
            yield structure({"id": ids[root], **chosen}, Source)

    def _claim(
        self,
        c: int,
        members: Mapping[int, Claim],
        units: list[dict[int, Attribution]],
        ids: Mapping[Hashable, str],
        used: set[str],
    ) -> Claim:
        where = f"/claims/{c}"
        fields = {}
        for name in _VOTED_CLAIM:
            if name == "extensions":
                continue
            value = self.vote({o: unstructure(getattr(x, name)) for o, x in members.items()}, f"{where}/{name}")
            if value is not None:
                fields[name] = value
        preferred = [x.id for o, x in sorted(members.items(), key=lambda kv: (kv[0] != self.base, kv[0]))]
        identifier = next((i for i in preferred if i not in used), None) or _unique(preferred[0], used)
        used.add(identifier)
        attributions = []
        for a, unit in enumerate(units):
            attributions.append(self._attribution(f"{where}/attributions/{a}", unit, ids))
        self.kept["attributions"] += len(attributions)
        data = {
            "id": identifier,
            **fields,
            "spans": fields.get("spans", []),
            "attributions": [unstructure(x) for x in attributions],
        }
        extensions = self._extensions({o: x.extensions for o, x in members.items()}, f"{where}/extensions", members)
        if extensions:
            data["extensions"] = extensions
        return structure(data, Claim)

    def _attribution(self, where: str, unit: Mapping[int, Attribution], ids: Mapping[Hashable, str]) -> Attribution:
        def remapped(owner: int, attribution: Attribution, name: str) -> Any:
            value = unstructure(getattr(attribution, name))
            if name == "via" and value:
                value = [{**v, "source": self._merged_source(owner, v["source"], ids)} for v in value]
            return value

        source = self.vote({o: self._merged_source(o, x.source, ids) for o, x in unit.items()}, f"{where}/source")
        data: dict[str, Any] = {"source": source}
        for name in _VOTED_ATTRIBUTION:
            if name == "extensions":
                continue
            value = self.vote({o: remapped(o, x, name) for o, x in unit.items()}, f"{where}/{name}")
            if value is not None:
                data[name] = value
        data["extensions"] = self._extensions({o: x.extensions for o, x in unit.items()}, f"{where}/extensions", unit)
        return structure(data, Attribution)

    def _relations(self, claim_unit: Mapping[tuple[int, str], int], claims: list[Claim]) -> list[Relation]:
        votes: dict[tuple[str, int, int], dict[int, Relation]] = {}
        for owner, document in enumerate(self.docs):
            for relation in document.relations or ():
                ends = claim_unit.get((owner, relation.from_)), claim_unit.get((owner, relation.to))
                if ends[0] is None or ends[1] is None:
                    self.dropped["relations"] += 1
                    continue
                votes.setdefault((relation.type.value, ends[0], ends[1]), {}).setdefault(owner, relation)
        kept: list[Relation] = []
        for (kind, start, end), unit in votes.items():
            if not self._keep(unit):
                self.dropped["relations"] += len(unit)
                continue
            data = {"type": kind, "from": claims[start].id, "to": claims[end].id}
            where = f"/relations/{len(kept)}/extensions"
            data["extensions"] = self._extensions({o: r.extensions for o, r in unit.items()}, where, unit)
            kept.append(structure(data, Relation))
        self.kept["relations"] += len(kept)
        return kept

    def _extensions(self, values: Mapping[int, Any], where: str, marked: Mapping[int, Any] | None) -> Any:
        """The voted extensions, with who marked the item where it is one (``marked``)."""
        chosen = self.vote({o: dict(v) if v else None for o, v in values.items()}, where)
        if marked is None:
            return chosen
        return {**(chosen or {}), ANNOTATORS: self._who(marked)}

    def _who(self, owners: Iterable[int]) -> list[str]:
        return [self.names[o] for o in sorted(set(owners))]

    def _provenance(self) -> Provenance:
        people: dict[tuple[str, str], Annotator] = {}
        for name, document in zip(self.names, self.docs, strict=True):
            found = (document.provenance.annotators if document.provenance else None) or (
                Annotator(kind=AnnotatorKind.HUMAN, name=name),
            )
            for annotator in found:
                people.setdefault((annotator.kind.value, annotator.name), annotator)
        settings: dict[str, Any] = {"min_agree": self.threshold, "annotators": list(self.names)}
        if self.base is not None:
            settings["curator"] = self.names[self.base]
        guidelines = self.vote(
            {o: d.provenance.guidelines if d.provenance else None for o, d in enumerate(self.docs)},
            "/provenance/guidelines",
        )
        return Provenance(
            annotators=tuple(people.values()),
            tool="claimfmt merge",
            guidelines=guidelines,
            extensions={SETTINGS: settings},
        )


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    taken.add(candidate)
    return candidate
