"""The shared spaCy pipeline: built once per language and process, reused for every article.

The default is a blank pipeline (tokenizer, sentencizer, lookup lemmas when
spacy-lookups-data has the language), so nothing is downloaded. When a statistical pipeline
such as ``en_core_web_sm`` is installed, ``pipeline`` loads it instead and its entities become
one more source of evidence for the rule components. Set ``STORYLINE_SPACY_MODEL`` to a
package name or path to choose one; set it to ``blank`` to force the default path.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

#: Statistical pipelines picked up automatically when installed, per language.
KNOWN_MODELS = {
    "en": ("en_core_web_sm", "en_core_web_md", "en_core_web_lg"),
    "de": ("de_core_news_sm", "de_core_news_md"),
    "es": ("es_core_news_sm", "es_core_news_md"),
    "fr": ("fr_core_news_sm", "fr_core_news_md"),
}
#: Languages with a blank spaCy tokenizer that Storyline routes to; others use English rules.
BLANK_LANGS = frozenset({"en", "de", "es", "fr", "it", "nl", "pt", "pl", "ru", "tr", "ar", "zh"})
#: Longest text handed to spaCy at once (characters); longer texts are cut at a paragraph.
MAX_CHARS = 200_000


def _model_for(lang: str) -> str | None:
    chosen = os.environ.get("STORYLINE_SPACY_MODEL", "").strip()
    if chosen:
        return None if chosen == "blank" else chosen
    for name in KNOWN_MODELS.get(lang, ()):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


@Language.component("storyline_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and table rows carry no full stop.

    spaCy keeps line breaks as whitespace tokens (a token's trailing ``whitespace_`` is at
    most one space), so only those tokens are looked at, found through one array read.
    """
    if len(doc) < 2:
        return doc
    spaces = doc.to_array("IS_SPACE")[:-1].nonzero()[0]
    for i in spaces.tolist():
        if "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=16)
def pipeline(lang: str | None = None) -> Language:
    """The pipeline for ``lang`` (ISO 639-1; None or unknown: English rules)."""
    code = lang if lang in BLANK_LANGS else "en"
    model = _model_for(code)
    if model is not None:
        nlp = spacy.load(model, exclude=["lemmatizer"] if code != "en" else [])
    else:
        nlp = spacy.blank(code)
    _sentences(nlp)
    nlp.max_length = MAX_CHARS + 1
    return nlp


def _sentences(nlp: Language) -> None:
    """Sentences in every pipeline, and a line break always ends one.

    A pipeline without a parser or sentence recogniser gets the rule sentencizer. The
    line-break component goes right after whatever sets sentences and before the parser (a
    parsed doc refuses new sentence starts; the parser keeps the ones already set).
    """
    names = nlp.pipe_names
    if not any(n in names for n in ("parser", "senter", "sentencizer")):
        nlp.add_pipe("sentencizer")
    names = nlp.pipe_names
    if "storyline_line_breaks" in names:
        return
    if "parser" in names:
        nlp.add_pipe("storyline_line_breaks", before="parser")
    else:
        setter = max(names.index(n) for n in ("senter", "sentencizer") if n in names)
        nlp.add_pipe("storyline_line_breaks", after=names[setter])


def statistical(nlp: Language) -> bool:
    """Whether ``nlp`` carries a trained entity recogniser (not just our rules)."""
    return "ner" in nlp.pipe_names


#: ``Doc.user_data`` key of the text a doc was made from (see ``text_of``).
TEXT_KEY = "storyline.text"


def text_of(doc: Doc) -> str:
    """``doc.text``, built once per doc: spaCy joins every token's text on each access
    (about a millisecond and a half for a news article), and every stage needs it."""
    text = doc.user_data.get(TEXT_KEY)
    if not isinstance(text, str):
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text
