"""Converters between claimfmt and peer formats, importable as ``claimfmt.converters``.

One module per peer format, once they exist. What every converter shares is
here already: :mod:`claimfmt.converters.offsets` translates span positions
between code points, UTF-16 units, UTF-8 bytes and grapheme clusters, detects
which unit a peer file uses, and re-anchors quotes whose positions are wrong.
"""
