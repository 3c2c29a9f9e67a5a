"""Extraction: who is in an article (entities), who said what (quotes).

One spaCy pipeline per language (``nlp.pipeline``), built from a blank pipeline and the
project's rule components, or from an installed statistical pipeline when there is one; the
time and event stages build on the same documents.
"""
