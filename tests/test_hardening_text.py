"""Hardening (issue 15): text without spaces, too-short articles, the extraction harness."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PARAGRAPHS, html_page
from storyline.clean import clean_document
from storyline.evaluation.extraction import evaluate_extraction
from storyline.ingest.html import parse_html
from storyline.ingest.units import Unit
from storyline.interfaces.cli import app
from storyline.models import RawDocument, Reject
from storyline.pipeline import process_unit

# An invented event, written for these tests: a paper-lantern festival in a made-up town.
JA_TITLE = "みどり町で巨大な紙灯籠まつり"
JA_PARAGRAPHS = [
    "みどり町で十日、住民が一年かけて作った高さ八メートルの紙灯籠が初めて公開され、"
    "夜の川辺に約三千人が集まった。",
    "灯籠は町内の小学生と高齢者のグループが、使い終わった障子紙や古い和紙を集めて共同で"
    "作り上げたもので、内側には二百個の小さな明かりが取り付けられている。",
    "実行委員長の山川春子さんは「子どもたちの絵が一枚ずつ光るのを見て、町がひとつになった"
    "気がした」と話した。",
    "町によると、来年は灯籠を川に浮かべる計画もあるが、安全面の検討が必要だとして、"
    "消防署と協議を続けるという。",
    "会場では地元の農家が焼きとうもろこしや甘酒を販売し、売り上げの一部は灯籠の修理費に"
    "充てられる。",
]


def test_word_count_for_unspaced_scripts() -> None:
    from storyline.text.length import first_words, word_count

    english = "The scheme, worth 120 million euros, will build two plants – officials said."
    assert word_count(english) == len(english.split())
    assert word_count("서울에서 큰 행사가 열렸다.") == 4  # hangul is spaced
    assert word_count("東京都") == 2 and word_count("。") == 1  # a lone mark is a token, as before
    assert word_count("iPhoneを改造した") == 1 + 3  # the Latin word, then 6 kana/kanji
    assert word_count("ประเทศไทยมีฝนตกหนัก") == 5  # 19 Thai code points
    lead = JA_PARAGRAPHS[0]
    assert word_count(lead) == 26 and len(lead.split()) == 1  # 51 kana and kanji, 2 a word
    start, cut = first_words(lead, 5)
    assert cut and lead.startswith(start) and word_count(start) == 5
    assert first_words(english, 50) == (english, False)


def test_japanese_html_page_is_an_article() -> None:
    page = html_page(JA_TITLE, paragraphs=JA_PARAGRAPHS, lang="ja")
    raw = parse_html(page, origin="ja.html")
    assert isinstance(raw, RawDocument), raw
    doc = clean_document(raw)
    assert doc.title.startswith(JA_TITLE)
    assert all(p in doc.text for p in JA_PARAGRAPHS)


def test_japanese_plain_text_survives_cleaning() -> None:
    raw = RawDocument("ja.txt", "text", "\n\n".join([JA_TITLE, *JA_PARAGRAPHS]))
    doc = clean_document(raw)
    assert doc.title == JA_TITLE and not doc.title_inferred
    assert doc.text == "\n\n".join(JA_PARAGRAPHS) and not doc.removed


def test_japanese_title_is_inferred_from_the_first_sentence() -> None:
    raw = RawDocument("ja.txt", "text", "\n\n".join(JA_PARAGRAPHS))
    doc = clean_document(raw)
    assert doc.title_inferred and doc.title.endswith("…")
    assert JA_PARAGRAPHS[0].startswith(doc.title[:-1]) and len(doc.title) < 45


def test_full_width_sentence_end_is_not_a_label() -> None:
    from storyline.clean.boilerplate import is_label_shaped

    assert not is_label_shaped("火事があった。")
    assert not is_label_shaped("「大丈夫です」")
    assert is_label_shaped("社会")  # a two-character section label still is one


def test_a_ten_character_body_is_rejected_with_the_reason() -> None:
    result = process_unit(Unit("short.txt", "text", data=b"Tiny note."))
    assert isinstance(result, Reject)
    assert result.reason == "too short for an article (2 words; at least 20)"
    one_line = "Ministers meet in Lisbon\n\nForeign Minister Ana Duarte met her counterpart."
    result = process_unit(Unit("one-line.txt", "text", data=one_line.encode()))
    assert isinstance(result, Reject) and "too short for an article (7 words" in result.reason
    with pytest.raises(ValueError, match="too short"):
        clean_document(RawDocument("ja.txt", "text", "町で祭り\n\n灯籠が光った。"))


def test_a_feed_teaser_is_kept_but_not_a_fragment() -> None:
    teaser = "Portugal approves a desalination plan for the Algarve, officials said."
    doc = clean_document(RawDocument("f#1", "feed", teaser, title="Algarve plan", partial=True))
    assert doc.text == teaser
    with pytest.raises(ValueError, match=r"\(3 words; at least 8\)"):  # title + summary
        clean_document(RawDocument("f#2", "feed", "Plan approved.", title="Algarve", partial=True))


def test_article_in_a_layout_table_is_found() -> None:
    """Old sites put the article in a table cell; without tables, only the menu is left."""
    menu = "".join(f'<li><a href="/d/{i}">Weather for district number {i}</a></li>'
                   for i in range(40))
    page = (f"<html><head><title>Portugal bets on desalination</title></head><body>"
            f"<ul>{menu}</ul><table><tr><td></td><td><span>{'<br><br>'.join(PARAGRAPHS)}"
            f"</span></td><td></td></tr></table></body></html>")
    raw = parse_html(page, origin="table.html")
    assert isinstance(raw, RawDocument), raw
    assert PARAGRAPHS[0] in raw.text and "|" not in raw.text
    assert "Weather for district" not in raw.text


def _scrapinghub_folder(root: Path) -> Path:
    (root / "html").mkdir(parents=True)
    truth = {}
    for i in range(3):
        page = html_page(f"Desalination plan {i}", url=f"https://x.example/{i}")
        (root / "html" / f"p{i}.html.gz").write_bytes(gzip.compress(page.encode()))
        truth[f"p{i}"] = {"articleBody": "\n".join(PARAGRAPHS), "url": f"https://x.example/{i}"}
    short = "<html><body><article><p>Only ten words in this page, not an article.</p>"
    (root / "html" / "short.html.gz").write_bytes(gzip.compress(short.encode()))
    truth["short"] = {"articleBody": "Only ten words in this page, not an article."}
    (root / "ground-truth.json").write_text(json.dumps(truth))
    return root


def test_extraction_harness_reads_the_scrapinghub_layout(tmp_path: Path) -> None:
    report = evaluate_extraction(_scrapinghub_folder(tmp_path))
    assert report.layout == "scrapinghub" and report.pages == 4
    names = [s.name for s in report.systems]
    assert names == ["trafilatura.extract (baseline)", "storyline parse_html",
                     "storyline parse_html + clean"]
    assert [page for page, _ in report.rejected] == ["short"]
    baseline, _, cleaned = report.systems
    # The rejected page is empty output: no precision to average, a recall of 0.
    assert cleaned.shingles.per_page[-1] == (0.0, 0.0, 1.0)
    assert cleaned.shingles.precision > 0.95 and 0.7 < cleaned.shingles.recall < 0.8
    assert baseline.shingles.recall > 0.95


def test_shingle_measure() -> None:
    from storyline.evaluation.extraction import Shingles

    s = Shingles()
    s.add("a b c d", "a b c d e")  # 1 of 2 gold shingles, no false ones
    s.add("", "x y z w")  # empty output: recall 0, no precision
    s.add("p q", "p q")  # shorter than a shingle: the whole text is one
    assert s.precision == 1.0 and s.recall == pytest.approx((0.5 + 0 + 1) / 3)
    assert s.f1 == pytest.approx(2 * 0.5 / 1.5)


def test_eval_extraction_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "extraction", str(_scrapinghub_folder(tmp_path / "sh"))])
    assert result.exit_code == 0, result.output
    assert "trafilatura.extract (baseline)" in result.output and "shingle F1" in result.output
    assert "scrapinghub layout" in result.output and "empty output" in result.output
    result = runner.invoke(app, ["eval", "extraction", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no such folder" in result.output
    assert "Traceback" not in result.output
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "ground-truth.json").write_text("{}")
    result = runner.invoke(app, ["eval", "extraction", str(tmp_path / "odd")])
    assert result.exit_code == 2 and "neither original/" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
