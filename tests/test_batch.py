"""``storyline batch``: a parallel map to Parquet parts (processes here, or a real Dask
cluster in local mode), then a load in input order: the store equals ``storyline ingest``
of the same inputs, reruns redo only what is missing, and a folder of another format
version is refused in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BACKENDS, article_text, export_rows, html_page, store_location, write_warc
from storyline import Storyline
from storyline.api import map_batch
from storyline.engines import batch
from storyline.engines.batch import FORMAT, MANIFEST, BatchError


def _inputs(root: Path) -> Path:
    """Text, HTML, a WARC with two pages, a JSON Lines file, copies and a bad file."""
    folder = root / "in"
    (folder / "t").mkdir(parents=True)
    for n in range(5):
        (folder / "t" / f"{n}.txt").write_text(article_text(n % 3), encoding="utf-8")
    (folder / "page.html").write_text(html_page(), encoding="utf-8")
    write_warc(folder / "crawl.warc.gz", [
        ("https://a.example/one", html_page("Drought deepens in the Algarve",
                                            url="https://a.example/one")),
        ("https://b.example/two", html_page("Lisbon cabinet meets on water",
                                            url="https://b.example/two", site="Other Post")),
    ])
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as fh:
        for n in range(3):
            fh.write(json.dumps({"title": f"Storm batters coast, report {n}",
                                 "text": article_text(10 + n), "source": "Wire",
                                 "published": "2023-06-1" + str(n)}) + "\n")
    (folder / "empty.txt").write_text("")
    return folder


@pytest.fixture()
def two_per_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of two inputs (32 by default), so the nine inputs make five parts."""
    monkeypatch.setattr(batch, "INPUTS_PER_PART", 2)


@pytest.mark.parametrize("backend", BACKENDS)
def test_map_then_load_equals_ingest(request: pytest.FixtureRequest, tmp_path: Path,
                                     backend: str, two_per_part: None) -> None:
    folder = _inputs(tmp_path)
    counts = map_batch([folder], tmp_path / "parts", workers=2)
    assert counts["parts"] == 5 and counts["reused"] == 0 and counts["rejects"] == 1
    with Storyline(store_location(request, backend, tmp_path, "loaded")) as loaded, \
            Storyline(tmp_path / "ingested.db") as ingested:
        a = loaded.load_batch(tmp_path / "parts")
        b = ingested.ingest([folder], workers=2)
        assert a.ingested == b.ingested and a.already_stored == b.already_stored
        assert len(a.ingested) + len(a.already_stored) == counts["articles"]
        assert [r.message() for r in a.rejected] == [r.message() for r in b.rejected]
        for table in ("articles", "stories", "mentions", "quotes", "events"):
            assert export_rows(loaded, table) == export_rows(ingested, table), table
        # a second load stores nothing twice
        again = loaded.load_batch(tmp_path / "parts")
        assert again.ingested == [] and len(again.already_stored) == counts["articles"]
        assert len(loaded.articles(limit=None)) == len(a.ingested)


def test_a_rerun_redoes_only_missing_or_changed_parts(tmp_path: Path,
                                                     two_per_part: None) -> None:
    folder = _inputs(tmp_path)
    out = tmp_path / "parts"
    first = map_batch([folder], out, workers=1)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    again = map_batch([folder], out, workers=1)
    assert again["reused"] == again["parts"] == first["parts"]
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")} == stamps
    # a part lost (a worker died before renaming it) and an input edited: those two only
    lost = sorted(stamps)[0]
    (out / lost).unlink()
    edited = folder / "t" / "4.txt"
    edited.write_text(article_text(7), encoding="utf-8")
    third = map_batch([folder], out, workers=1)
    assert third["reused"] == first["parts"] - 2
    assert third["articles"] == first["articles"]
    # a different option is a different map
    fourth = map_batch([folder], out, workers=1, source="Harbor Daily")
    assert fourth["reused"] == 0


def test_a_folder_of_another_format_is_refused_in_one_line(tmp_path: Path) -> None:
    folder = _inputs(tmp_path)
    out = tmp_path / "parts"
    map_batch([folder], out, workers=1)
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    manifest["format"] = FORMAT + 1
    manifest["storyline"] = "9.9.9"
    (out / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    db = tmp_path / "s.db"
    with Storyline(db) as sl:
        with pytest.raises(BatchError, match=r"Storyline 9\.9\.9 in batch format 2"):
            sl.load_batch(out)
        assert sl.articles() == [] and sl.store.counts()["articles"] == 0
    done = subprocess.run([sys.executable, "-m", "storyline.interfaces.cli", "batch", "load",
                           str(out), "--db", str(db)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "run the map again" in done.stderr
    with pytest.raises(BatchError, match="not a finished map"):
        Storyline(tmp_path / "t.db").load_batch(tmp_path / "in")
    (out / MANIFEST).unlink()
    with pytest.raises(BatchError, match="not a finished map"):
        Storyline(tmp_path / "u.db").load_batch(out)


def test_the_parts_are_plain_parquet(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    folder = _inputs(tmp_path)
    counts = map_batch([folder], tmp_path / "parts", workers=1)
    con = duckdb.connect()
    kinds = dict(con.execute(
        f"SELECT kind, count(*) FROM read_parquet('{tmp_path / 'parts'}/part-*.parquet') "
        "GROUP BY kind").fetchall())
    assert kinds == {"article": counts["articles"], "reject": counts["rejects"]}


def test_the_cli_maps_on_a_local_dask_cluster_and_loads(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    folder = _inputs(tmp_path)
    out, db = tmp_path / "parts", tmp_path / "s.db"
    cli = [sys.executable, "-m", "storyline.interfaces.cli"]
    mapped = subprocess.run([*cli, "batch", "map", str(folder), "-o", str(out), "--dask",
                             "local", "--workers", "2"], capture_output=True, text=True,
                            timeout=600)
    assert mapped.returncode == 0, mapped.stderr
    assert mapped.stdout.startswith("1 part (0 reused)")  # nine small inputs: one task
    loaded = subprocess.run([*cli, "batch", "load", str(out), "--db", str(db)],
                            capture_output=True, text=True, timeout=600)
    assert loaded.returncode == 0, loaded.stderr
    with Storyline(db) as sl, Storyline(tmp_path / "direct.db") as direct:
        direct.ingest([folder], workers=1)
        assert export_rows(sl, "stories") == export_rows(direct, "stories")


def test_small_inputs_share_a_part_and_big_ones_have_their_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "INPUTS_PER_PART", 3)
    monkeypatch.setattr(batch, "BYTES_PER_PART", 10_000)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"a{n}.txt").write_text(article_text(n), encoding="utf-8")  # ~1 kB each
    (folder / "b-big.txt").write_text(article_text(9) * 30, encoding="utf-8")  # > 10 kB
    (folder / "c.txt").write_text(article_text(7), encoding="utf-8")
    parts = [[Path(o).name for o in p.origins] for p, _ in batch.plan([str(folder)], None, None)]
    assert parts == [["a0.txt", "a1.txt", "a2.txt"], ["a3.txt", "a4.txt"], ["b-big.txt"],
                     ["c.txt"]]
