"""Text primitives every stage shares: how long a text is, how words are folded, which words
carry no meaning. Below every stage (ingest, clean, dedupe, stories, extract, analyse), so none
of them has to import another to measure or compare words."""
