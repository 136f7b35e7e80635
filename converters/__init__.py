"""Converters between claimfmt and peer formats, importable as ``claimfmt.converters``.

One module per peer format. (The first converters arrive with the W3C Web
Annotation issue; this package exists so that the layout and packaging are
fixed from the start.)
"""
