"""The story summary: the articles' own sentences, each citing its article, central and
supported, never twice the same statement, never from a copy; and the story's headline."""

from __future__ import annotations

from itertools import combinations

from rapidfuzz import fuzz

from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.summary import headline, summarise
from storyline.extract.nlp import pipeline
from storyline.extract.run import extract

HARBOR = (
    "PORTO VERDE — The new Ribeira harbour bridge opened to traffic on Wednesday after four "
    "years of construction and a long dispute over its cost, mayor Helena Prado said.\n\n"
    "The 1.2-kilometre crossing links the old port with the Alfama industrial district and "
    "is expected to carry 30,000 vehicles a day.\n\n"
    "“This bridge belongs to everyone in Porto Verde who waited so long for it,” Prado "
    "said.\n\n"
    "He added that drivers would not pay any toll on the bridge in its first year.\n\n"
    "Click here to subscribe to our newsletter for more news from Porto Verde and the "
    "harbour.\n\n"
    "Construction stopped for five months in 2023 after the steel supplier Ferrovia Lda "
    "went bankrupt.")
RIVER = (
    "The Ribeira harbour bridge in Porto Verde opened to traffic on Wednesday after four "
    "years of construction, the city's mayor Helena Prado said.\n\n"
    "The bridge cost 180 million euros, nearly twice the first estimate, according to the "
    "city council.\n\n"
    "Opposition councillors said the city should publish the full contracts with the "
    "builders.\n\n"
    "Ferry operators fear they will lose most of their passengers to the new crossing.")
COURIER = (
    "Traffic on the coastal road in Porto Verde fell by a third on the first day after the "
    "Ribeira bridge opened, police said on Thursday.\n\n"
    "Local shops in the Alfama district reported more customers crossing over from the old "
    "port.\n\n"
    "The mayor said the city would review the traffic figures with police at the end of "
    "the month.")
#: A copy site's version of HARBOR, with one sentence of its own stuffed with the story's
#: words: it would be central, but a copy is no source.
COPY_EXTRA = ("The Ribeira harbour bridge in Porto Verde opened to traffic after four years of "
              "construction, mayor Helena Prado and the city council said on Wednesday.")
GERMAN = ("Die neue Ribeira-Brücke in Porto Verde ist am Mittwoch nach vier Jahren Bauzeit "
          "für den Verkehr freigegeben worden, sagte Bürgermeisterin Helena Prado. Die "
          "Brücke kostete 180 Millionen Euro und damit fast doppelt so viel wie geplant.")


def _article(aid: str, text: str, *, title: str, source: str | None,
             published: str | None, lang: str = "en",
             copy_of: str | None = None) -> ArticleInput:
    """An article as the store would give it: real extraction, real sentence spans."""
    ex = extract(text, lang, published)
    sentences = tuple((s.start_char, s.end_char) for s in pipeline(lang)(text).sents)
    return ArticleInput(aid, title, text, source, published, lang, sentences, ex.mentions,
                        ex.timexes, ex.quotes, ex.events, copy_of,
                        "near" if copy_of else None)


def _story(*articles: ArticleInput, headline: str = "Stored headline") -> StoryInputs:
    ordered = sorted(articles, key=lambda a: (a.published or "~", a.id))
    return StoryInputs("s1", headline, tuple(ordered))


def _bridge() -> StoryInputs:
    return _story(
        _article("hd", HARBOR, title="Ribeira bridge opens after four years | Harbor Daily",
                 source="Harbor Daily", published="2023-06-14T08:00:00Z"),
        _article("rt", RIVER, title="Porto Verde opens the Ribeira bridge - River Times",
                 source="River Times", published="2023-06-14T15:00:00Z"),
        _article("pc", COURIER, title="Traffic eases in Porto Verde as the bridge opens",
                 source="Port Courier", published="2023-06-15"),
        _article("cp", HARBOR + "\n\n" + COPY_EXTRA, title="Ribeira bridge opens",
                 source="Copy Site", published="2023-06-14T18:00:00Z", copy_of="hd"),
        _article("de", GERMAN, title="Neue Brücke in Porto Verde eröffnet",
                 source="Nordblatt", published="2023-06-14", lang="de"))


def test_a_summary_is_three_to_six_cited_sentences() -> None:
    story = _bridge()
    summary = summarise(story)
    assert 3 <= len(summary) <= 6
    for s in summary:
        a = story.article(s.citation.article_id)
        assert a is not None
        assert s.citation.text == " ".join(a.text[s.citation.start:s.citation.end].split())
        assert s.text == s.citation.text
        assert (s.citation.source, s.citation.published) == (a.source, a.published)
    assert summarise(story) == summary  # deterministic


def test_no_copy_no_other_language_no_near_duplicates() -> None:
    story = _bridge()
    summary = summarise(story, sentences=6)
    cited = {s.citation.article_id for s in summary}
    assert "cp" not in cited and "de" not in cited
    assert all(s.citation.copy_of is None for s in summary)
    assert not any("and the city council said on Wednesday" in s.text for s in summary)
    # The two outlets' leads tell the same thing: one of them at most.
    leads = [s for s in summary if "opened to traffic on Wednesday" in s.text]
    assert len(leads) == 1
    for a, b in combinations(summary, 2):
        assert fuzz.token_set_ratio(a.text, b.text) < 80, (a.text, b.text)
    # More than one independent source speaks.
    assert len(cited) >= 2


def test_boilerplate_quotes_and_dangling_openings_are_left_out() -> None:
    summary = summarise(_bridge(), sentences=6)
    texts = " ".join(s.text for s in summary)
    assert "Click here" not in texts
    assert "belongs to everyone" not in texts  # a bare quote
    assert "He added" not in texts  # points back to a sentence it no longer follows
    assert "PORTO VERDE —" not in texts  # the dateline is not part of the statement
    assert all(8 <= len(s.text.split()) <= 60 for s in summary)


def test_sentences_read_in_publication_order_then_position() -> None:
    story = _bridge()
    summary = summarise(story, sentences=6)
    order = {a.id: i for i, a in enumerate(story.articles)}
    keys = [(order[s.citation.article_id], s.citation.start) for s in summary]
    assert keys == sorted(keys)


def test_the_number_of_sentences_stays_between_three_and_six() -> None:
    story = _bridge()
    assert len(summarise(story, sentences=1)) == 3
    assert len(summarise(story, sentences=20)) <= 6


def test_fewer_sentences_only_when_the_story_has_fewer() -> None:
    text = ("The harbour authority closed the northern pier for repairs on Monday morning. "
            "Fishing boats were sent to moor at the southern quay until the work ends. "
            "Thanks.")
    story = _story(_article("a", text, title="Pier closed", source="Wire",
                            published="2023-06-14"))
    summary = summarise(story)
    assert [s.text.split()[:2] for s in summary] == [["The", "harbour"], ["Fishing", "boats"]]
    assert summarise(_story()) == ()


def test_dangling_openings_are_used_when_nothing_else_is_left() -> None:
    text = ("It was the third closure of the northern pier this year, the harbour authority "
            "said. They expect the repairs to take about two weeks and cost 40,000 euros. "
            "However, the fishing boats can still moor at the southern quay until then.")
    story = _story(_article("a", text, title="Pier closed again", source="Wire",
                            published="2023-06-14"))
    assert len(summarise(story)) == 3


def test_a_story_in_another_language_is_summarised_in_it() -> None:
    text = ("Die Hafenbehörde hat den nördlichen Pier am Montag für Reparaturen geschlossen. "
            "Die Fischerboote sollen bis zum Ende der Arbeiten am südlichen Kai festmachen. "
            "Die Reparaturen sollen etwa zwei Wochen dauern und 40.000 Euro kosten.")
    story = _story(_article("a", text, title="Pier geschlossen", source="Nordblatt",
                            published="2023-06-14", lang="de"))
    summary = summarise(story)
    assert len(summary) == 3 and summary[0].text.startswith("Die Hafenbehörde")


def test_headline_is_the_central_title_without_the_site() -> None:
    assert headline(_bridge()) == "Ribeira bridge opens after four years"


def test_headline_strips_a_dash_suffix_only_when_it_names_an_outlet() -> None:
    river = _article("rt", RIVER, title="Porto Verde opens the Ribeira bridge - River Times",
                     source="River Times", published="2023-06-14")
    assert headline(_story(river)) == "Porto Verde opens the Ribeira bridge"
    dashed = _article("rt", RIVER, title="Ribeira bridge opens - at last",
                      source="River Times", published="2023-06-14")
    assert headline(_story(dashed)) == "Ribeira bridge opens - at last"
    piped = _article("rt", RIVER, title="Ribeira bridge opens | Local | riverside.example",
                     source=None, published="2023-06-14")
    assert headline(_story(piped)) == "Ribeira bridge opens"


def test_headline_keeps_the_stored_one_when_it_is_an_articles_title() -> None:
    story = _bridge()
    other = "Traffic eases in Porto Verde as the bridge opens"
    assert headline(StoryInputs(story.story_id, other, story.articles)) == other
    suffixed = "Porto Verde opens the Ribeira bridge - River Times"
    assert headline(StoryInputs(story.story_id, suffixed, story.articles)) == \
        "Porto Verde opens the Ribeira bridge"
    # … but not a title from outside the story's main-language independent reports.
    german = next(a.title for a in story.articles if a.lang == "de")
    assert headline(StoryInputs(story.story_id, german, story.articles)) == \
        "Ribeira bridge opens after four years"


def test_headline_falls_back_to_the_stored_one() -> None:
    untitled = _article("a", RIVER, title="  ", source="Wire", published="2023-06-14")
    assert headline(_story(untitled, headline="Stored")) == "Stored"
    assert headline(_story(headline="Nothing")) == "Nothing"


def test_length_grows_with_the_articles_and_cut_excerpts_still_summarise() -> None:
    def article(n: int) -> ArticleInput:
        # Sentences with words of their own: none is redundant with another.
        text = " ".join(f"Crew q{n}s{j}a inspected q{n}s{j}b near q{n}s{j}c and q{n}s{j}d "
                        f"before q{n}s{j}e left." for j in range(4))
        return _article(f"a{n}", text, title=f"Repairs {n}", source=f"Outlet {n}",
                        published="2023-06-14")

    for articles, expected in ((3, 3), (5, 4), (7, 5), (9, 6)):
        summary = summarise(_story(*(article(n) for n in range(articles))))
        assert len(summary) == expected, (articles, [s.text for s in summary])
    # Excerpts cut mid-sentence (no full stop anywhere) still give a summary.
    cut = ("The harbour authority closed the northern pier for repairs after inspectors "
           "found cracks in two of its supports, and said the")
    story = _story(_article("a", cut, title="Pier closed", source="Wire",
                            published="2023-06-14"))
    assert [s.text for s in summarise(story)] == [cut]


def test_a_dateline_after_the_first_paragraph_is_not_part_of_the_statement() -> None:
    text = ("Ferry services resumed on Tuesday after a two-day strike ended.\n\n"
            "PORTO VERDE — The harbour authority reopened the northern pier for ferries "
            "on Tuesday morning.")
    story = _story(_article("a", text, title="Ferries back", source="Wire",
                            published="2023-06-14"))
    assert any(s.text.startswith("The harbour authority reopened") for s in summarise(story))


def test_one_fact_in_other_words_is_told_once() -> None:
    """Two outlets state the bridge's cost in different words (no shared sentence wording
    a TF-IDF cosine would catch): given the report's facts, the summary tells it once, and
    each statement supports the other."""
    a_text = ("The new Ribeira bridge in Porto Verde cost 180 million euros, nearly twice "
              "what the council first budgeted for the crossing.\n\n"
              "Ferry operators fear they will lose most of their passengers to the bridge.\n\n"
              "Opposition councillors asked for the full building contracts to be published.")
    b_text = ("Officials confirmed that the final bill for the link over the harbour came to "
              "€180m, almost double early estimates.\n\n"
              "Local shops in the Alfama district reported more customers on its first day.\n\n"
              "Police said traffic on the coastal road fell by a third after the opening.")
    story = _story(
        _article("a", a_text, title="Bridge cost doubled", source="Harbor Daily",
                 published="2023-06-14"),
        _article("b", b_text, title="Crossing spending confirmed", source="River Times",
                 published="2023-06-15"))
    cost = {aid: next(s for s in story.article(aid).sentences  # type: ignore[union-attr]
                      if "180" in story.article(aid).text[s[0]:s[1]])  # type: ignore[union-attr]
            for aid in ("a", "b")}
    facts = {aid: [(start, end, 7)] for aid, (start, end) in cost.items()}
    told = [s.text for s in summarise(story, facts=facts)]
    assert sum("180" in t for t in told) == 1, told
    without = [s.text for s in summarise(story)]
    assert sum("180" in t for t in without) == 2, without  # words alone miss it
