"""Converters from the development sets' own formats to the clusters JSON Lines format.

They read from where the data lives (``../shared/eval/…``) and write records to stdout or a
file of the user's; no third-party data is copied into the project.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.evaluation.records import json_lines

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
    from storyline.pipeline import Processed, process_stream

    labels = json.loads(labels_path.read_text("utf-8"))
    story = {a["key"]: a["story"] for a in labels["articles"]}
    corpus = (labels_path.parent / "articles").resolve()
    for item in process_stream(iter_units(expand([str(corpus)])), workers=1):
        if not isinstance(item, Processed):
            continue
        a = item.article
        path, _, record = a.origin.partition("#")
        key = Path(path).relative_to(corpus).as_posix() + (f"#{record}" if record else "")
        yield {"id": key, "title": a.title, "text": a.text, "story": story[key],
               "published": a.published, "source": a.source, "lang": a.lang}


def _require(where: str, record: Record, *fields: str) -> None:
    missing = [f for f in fields if not record.get(f)]
    if missing:
        raise ValueError(f"{where}: no {', '.join(missing)}")


PAC_SPLITS = ("train", "dev", "test", "all")
PLACEHOLDER = re.compile(r"[\w-]+_\d+_\d+")  # "gun_6_1": a file name, not a headline


def pac(folder: Path, split: str = "all") -> Iterator[Record]:
    """PAC: AllSides stories as a pair of articles from a left- and a right-leaning outlet.

    Gold story = ``story_id``, except that stories sharing an article (same outlet and
    headline: a roundup annotated twice, or one article paired with two others) are one story,
    as no clustering could tell them apart. Splits are by date (train ≤2021 < dev < test).
    Placeholder headlines such as ``abortion_9_2`` are dropped rather than passed as titles.
    """
    if split not in PAC_SPLITS:
        raise ValueError(f"unknown PAC split {split!r}; one of {', '.join(PAC_SPLITS)}")
    path = folder / "docs.jsonl"
    docs = []
    for n, doc in json_lines(path):
        _require(f"{path}:{n}", doc, "doc_id", "story_id", "text")
        docs.append(doc)
    # Join stories through shared articles (a tiny union-find over story ids).
    parent = {str(d["story_id"]): str(d["story_id"]) for d in docs}

    def root(story: str) -> str:
        while parent[story] != story:
            story = parent[story]
        return story

    seen: dict[tuple[str, str], str] = {}
    for d in docs:
        headline = " ".join(str(d.get("title") or "").split()).casefold()
        if headline and not PLACEHOLDER.fullmatch(headline):
            key = (str(d.get("source") or "").casefold(), headline)
            other = seen.setdefault(key, str(d["story_id"]))
            a, b = sorted((root(str(d["story_id"])), root(other)))
            parent[b] = a
    members: dict[str, list[str]] = {}
    for story in sorted(parent):
        members.setdefault(root(story), []).append(story)
    for d in docs:
        if split != "all" and d.get("split") != split:
            continue
        title = str(d.get("title") or "")
        yield {"id": d["doc_id"], "title": "" if PLACEHOLDER.fullmatch(title) else title,
               "text": d["text"], "story": "+".join(members[root(str(d["story_id"]))]),
               "published": d.get("date") or None, "source": d.get("source") or None,
               "lang": "en"}


WIKIREF_SUBSETS = {"220": None, "186": "in_WikiRef186", "150": "in_WikiRef150"}


def wikiref(folder: Path, subset: str = "220") -> Iterator[Record]:
    """WikiRef220 (or its subsets 186 / 150): news cited by Wikipedia, by the citing page.

    Gold story = the topic (file-name prefix): coarse, an entity like "Michelle Obama" more
    often than one event. The readme's noise topics (≤5 docs) keep their own labels. The
    headline is the file's first line; there are no dates or outlets.
    """
    if subset not in WIKIREF_SUBSETS:
        raise ValueError(f"unknown WikiRef subset {subset!r}; one of {', '.join(WIKIREF_SUBSETS)}")
    column = WIKIREF_SUBSETS[subset]
    labels = folder / "labels.csv"
    try:
        with labels.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise ValueError(f"{labels}: not found") from None
    for n, row in enumerate(rows, start=2):
        _require(f"{labels}:{n}", row, "doc", "topic", *([column] if column else []))
        if column and row[column] != "1":
            continue
        path = folder / "docs" / row["doc"]
        encoding = row.get("source_encoding") or "utf-8"
        try:
            raw = path.read_bytes().decode(encoding)
        except FileNotFoundError:
            raise ValueError(f"{path}: not found") from None
        except (UnicodeDecodeError, LookupError):
            raise ValueError(f"{path}: cannot be read as {encoding}") from None
        title, _, body = raw.replace("\r\n", "\n").strip().partition("\n")
        yield {"id": Path(row["doc"]).stem, "title": title.strip(),
               "text": body.strip() or title.strip(), "story": row["topic"], "lang": "en"}


CONVERTERS = {"ecbplus": ecbplus, "allsides": allsides, "uci": uci, "basil": basil,
              "sample": sample, "pac": pac, "wikiref": wikiref}


def convert(kind: str, folder: Path, split: str | None = None) -> Iterator[Record]:
    if kind not in CONVERTERS:
        raise ValueError(f"unknown dataset kind {kind!r}; one of {', '.join(CONVERTERS)}")
    if kind == "allsides":
        return allsides(folder, split or "test")
    if kind == "pac":
        return pac(folder, split or "all")
    if kind == "wikiref":
        return wikiref(folder, split or "220")
    if kind == "basil":
        return basil(folder, dates=split != "nodates")
    if kind == "sample":
        return sample(folder if folder.suffix == ".json" else folder / "labels.json")
    return CONVERTERS[kind](folder)
