"""Converters from the development sets' own formats to the clusters JSON Lines format.

They read from where the data lives (``../shared/eval/…``) and write records to stdout or a
file of the user's; no third-party data is copied into the project.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Record = dict[str, Any]


def ecbplus(folder: Path) -> Iterator[Record]:
    """ECB+ documents; the gold story is the event cluster (two events per topic)."""
    for line in (folder / "docs.jsonl").read_text("utf-8").splitlines():
        doc = json.loads(line)
        yield {"id": doc["doc_id"], "title": doc.get("title") or "", "text": doc["text"],
               "story": doc["event_cluster"], "lang": "en"}


def allsides(folder: Path, split: str = "test") -> Iterator[Record]:
    """AllSides roundups (NeuS probe): title and lead of 3 articles per story."""
    path = folder / "naacl2022_probe" / "articles_flat.jsonl"
    for line in path.read_text("utf-8").splitlines():
        doc = json.loads(line)
        if split != "all" and doc.get("split") != split:
            continue
        yield {"id": f"{doc['story_id']}-{doc['member']}", "title": doc.get("title") or "",
               "text": doc.get("lead") or doc.get("title") or "", "story": doc["story_id"],
               "lang": "en"}


def uci(folder: Path) -> Iterator[Record]:
    """UCI News Aggregator sample: headlines only, with publisher and timestamp."""
    path = next(folder.glob("*.csv"))
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            stamp = row.get("TIMESTAMP") or ""
            published = (
                datetime.fromtimestamp(int(stamp) / 1000, tz=UTC).isoformat()
                if stamp.isdigit() else None
            )
            yield {"id": row["ID"], "title": row["TITLE"], "text": row["TITLE"],
                   "story": row["STORY"], "source": row.get("PUBLISHER"),
                   "published": published, "lang": "en"}


def basil(folder: Path, *, dates: bool = True) -> Iterator[Record]:
    """BASIL triplets (NYT / Fox / HuffPost on one event). Without dates it is a hard test."""
    for path in sorted((folder / "articles").glob("*/*.json")):
        doc = json.loads(path.read_text("utf-8"))
        paragraphs = [" ".join(p) if isinstance(p, list) else str(p)
                      for p in doc.get("body-paragraphs", [])]
        yield {"id": path.stem, "title": doc.get("title") or "", "text": "\n\n".join(paragraphs),
               "story": doc["triplet-uuid"], "source": str(doc.get("source", "")).lower(),
               "published": doc.get("date") if dates else None, "lang": "en"}


def sample(labels_path: Path) -> Iterator[Record]:
    """The bundled sample corpus, read and cleaned as ``ingest`` does, with its story labels."""
    from storyline.ingest.read import iter_units
    from storyline.ingest.sources import expand
    from storyline.models import Reject
    from storyline.pipeline import process_stream

    labels = json.loads(labels_path.read_text("utf-8"))
    story = {a["key"]: a["story"] for a in labels["articles"]}
    corpus = (labels_path.parent / "articles").resolve()
    for item in process_stream(iter_units(expand([str(corpus)])), workers=1):
        if isinstance(item, Reject):
            continue
        a = item.article
        path, _, record = a.origin.partition("#")
        key = Path(path).relative_to(corpus).as_posix() + (f"#{record}" if record else "")
        yield {"id": key, "title": a.title, "text": a.text, "story": story[key],
               "published": a.published, "source": a.source, "lang": a.lang}


CONVERTERS = {"ecbplus": ecbplus, "allsides": allsides, "uci": uci, "basil": basil,
              "sample": sample}


def convert(kind: str, folder: Path, split: str | None = None) -> Iterator[Record]:
    if kind not in CONVERTERS:
        raise ValueError(f"unknown dataset kind {kind!r}; one of {', '.join(CONVERTERS)}")
    if kind == "allsides":
        return allsides(folder, split or "test")
    if kind == "basil":
        return basil(folder, dates=split != "nodates")
    if kind == "sample":
        return sample(folder if folder.suffix == ".json" else folder / "labels.json")
    return CONVERTERS[kind](folder)
