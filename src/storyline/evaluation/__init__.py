"""Evaluation harnesses: measure each stage against labelled data (``storyline eval …``).

Not a pipeline stage: nothing here runs during ingestion.
"""
