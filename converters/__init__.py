"""Converters between claimfmt and peer formats, importable as ``claimfmt.converters``.

One module per peer format: :mod:`~claimfmt.converters.w3c` (W3C Web Annotation),
:mod:`~claimfmt.converters.claimreview` (schema.org ClaimReview),
:mod:`~claimfmt.converters.factcheck_api` (Google Fact Check Tools API),
:mod:`~claimfmt.converters.averitec`, :mod:`~claimfmt.converters.fever` and
:mod:`~claimfmt.converters.liar`, plus :mod:`~claimfmt.converters.claimfmt_json`
for claimfmt itself. What they share: :mod:`~claimfmt.converters.base` (the
protocol, options and loss report), :mod:`~claimfmt.converters.registry` (the
formats, open to plugins through the ``claimfmt.converters`` entry point group),
:mod:`~claimfmt.converters.offsets` (offset units, unit detection, re-anchoring),
:mod:`~claimfmt.converters.labels` (verdict label tables),
:mod:`~claimfmt.converters.patches` (exact JSON patches, to keep only what a
conversion would lose) and :mod:`~claimfmt.converters.values` (value checks).
"""
