"""Peer verdict labels -> claimfmt verification states: one declarative table per scheme.

Labels are matched case-insensitively with whitespace normalised (and a trailing
full stop dropped); Arabic labels also without their optional marks (harakat, tanwin,
tatweel) and with one alef for its written forms, as fact-checkers write either.
A label a table lacks maps to ``other``; the converter keeps it verbatim in the
verdict and counts it in its loss report, never silently.
``NOT ENOUGH INFO`` and ``Not Enough Evidence`` are ``unverifiable``: someone
looked, and the evidence to decide was not there. ``unverified`` is for claims
nobody has assessed, which no peer label says.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from claimfmt.model import State

__all__ = ["SCHEMES", "normalise_label", "state_for"]

S, R, MX, MS, D, U, OT = (
    State.SUPPORTED,
    State.REFUTED,
    State.MIXED,
    State.MISLEADING,
    State.DISPUTED,
    State.UNVERIFIABLE,
    State.OTHER,
)

#: PolitiFact's Truth-O-Meter as LIAR writes it; ``barely-true`` is PolitiFact's "Mostly False".
POLITIFACT: Mapping[str, State] = {
    "true": S,
    "mostly-true": S,
    "half-true": MX,
    "barely-true": MS,
    "mostly false": MS,
    "mostly-false": MS,
    "false": R,
    "pants-fire": R,
    "pants on fire": R,
    "pants on fire!": R,
    "full flop": OT,
    "half flip": OT,
    "no flip": OT,
}

#: FEVER and FEVEROUS.
FEVER: Mapping[str, State] = {
    "supports": S,
    "refutes": R,
    "not enough info": U,
}

#: AVeriTeC's four labels.
AVERITEC: Mapping[str, State] = {
    "supported": S,
    "refuted": R,
    "not enough evidence": U,
    "conflicting evidence/cherrypicking": MS,
}

#: Common textual ratings of ClaimReview markup and the Google Fact Check API, in English,
#: French, Spanish, German, Portuguese and Arabic.
TEXTUAL: Mapping[str, State] = {
    # English
    "true": S,
    "correct": S,
    "accurate": S,
    "mostly true": S,
    "mostly correct": S,
    "half true": MX,
    "half-true": MX,
    "partly true": MX,
    "partly false": MX,
    "partially true": MX,
    "partially false": MX,
    "mixture": MX,
    "mixed": MX,
    "mostly false": MS,
    "misleading": MS,
    "missing context": MS,
    "needs context": MS,
    "false context": MS,
    "lacks context": MS,
    "out of context": MS,
    "cherry-picking": MS,
    "exaggerated": MS,
    "exaggeration": MS,
    "distorts the facts": MS,
    "false": R,
    "fake": R,
    "incorrect": R,
    "inaccurate": R,
    "wrong": R,
    "pants on fire": R,
    "pants on fire!": R,
    "four pinocchios": R,
    "altered": R,
    "altered photo": R,
    "altered video": R,
    "manipulated": R,
    "fabricated": R,
    "hoax": R,
    "scam": R,
    "baseless": R,
    "no evidence": U,
    "unproven": U,
    "unsupported": U,
    "unverified": U,
    "unverifiable": U,
    "disputed": D,
    "contested": D,
    "satire": OT,
    "labeled satire": OT,
    "opinion": OT,
    # French
    "vrai": S,
    "plutôt vrai": S,
    "en partie vrai": MX,
    "partiellement vrai": MX,
    "partiellement faux": MX,
    "plutôt faux": MS,
    "trompeur": MS,
    "manque de contexte": MS,
    "hors contexte": MS,
    "exagéré": MS,
    "faux": R,
    "infondé": R,
    "montage": R,
    "non prouvé": U,
    "invérifiable": U,
    # Spanish
    "verdadero": S,
    "cierto": S,
    "mayormente verdadero": S,
    "verdad a medias": MX,
    "parcialmente verdadero": MX,
    "parcialmente falso": MX,
    "mayormente falso": MS,
    "engañoso": MS,
    "sacado de contexto": MS,
    "fuera de contexto": MS,
    "exagerado": MS,
    "falso": R,
    "bulo": R,
    "inventado": R,
    "sin evidencia": U,
    "no verificable": U,
    "sátira": OT,
    # German
    "richtig": S,
    "wahr": S,
    "größtenteils richtig": S,
    "teilweise richtig": MX,
    "teilweise falsch": MX,
    "halbwahr": MX,
    "größtenteils falsch": MS,
    "irreführend": MS,
    "fehlender kontext": MS,
    "aus dem kontext gerissen": MS,
    "falsch": R,
    "frei erfunden": R,
    "manipuliert": R,
    "unbelegt": U,
    "nicht belegt": U,
    # Portuguese
    "verdadeiro": S,
    "correto": S,
    "parcialmente verdadeiro": MX,
    "em parte": MX,
    "enganoso": MS,
    "distorcido": MS,
    "fora de contexto": MS,
    "falta contexto": MS,
    "insustentável": R,
    "montagem": R,
    "sem provas": U,
    "impreciso": MX,
    # Arabic (the ratings of Misbar, Fatabyyano, AFP Arabic, Annir and Matsada2sh, and the words
    # Arabic reviews use for the English ones above)
    "صحيح": S,
    "صحيح في معظمه": S,
    "صحيح إلى حد كبير": S,
    "صحيح جزئيا": MX,
    "نصف صحيح": MX,
    "مضلل": MS,
    "مضلل جزئيا": MS,
    "خارج السياق": MS,
    "مجتزأ": MS,
    "مجتزأ من سياقه": MS,
    "سياق مفقود": MS,
    "يحتاج إلى سياق": MS,
    "ناقص": MS,
    "مبالغ فيه": MS,
    "خاطئ في معظمه": MS,
    "خطأ": R,
    "خاطئ": R,
    "غير صحيح": R,
    "غير دقيق": R,
    "عار عن الصحة": R,
    "زائف": R,
    "مزيف": R,
    "كاذب": R,
    "خبر كاذب": R,
    "خبر زائف": R,
    "مش حقيقي": R,
    "إشاعة": R,
    "شائعة": R,
    "مفبرك": R,
    "ملفق": R,
    "معدل": R,
    "صورة معدلة": R,
    "فيديو معدل": R,
    "احتيال": R,
    "غير مؤكد": U,
    "غير مثبت": U,
    "لا يوجد دليل": U,
    "لا يمكن التحقق": U,
    "متنازع عليه": D,
    "ساخر": OT,
    "سخرية": OT,
    "رأي": OT,
}

#: schema.org's MediaManipulationRatingEnumeration, the ``mediaAuthenticityCategory`` of a MediaReview.
#: Whether the media is what it is presented as: original content in its context supports it.
MEDIAREVIEW: Mapping[str, State] = {
    "OriginalMediaContent": S,
    "DecontextualizedContent": MS,
    "EditedOrCroppedContent": MS,
    "TransformedContent": R,
    "StagedContent": R,
    "SatireOrParodyContent": OT,
}

#: Every scheme by the name converters put in ``verdict.scheme``.
SCHEMES: Mapping[str, Mapping[str, State]] = {
    "politifact": POLITIFACT,
    "fever": FEVER,
    "averitec": AVERITEC,
    "textual": TEXTUAL,
    "mediareview": MEDIAREVIEW,
}

_SPACE = re.compile(r"\s+")


# Arabic marks a writer may or may not put (fathatan in "جزئياً", shadda, tatweel), and the written
# forms of alef (أ إ آ ٱ), which fact-checkers' ratings spell either way ("إشاعة", "اشاعة").
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ALEF = str.maketrans("\u0623\u0625\u0622\u0671", "\u0627" * 4)


def normalise_label(label: str) -> str:
    """The form labels are matched in: case folded, spaces collapsed, a final full stop dropped, Arabic unmarked."""
    text = _SPACE.sub(" ", label).strip().rstrip(".").strip().casefold()
    return _ARABIC_MARKS.sub("", text).translate(_ALEF)


# Tables are written as people write labels; match them in the normalised form.
_NORMALISED = {name: {normalise_label(k): v for k, v in table.items()} for name, table in SCHEMES.items()}


@functools.lru_cache(maxsize=4096)  # a dataset repeats a few labels over and over
def state_for(scheme: str, label: str) -> State | None:
    """The state ``label`` maps to in ``scheme``, or None when the table does not have it."""
    return _NORMALISED[scheme].get(normalise_label(label))
