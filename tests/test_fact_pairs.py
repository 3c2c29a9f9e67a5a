"""Learned pair weights of the fact aligner, claims' text without names, the ECB+ fact
labels built from its coreference annotation, and the report's default sentence model."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline.analyse.align import (
    _FLOOR,
    SAME_FACT,
    PairWeights,
    align,
    pair_weights,
    similarity,
)
from storyline.analyse.claims import Claim, stem, stop_words
from storyline.evaluation import ecb_facts
from storyline.evaluation.facts import load_pairs
from storyline.interfaces.cli import app
from storyline.semantic.static import STATIC_NAME

WEIGHTS = PairWeights(model="fake", lexical=6.0, anchors=0.5, meaning=5.0, bias=-2.0,
                      threshold=3.0)


def _claim(article: str, text: str, *, lang: str = "en", entities: tuple[str, ...] = ()
           ) -> Claim:
    stops = stop_words(lang)
    terms = tuple(stem(w) for w in text.split() if w.lower() not in stops and w.isalpha())
    return Claim(article=article, original=article, outlet=article, lang=lang, sentence=0,
                 start=0, end=len(text), text=text, terms=terms, entities=frozenset(entities),
                 quantities=(), dates=frozenset(), attributed_to=None, quoted=False)


def _vectors(*directions: int) -> np.ndarray:
    """Unit rows; rows with one direction number are identical, others orthogonal."""
    out = np.zeros((len(directions), 8), dtype=np.float32)
    for row, d in enumerate(directions):
        out[row, d] = 1.0
    return out


def test_score_is_same_fact_at_the_threshold_and_rises_with_each_signal() -> None:
    # logit = 6·words + 0.5·overlap + 5·cosine − 2; threshold 3: words 0, overlap 0,
    # cosine 1 is exactly the threshold
    at = WEIGHTS.score(np.array([0.0]), np.array([0.0]), np.array([1.0]))
    assert at[0] == pytest.approx(SAME_FACT)
    assert WEIGHTS.score(np.array([0.2]), np.array([0.0]), np.array([1.0]))[0] > SAME_FACT
    assert WEIGHTS.score(np.array([0.0]), np.array([0.0]), np.array([0.5]))[0] < SAME_FACT
    assert WEIGHTS.score(np.array([-9.0]), np.array([0.0]), np.array([-1.0]))[0] >= 0.0


def test_meaning_aligns_other_words_and_names_alone_do_not() -> None:
    claims = [
        _claim("a1", "The singer checked into a rehabilitation clinic on Friday",
               entities=("ent:singer",)),
        _claim("a2", "The performer entered a treatment centre for addiction",
               entities=("ent:singer",)),
        _claim("a3", "The singer thanked fans for their privacy", entities=("ent:singer",)),
    ]
    vectors = _vectors(0, 0, 1)  # the first two mean the same, the third something else
    assert align(claims).groups == ((0,), (1,), (2,))
    groups = align(claims, vectors=vectors, weights=WEIGHTS).groups
    assert groups == ((0, 1), (2,))
    sim = similarity(claims, vectors, weights=WEIGHTS).toarray()
    assert sim[0, 1] >= SAME_FACT and sim[0, 2] < SAME_FACT and sim[1, 2] < SAME_FACT


def test_learned_score_only_raises_a_pair_and_skips_languages_the_model_lacks() -> None:
    words = [_claim("a1", "The bridge reopened to traffic after the repairs on Monday"),
             _claim("a2", "The bridge reopened to traffic after the repairs on Monday")]
    plain = similarity(words).toarray()
    far = similarity(words, _vectors(0, 1), weights=WEIGHTS).toarray()
    assert far[0, 1] == pytest.approx(plain[0, 1])  # the words' score stays
    german = [_claim("a1", "Die Brücke wurde am Montag wieder eröffnet", lang="de"),
              _claim("a2", "Autofahrer fuhren wieder über den Fluss", lang="de")]
    sim = similarity(german, _vectors(0, 0), weights=WEIGHTS)  # an English-only model
    assert sim.nnz == 0 or sim.toarray()[0, 1] < SAME_FACT
    multi = similarity(german, _vectors(0, 0), multilingual=True, weights=WEIGHTS).toarray()
    assert multi[0, 1] >= SAME_FACT


def test_pairs_below_the_floor_are_not_stored() -> None:
    claims = [_claim("a1", "Lorem ipsum dolor"), _claim("a2", "Quick brown foxes")]
    sim = similarity(claims, _vectors(0, 1), weights=WEIGHTS)
    assert sim.nnz == 0 or sim.data.min() >= _FLOOR


def test_shipped_weights_for_the_static_model() -> None:
    w = pair_weights(STATIC_NAME)
    assert w is not None and w.model == STATIC_NAME
    assert all(math.isfinite(v) for v in (w.lexical, w.anchors, w.meaning, w.bias,
                                          w.threshold))
    assert w.lexical > 0 and w.meaning > 0  # more shared words or meaning: more alike
    assert pair_weights("no-such-model") is None


def test_claims_carry_their_text_without_names() -> None:
    from storyline.analyse.claims import claims_of
    from storyline.analyse.inputs import ArticleInput, StoryInputs
    from storyline.extract.run import extract

    text = ("Mayor Alice Brennan opened the Greyford bridge to traffic on Monday morning "
            "after two years of repairs.")
    x = extract(text, "en", "2024-05-06")
    article = ArticleInput("a1", "", text, "Harbour Post", "2024-05-06", "en", x.sentences,
                           x.mentions, x.timexes, x.quotes, x.events)
    claim = claims_of(StoryInputs("s1", "Bridge", (article,)))[0]
    assert "Brennan" not in claim.plain and "bridge" in claim.plain
    assert claim.gist == claim.plain
    bare = Claim(article="a", original="a", outlet="o", lang="en", sentence=0, start=0,
                 end=5, text="Hello", terms=(), entities=frozenset(), quantities=(),
                 dates=frozenset(), attributed_to=None, quoted=False)
    assert bare.gist == "Hello"  # nothing but names: the text itself


# --- ECB+ fact labels ---------------------------------------------------------------------


def _doc(topic: int, name: str, sentences: list[list[str]],
         markables: dict[str, tuple[str, int, int]], relations: dict[str, list[str]]) -> bytes:
    """A CAT XML document: ``markables`` m_id → (tag, sentence, token number),
    ``relations`` instance → m_ids."""
    tokens, t_id, at = [], 0, {}
    for s, words in enumerate(sentences):
        for n, w in enumerate(words):
            t_id += 1
            at[(s, n)] = t_id
            tokens.append(f'<token t_id="{t_id}" sentence="{s}" number="{n}">{w}</token>')
    marks = "".join(f'<{tag} m_id="{m}"><token_anchor t_id="{at[(s, n)]}"/></{tag}>'
                    for m, (tag, s, n) in markables.items())
    rels = "".join(f'<CROSS_DOC_COREF r_id="{k}" note="{inst}">'
                   + "".join(f'<source m_id="{m}"/>' for m in ms) + '<target m_id="99"/>'
                   "</CROSS_DOC_COREF>" for k, (inst, ms) in enumerate(relations.items()))
    xml = (f'<Document doc_name="{topic}_{name}.xml">{"".join(tokens)}<Markables>{marks}'
           f"</Markables><Relations>{rels}</Relations></Document>")
    return gzip.compress(xml.encode())


def _words(sentence: str) -> list[str]:
    return sentence.split()


def _ecb_folder(root: Path) -> Path:
    """Topic 1 (tune), one event cluster, two reports: the same arrest in other words, and
    a sentence about the same man doing something else."""
    a = [["Police", "arrested", "Tom", "Hale", "in", "Leeds", "."],
         ["Hale", "thanked", "his", "lawyer", "."],
         _words("The city council met on Tuesday evening to discuss the new budget and the "
                "plans for a second library in the north of the town .")]
    b = [["Tom", "Hale", "was", "detained", "by", "officers", "in", "Leeds", "."],
         ["Hale", "plans", "to", "appeal", "."],
         _words("Rain is expected across the region for most of the week , forecasters said "
                "in their latest bulletin on the local radio station .")]
    (root / "xml" / "1").mkdir(parents=True)
    (root / "xml" / "1" / "1_1ecb.xml.gz").write_bytes(_doc(1, "1ecb", a, {
        "1": ("ACTION_OCCURRENCE", 0, 1), "2": ("HUMAN_PART_PER", 0, 3),
        "3": ("ACTION_OCCURRENCE", 1, 1), "4": ("HUMAN_PART_PER", 1, 0)},
        {"ACT1": ["1"], "HUM1": ["2", "4"], "ACT2": ["3"]}))
    (root / "xml" / "1" / "1_2ecb.xml.gz").write_bytes(_doc(1, "2ecb", b, {
        "1": ("ACTION_OCCURRENCE", 0, 3), "2": ("HUMAN_PART_PER", 0, 1),
        "3": ("ACTION_OCCURRENCE", 1, 1), "4": ("HUMAN_PART_PER", 1, 0)},
        {"ACT1": ["1"], "HUM1": ["2", "4"], "ACT3": ["3"]}))
    (root / "ECBplus_coreference_sentences.csv").write_text(
        "Topic,File,Sentence Number\n1,1ecb,0\n1,1ecb,1\n1,2ecb,0\n1,2ecb,1\n", "utf-8")
    docs = [{"doc_id": f"1_{k}ecb", "topic": 1, "subtopic": "ecb", "event_cluster": "1_ecb",
             "doc_name": f"1_{k}ecb.xml", "text": "\n".join(" ".join(s) for s in sents)
             .replace(" .", ".")} for k, sents in ((1, a), (2, b))]
    (root / "docs.jsonl").write_text("\n".join(json.dumps(d) for d in docs) + "\n", "utf-8")
    return root


def test_ecb_labels_same_event_positive_same_people_negative(tmp_path: Path) -> None:
    built = ecb_facts.build(_ecb_folder(tmp_path), "tune")
    pairs = load_pairs(built["facts"])
    positive = [(p.a.text, p.b.text) for p in pairs if p.positive]
    negative = {(p.a.text, p.b.text) for p in pairs if not p.positive}
    assert positive == [("Police arrested Tom Hale in Leeds.",
                         "Tom Hale was detained by officers in Leeds.")]
    assert ("Hale thanked his lawyer.", "Hale plans to appeal.") in negative
    assert ("Police arrested Tom Hale in Leeds.", "Hale plans to appeal.") in negative
    assert len(built["articles"]) == 2
    assert ecb_facts.build(tmp_path, "check")["articles"] == []  # topic 1 is tune only


def test_ecb_splits_keep_even_topics_held_out() -> None:
    assert [t for t in range(1, 10) if ecb_facts.in_split(t, "tune")] == [1, 5, 9]
    assert [t for t in range(1, 10) if ecb_facts.in_split(t, "check")] == [3, 7]
    assert [t for t in range(1, 10) if ecb_facts.in_split(t, "test")] == [2, 4, 6, 8]
    with pytest.raises(ValueError, match="unknown ECB\\+ facts split 'all'"):
        ecb_facts.in_split(1, "all")


def test_ecb_bad_document_is_one_clear_error(tmp_path: Path) -> None:
    folder = _ecb_folder(tmp_path)
    (folder / "xml" / "1" / "1_2ecb.xml.gz").write_bytes(b"not gzip")
    with pytest.raises(ValueError, match=r"1_2ecb\.xml\.gz: not a gzipped ECB\+ XML"):
        ecb_facts.build(folder, "tune")
    result = CliRunner().invoke(app, ["eval", "facts", "--ecbplus", str(folder),
                                      "--split", "tune"])
    assert result.exit_code != 0 and "not a gzipped ECB+ XML" in result.output


def test_cli_eval_facts_on_ecb_labels(tmp_path: Path) -> None:
    folder = _ecb_folder(tmp_path)
    result = CliRunner().invoke(app, ["eval", "facts", "--ecbplus", str(folder), "--split",
                                      "tune", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["positive_pairs"] == 1 and out["negative_pairs"] == 3
    assert out["model"] == STATIC_NAME  # what the report uses
    assert out["command"].endswith(f"--ecbplus {folder} --split tune")


# --- attribution frames across languages --------------------------------------------------


def test_a_trailing_frame_may_say_where_it_was_said() -> None:
    from storyline.analyse.claims import _stated

    text = ("„Die Preise steigen langsamer, aber nicht schnell genug“, sagte Lagarde auf der "
            "Pressekonferenz in Frankfurt.")
    start, end = _stated(text)
    assert (start, text[:end]) == (0, "„Die Preise steigen langsamer, aber nicht schnell genug")
    # a long tail is not a frame: the sentence goes on to state something
    long = ("“Prices are easing,” she said, before the bank raised its main rate by a quarter "
            "point to a record high in the afternoon session.")
    assert _stated(long) == (0, len(long))


def _frame_story() -> list[Claim]:
    from storyline.analyse.claims import claims_of
    from storyline.analyse.inputs import ArticleInput, StoryInputs
    from storyline.extract.run import extract

    def article(aid: str, lang: str, text: str) -> ArticleInput:
        x = extract(text, lang, "2024-05-08")
        return ArticleInput(aid, "", text, f"outlet {aid}", "2024-05-08", lang, x.sentences,
                            x.mentions, x.timexes, x.quotes, x.events)

    english = article("en1", "en", "At her press conference in Frankfurt, Christine Lagarde "
                      "refused to say whether interest rates had reached their peak.")
    german = article("de1", "de", "„Die Preise für Lebensmittel und Energie sinken, aber die "
                     "Löhne steigen weiter kräftig“, sagte Christine Lagarde auf der "
                     "Pressekonferenz in Frankfurt.")
    return claims_of(StoryInputs("s", "ECB", (english, german)))


def test_names_of_a_frame_do_not_align_two_languages() -> None:
    claims = _frame_story()
    en, de = claims
    assert en.stated_anchors == en.anchors  # no frame: all it names is stated
    assert de.framing and de.stated_anchors < de.anchors  # Lagarde and Frankfurt: the frame
    assert align(claims).groups == ((0,), (1,))
