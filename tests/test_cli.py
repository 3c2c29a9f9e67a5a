from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import article_text, html_page
from storyline.interfaces.cli import app

runner = CliRunner()


def _db(tmp_path: Path) -> list[str]:
    return ["--db", str(tmp_path / "cli.db")]


def test_ingest_list_show_rejects(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article_text(1))
    (tmp_path / "p.html").write_text(html_page())
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(app, ["ingest", str(tmp_path), *_db(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 ingested, 0 already stored, 1 rejected" in result.output
    assert "empty.txt: empty file" in result.output

    result = runner.invoke(app, ["articles", "--format", "json", *_db(tmp_path)])
    rows = json.loads(result.output)
    assert {r["format"] for r in rows} == {"text", "html"}
    for key in ("id", "title", "source", "published", "lang", "origin", "story_id"):
        assert all(key in r for r in rows)

    result = runner.invoke(app, ["articles", "--format", "csv", "-q", "desalination",
                                 "--source", "Harbor Daily", *_db(tmp_path)])
    table = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["source"] for r in table] == ["Harbor Daily"]

    result = runner.invoke(app, ["articles", "--format", "table", *_db(tmp_path)])
    assert "Harbor Daily" in result.output and "2 articles" in result.output

    art_id = rows[0]["id"]
    result = runner.invoke(app, ["article", art_id, "--format", "table", "--removed",
                                 *_db(tmp_path)])
    assert result.exit_code == 0 and "Removed by cleaning" in result.output

    result = runner.invoke(app, ["rejects", "--format", "jsonl", *_db(tmp_path)])
    assert json.loads(result.output.splitlines()[0])["reason"] == "empty file"


def test_bad_arguments_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article_text(1))
    result = runner.invoke(app, ["ingest", str(tmp_path), "--published", "someday",
                                 *_db(tmp_path)])
    assert result.exit_code == 2 and "not a date" in result.output
    result = runner.invoke(app, ["ingest", str(tmp_path), "--format", "pdf", *_db(tmp_path)])
    assert result.exit_code == 2 and "format must be" in result.output
    result = runner.invoke(app, ["article", "ffffffffffff", *_db(tmp_path)])
    assert result.exit_code == 1 and "no article" in result.output
    result = runner.invoke(app, ["articles", "--format", "xml", *_db(tmp_path)])
    assert result.exit_code == 2


def test_stdin(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "-", "--source", "Pipe", *_db(tmp_path)],
                           input=article_text(4))
    assert "1 ingested" in result.output
    result = runner.invoke(app, ["articles", "--format", "jsonl", *_db(tmp_path)])
    row = json.loads(result.output.splitlines()[0])
    assert (row["origin"], row["source"]) == ("<stdin>", "Pipe")


def test_demo_serves_on_the_next_free_port() -> None:
    import socket

    from storyline.interfaces.cli import _free_port

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert _free_port("127.0.0.1", port) != port
