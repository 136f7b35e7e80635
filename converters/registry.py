"""The converters claimfmt knows: its own, and those other packages register.

A package adds a format by declaring an entry point in the
``claimfmt.converters`` group whose object is a :class:`Converter` subclass::

    [project.entry-points."claimfmt.converters"]
    myformat = "mypackage.claimfmt_myformat:MyFormat"
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

from claimfmt.converters.averitec import AVeriTeC
from claimfmt.converters.base import ConversionError, Converter
from claimfmt.converters.brat import Brat
from claimfmt.converters.checkthat import CheckThat
from claimfmt.converters.claimfmt_json import ClaimfmtJSON
from claimfmt.converters.claimreview import ClaimReview
from claimfmt.converters.claimskg import ClaimsKG
from claimfmt.converters.doccano import Doccano
from claimfmt.converters.factcheck_api import FactCheckAPI
from claimfmt.converters.fever import FEVER
from claimfmt.converters.labelstudio import LabelStudio
from claimfmt.converters.liar import LIAR
from claimfmt.converters.nif import NIF
from claimfmt.converters.parquet import Parquet
from claimfmt.converters.prodigy import Prodigy
from claimfmt.converters.spacy_docbin import SpacyDocBin
from claimfmt.converters.spans_jsonl import SpansJSONL
from claimfmt.converters.uima import UimaJSON, UimaXMI
from claimfmt.converters.w3c import W3C
from claimfmt.converters.webanno import WebAnnoTSV3

__all__ = ["ENTRY_POINT_GROUP", "all_converters", "get_converter"]

ENTRY_POINT_GROUP = "claimfmt.converters"

_BUILTIN: tuple[type[Converter], ...] = (
    ClaimfmtJSON,
    W3C,
    ClaimReview,
    FactCheckAPI,
    ClaimsKG,
    CheckThat,
    AVeriTeC,
    FEVER,
    LIAR,
    Brat,
    Doccano,
    LabelStudio,
    WebAnnoTSV3,
    Prodigy,
    SpacyDocBin,
    NIF,
    UimaXMI,
    UimaJSON,
    SpansJSONL,
    Parquet,
)


@functools.cache
def all_converters() -> dict[str, Converter]:
    """Every converter by name: the built-in ones, then those from entry points, which cannot replace them."""
    converters = {cls.name: cls() for cls in _BUILTIN}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        cls = point.load()
        if not (isinstance(cls, type) and issubclass(cls, Converter)):
            raise ConversionError(f"entry point {point.name!r} ({point.value}) is not a claimfmt Converter class")
        converters.setdefault(cls.name, cls())
    return converters


def get_converter(name: str) -> Converter:
    """The converter called ``name``; :class:`ConversionError` names the known ones otherwise."""
    converters = all_converters()
    try:
        return converters[name]
    except KeyError:
        raise ConversionError(f"unknown format {name!r}; known: {', '.join(sorted(converters))}") from None
