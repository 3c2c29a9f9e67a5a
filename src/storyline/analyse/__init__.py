"""Analysis over stored extraction: what a story's articles report together."""
