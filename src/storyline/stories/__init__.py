"""Stories stage: group articles that report the same event, online and incrementally.

``features`` turns an article into sparse features (in workers); ``score`` weighs and
compares them; ``assign`` places each new article in a story (main process, in the ingest
transaction); ``corrections`` applies an analyst's merge, split and move.
"""
