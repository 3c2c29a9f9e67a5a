"""Fixtures the tests build themselves: small articles in every input format."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import Storyline
from storyline.ingest.units import Unit
from storyline.models import Reject
from storyline.pipeline import ingest_units
from storyline.store import Store

PARAGRAPHS = [
    "LISBON – The Portuguese government approved a plan on Tuesday to expand the country's "
    "desalination capacity in the drought-hit Algarve region, officials said.",
    "The scheme, worth 120 million euros, will build two plants near Albufeira by 2026, "
    "according to environment minister Duarte Cordeiro.",
    "“We cannot wait for the rain to save us,” Cordeiro told reporters in Lisbon after the "
    "cabinet meeting, adding that reservoirs stood at a third of their capacity.",
    "Farmers' groups welcomed the money but said it came too late for this year's harvest, "
    "which they expect to be the worst in a decade.",
]


def article_text(n: int = 0) -> str:
    """A distinct plain-text article per ``n``."""
    body = [p.replace("two plants", f"{n + 2} plants") for p in PARAGRAPHS]
    return f"Portugal approves desalination plan number {n}\n\n" + "\n\n".join(body) + "\n"


def html_page(
    title: str = "Portugal bets on desalination in the Algarve",
    *,
    paragraphs: list[str] | None = None,
    site: str = "Harbor Daily",
    author: str = "Ana Costa",
    published: str | None = "2023-06-13T09:30:00Z",
    url: str = "https://www.harbordaily.example/world/portugal-desalination",
    lang: str = "en",
    extra_head: str = "",
) -> str:
    body = "".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    date_meta = (
        f'<meta property="article:published_time" content="{published}">' if published else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta name="author" content="{author}">
{date_meta}<link rel="canonical" href="{url}">{extra_head}</head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{title}</h1>{body}</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Storm closes ports along the coast</a></li>
<li><a href="/b">Central bank holds rates steady again</a></li></ul></aside>
<footer>© 2023 {site}. All rights reserved.</footer></body></html>"""


def write_warc(path: Path, pages: list[tuple[str, str]], *, truncate_at: int | None = None) -> None:
    """Write (uri, html) pages as WARC response records; optionally cut the file short."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=path.name.endswith(".gz"))
    for uri, page in pages:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(page.encode("utf-8")), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2023-06-15T08:00:00Z"},
        )
        writer.write_record(record)
    data = buf.getvalue()
    path.write_bytes(data[:truncate_at] if truncate_at else data)


def stored_articles(db: Path) -> int:
    """Articles in a store another process is writing (0 while it is being created)."""
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def placed_stories(store: Store, units: Sequence[Unit | Reject], **kwargs: Any
                   ) -> dict[str, str]:
    """Ingest units as one batch; their keys (origins without "t#") → resolved story ids."""
    report = ingest_units(store, units, workers=1, **kwargs)
    assert not report.rejected, report.rejected
    out = {}
    for origin, aid in report.origins.items():
        article = store.article(aid)
        assert article is not None and article.story_id
        out[origin.removeprefix("t#")] = store.stories.resolve(article.story_id)
    return out


#: The store backends the backend-parametrised tests run on.
BACKENDS = ("sqlite", "postgresql")


def store_location(request: pytest.FixtureRequest, backend: str, folder: Path,
                   name: str = "store") -> str | Path:
    """A new, empty store on ``backend``: a file in ``folder``, or a fresh database on the
    test PostgreSQL server (dropped when the requesting fixture or test ends)."""
    if backend == "sqlite":
        return folder / f"{name}.db"
    import uuid

    import pg_cluster

    server = request.getfixturevalue("pg_server")
    dbname = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(server, dbname)
    request.addfinalizer(lambda: pg_cluster.drop_database(server, dbname))
    return url


@pytest.fixture(params=BACKENDS)
def sl(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storyline]:
    """An empty store, on each backend in turn."""
    with Storyline(store_location(request, request.param, tmp_path)) as handle:
        yield handle


TINY_WORDS = ["portugal", "desalination", "plan", "algarve", "water", "drought", "plants",
              "lisbon", "minister", "euros", "election", "vote", "parliament", "party", "seats",
              "poll", "results", "bank", "rates", "inflation"]


def build_tiny_model(root: Path, words: list[str] = TINY_WORDS) -> Path:
    """A 2-layer, 32-wide BERT with a small WordPiece vocab and mean pooling, saved as a
    sentence-transformers folder (needs the embeddings extra; callers skip without it)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Pooling, Transformer

    bert = root / "bert"
    bert.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
    (bert / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast.from_pretrained(str(bert), local_files_only=True)
    tokenizer.save_pretrained(str(bert))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(str(bert))
    model = SentenceTransformer(modules=[Transformer(str(bert), max_seq_length=32),
                                         Pooling(32, "mean")], device="cpu")
    model.save(str(root / "st"))
    return root / "st"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a PostgreSQL server for the session: $STORYLINE_TEST_PG, else a throwaway
    cluster started here (tests/pg_cluster.py) and stopped at the end of the session.
    Without one the PostgreSQL tests skip, or fail when CI is true/1."""
    import os

    import pg_cluster

    try:
        import psycopg
    except ImportError as exc:
        reason = f"psycopg is not importable ({exc}; pip install -e '.[dev]')"
    else:
        try:
            url, stop = pg_cluster.ensure_server()
            reason = ""
        except RuntimeError as exc:
            reason = str(exc)
    if reason:
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail(f"PostgreSQL needed in CI: {reason}", pytrace=False)
        pytest.skip(f"no PostgreSQL server: {reason} "
                    "(apt-get install postgresql, or set STORYLINE_TEST_PG)")
    try:
        try:
            with psycopg.connect(url, connect_timeout=10) as con:
                con.execute("SELECT 1")
        except psycopg.Error as exc:
            where = f"${pg_cluster.ENV_URL}" if stop is None else "the server started for tests"
            pytest.fail(f"PostgreSQL at {where} does not answer: {exc}", pytrace=False)
        yield url
    finally:
        if stop is not None:
            stop()


@pytest.fixture()
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on ``pg_server`` for one test, as a postgresql:// URL;
    dropped afterwards (even with connections still open)."""
    import uuid

    import pg_cluster

    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(pg_server, name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(pg_server, name)


def export_rows(sl: Storyline, table: str) -> list[dict[str, Any]]:
    """A table as ``storyline export`` gives it, without the ingest time: what two stores
    built from the same inputs (two backends, a cluster and one machine) must share."""
    import json

    from storyline.interfaces.export import TABLES, Filters

    out = []
    with sl.snapshot():
        for row in TABLES[table].rows(sl, Filters()):
            row.pop("ingested_at", None)
            out.append(json.loads(json.dumps(row, sort_keys=True, default=str)))
    return out
