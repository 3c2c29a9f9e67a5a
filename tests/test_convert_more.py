"""The PAC and WikiRef converters, on tiny invented fixtures in each dataset's own layout."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.evaluation.convert import convert, pac, wikiref
from storyline.interfaces.cli import app


def _pac_doc(story: int, n: int, split: str, date: str, source: str, title: str) -> dict[str, object]:
    return {"doc_id": f"STORY_{story}_DOCUMENT_{n}", "story_id": f"STORY_{story}", "split": split,
            "date": date, "topic": "energy", "source": source, "media_ideology": "Center",
            "relative_ideology": "Left" if n == 0 else "Right", "absolute_ideology": "Center",
            "title": title, "text": f"{title}.\nA second invented sentence for story {story}.",
            "n_events": 3, "n_partisan_events": 1}


def _write_pac(folder: Path) -> Path:
    docs = [
        _pac_doc(1, 0, "train", "2019-03-04", "Harbor Daily", "Town council approves wind farm"),
        _pac_doc(1, 1, "train", "2019-03-05", "Ridge Post", "Wind farm vote angers farmers"),
        # Story 2 repeats story 1's Ridge Post article: one story in truth.
        _pac_doc(2, 0, "train", "2019-03-05", "Valley Times", "Council backs turbines"),
        _pac_doc(2, 1, "train", "2019-03-05", "Ridge Post", "Wind  farm vote angers farmers"),
        _pac_doc(3, 0, "test", "", "Harbor Daily", "energy_4_1"),
        _pac_doc(3, 1, "test", "", "Ridge Post", "Grid operator warns of winter shortfall"),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "merged_annotations").mkdir(exist_ok=True)
    (folder / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), "utf-8")
    return folder


def test_pac_joins_stories_that_share_an_article(tmp_path: Path) -> None:
    records = list(pac(_write_pac(tmp_path / "pac")))
    assert [r["id"] for r in records] == [
        "STORY_1_DOCUMENT_0", "STORY_1_DOCUMENT_1", "STORY_2_DOCUMENT_0",
        "STORY_2_DOCUMENT_1", "STORY_3_DOCUMENT_0", "STORY_3_DOCUMENT_1"]
    assert [r["story"] for r in records] == ["STORY_1+STORY_2"] * 4 + ["STORY_3"] * 2
    assert records[0]["title"] == "Town council approves wind farm"
    assert records[0]["published"] == "2019-03-04"
    assert records[0]["source"] == "Harbor Daily"
    assert records[0]["lang"] == "en"
    assert records[4]["published"] is None, "an empty date is no date"
    assert records[4]["title"] == "", "a placeholder headline is not a title"
    assert records[4]["text"].startswith("energy_4_1.")


def test_pac_splits(tmp_path: Path) -> None:
    folder = _write_pac(tmp_path / "pac")
    assert [r["id"] for r in pac(folder, "test")] == ["STORY_3_DOCUMENT_0", "STORY_3_DOCUMENT_1"]
    assert {r["story"] for r in convert("pac", folder, "train")} == {"STORY_1+STORY_2"}
    assert len(list(convert("pac", folder))) == 6, "all splits by default"
    with pytest.raises(ValueError, match="unknown PAC split"):
        list(pac(folder, "val"))


def test_pac_bad_input_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"docs\.jsonl: not found"):
        list(pac(tmp_path))
    (tmp_path / "docs.jsonl").write_text('{"doc_id": "a", "story_id": "s", "text": "x"}\n{oops\n')
    with pytest.raises(ValueError, match=r"docs\.jsonl:2: invalid JSON"):
        list(pac(tmp_path))
    (tmp_path / "docs.jsonl").write_text('{"doc_id": "a", "text": "x"}\n')
    with pytest.raises(ValueError, match=r"docs\.jsonl:1: no story_id"):
        list(pac(tmp_path))


WIKIREF_ROWS = [  # doc, topic, noise, in 186, in 150, encoding, title
    ("Harbor.Bridge (1).txt", "Harbor.Bridge", "0", "1", "0", "cp1252", "Harbor bridge closes after crack found"),
    ("Harbor.Bridge (2).txt", "Harbor.Bridge", "0", "1", "0", "utf-8", "Engineers inspect harbor bridge"),
    ("glass.phone.1.txt", "glass.phone", "0", "1", "1", "utf-8", "Glass Phone review"),
    ("glass.phone.2.txt", "glass.phone", "0", "0", "0", "utf-8", "Glass Phone sales slow"),
    ("comet.watch.3.txt", "comet.watch", "1", "1", "1", "utf-8", "Comet visible tonight"),
]


def _write_wikiref(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    with (folder / "labels.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["doc", "topic", "is_noise_topic", "in_WikiRef186", "in_WikiRef150",
                         "source_encoding", "title"])
        writer.writerows(WIKIREF_ROWS)
    for doc, _, _, _, _, encoding, title in WIKIREF_ROWS:
        body = f"{title}\r\n\r\nThe city’s engineers said on Monday that work would take weeks.\r\n"
        (folder / "docs" / doc).write_bytes(body.encode(encoding))
    return folder


def test_wikiref_topics_titles_and_subsets(tmp_path: Path) -> None:
    folder = _write_wikiref(tmp_path / "wikiref220")
    records = list(wikiref(folder))
    assert [r["id"] for r in records] == ["Harbor.Bridge (1)", "Harbor.Bridge (2)",
                                          "glass.phone.1", "glass.phone.2", "comet.watch.3"]
    assert [r["story"] for r in records] == ["Harbor.Bridge"] * 2 + ["glass.phone"] * 2 + [
        "comet.watch"]
    assert records[0]["title"] == "Harbor bridge closes after crack found"
    assert records[0]["text"] == "The city’s engineers said on Monday that work would take weeks."
    assert "published" not in records[0] and "\r" not in records[1]["text"]
    assert [r["id"] for r in wikiref(folder, "186")] == [
        "Harbor.Bridge (1)", "Harbor.Bridge (2)", "glass.phone.1", "comet.watch.3"]
    assert [r["id"] for r in convert("wikiref", folder, "150")] == ["glass.phone.1", "comet.watch.3"]
    with pytest.raises(ValueError, match="unknown WikiRef subset"):
        list(wikiref(folder, "100"))


def test_wikiref_bad_input_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"labels\.csv: not found"):
        list(wikiref(tmp_path))
    folder = _write_wikiref(tmp_path / "wikiref220")
    (folder / "docs" / "glass.phone.2.txt").unlink()
    with pytest.raises(ValueError, match=r"glass\.phone\.2\.txt: not found"):
        list(wikiref(folder))
    (folder / "docs" / "glass.phone.2.txt").write_bytes(b"Title\r\n\xff\xfe broken\r\n")
    with pytest.raises(ValueError, match=r"glass\.phone\.2\.txt: cannot be read as utf-8"):
        list(wikiref(folder))
    (folder / "labels.csv").write_text("doc,title\nglass.phone.1.txt,Glass Phone review\n")
    with pytest.raises(ValueError, match=r"labels\.csv:2: no topic"):
        list(wikiref(folder))


def test_cli_convert_writes_json_lines_and_fails_cleanly(tmp_path: Path) -> None:
    folder = _write_pac(tmp_path / "pac")
    result = CliRunner().invoke(app, ["eval", "convert", "pac", str(folder), "--split", "test"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["story"] for r in lines] == ["STORY_3", "STORY_3"]
    result = CliRunner().invoke(app, ["eval", "convert", "wikiref", str(tmp_path / "none")])
    assert result.exit_code != 0
    assert "labels.csv: not found" in result.output
