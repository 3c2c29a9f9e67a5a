"""HTML pages: main text and metadata through trafilatura, and the verdict "is this an article?".

Pages that are not articles (section fronts, login walls, empty shells) are common in crawls;
they are rejected here with the reason, instead of polluting stories with menu text.
"""

from __future__ import annotations

import re
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from storyline.models import RawDocument, Reject
from storyline.text.length import word_count

#: Deepest nesting libxml2's huge-tree parser reads (its own limit, not ours).
MAX_DEPTH = 2048
#: Below this many words of main text, a page is not an article.
MIN_ARTICLE_WORDS = 40

_PAYWALL = re.compile(
    r"(subscribe|sign in|log ?in|register) to (continue|keep) reading|"
    r"(already a subscriber|create (a free )?account to read|this (article|content) is for "
    r"subscribers)|jetzt (abonnieren|anmelden)|(inicia sesi[oó]n|suscr[ií]bete) para (seguir|leer)",
    re.I,
)
_DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}


def extract_text_blocks(fragment: str) -> str:
    """Readable text of an HTML fragment (feed content), one block per paragraph."""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//iframe|//form"):
        bad.drop_tree()
    for br in root.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    blocks = "p|div|h1|h2|h3|h4|h5|h6|li|blockquote|pre|tr|figcaption|section|article"
    for el in root.xpath("|".join(f"//{b}" for b in blocks.split("|"))):
        el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t\r\f\v]+", " ", text)).strip()


_XML_DECLARATION = re.compile(r"<\?xml[^>]*>", re.I)
_OPEN_TITLE = re.compile(r"<title[^>]*>", re.I)


def repair_markup(text: str) -> str:
    """Mend the breakage that makes a parser swallow a whole page.

    An XML declaration in a decoded string is refused by lxml; a ``<title>`` that is never
    closed (common in old crawls) turns the entire page into title text.
    """
    head = _XML_DECLARATION.sub("", text[:2000], count=1)
    text = head + text[2000:]
    m = _OPEN_TITLE.search(text[:20000])
    if m and "</title>" not in text[m.end() : m.end() + 100000].lower():
        end = text.find("\n", m.end())
        end = m.end() + 300 if end < 0 or end - m.end() > 300 else end
        text = f"{text[:end]}</title>{text[end:]}"
    return text


def _anchor_texts(tree: Any) -> set[str]:
    return {
        " ".join(a.text_content().split()).lower()
        for a in tree.iter("a")
        if a.text_content().strip()
    }


def parse_html(text: str, *, origin: str, url: str | None = None) -> RawDocument | Reject:
    """Parse a decoded HTML page into a RawDocument, or say why it is not an article."""
    text = repair_markup(text)
    # libxml2 stops at 256 levels of nesting and silently drops the rest of the page; the
    # huge-tree parser goes to MAX_DEPTH, and a page deeper still is said to be so.
    parser = lxml_html.HTMLParser(huge_tree=True)
    try:
        tree = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        return Reject(origin, f"HTML could not be parsed ({exc or 'empty document'})")
    if any("Excessive depth" in e.message for e in parser.error_log):
        return Reject(origin, f"HTML nested too deeply to read (over {MAX_DEPTH} levels)")
    lang = (tree.get("lang") or tree.get("xml:lang") or "").split("-")[0].lower() or None
    anchors = _anchor_texts(tree)
    # Tables are left out first: in an article they hold data (results, prices), not prose.
    # But pages laid out with tables (old sites, some current ones) keep the article itself
    # in one, and without it trafilatura falls back on a menu or finds nothing.
    doc, body = _extract(tree, url, tables=False)
    reason = _not_article(body, tree, anchors)
    if reason:
        with_tables, more = _extract(tree, url, tables=True)
        if not _not_article(more, tree, anchors):
            doc, body, reason = with_tables, more, None
    if reason:
        return Reject(origin, f"not an article: {reason}")
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    title = (doc.title or "").strip() or None
    if title and lines and _same_line(lines[0], title):
        lines = lines[1:]
    return RawDocument(
        origin=origin,
        format="html",
        text="\n\n".join(lines),
        title=title,
        source=(doc.sitename or "").strip() or None,
        url=doc.url or url,
        published=doc.date or None,
        published_from="metadata" if doc.date else None,
        lang=lang,
        byline=(doc.author or "").strip() or None,
    )


def _extract(tree: Any, url: str | None, *, tables: bool) -> tuple[Any, str]:
    doc: Any = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=tables,
        date_extraction_params=_DATE_PARAMS,
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    return doc, _layout_cells(body) if tables else body


_TABLE_ROW = re.compile(r"^\|.*\|$")
_CELL_BORDER = re.compile(r"\s*\|\s*")


def _layout_cells(body: str) -> str:
    """Table rows ("| Story text |  |") as one paragraph per non-empty cell.

    Tables are only read when the article sits in a layout table, where a cell is a block of
    the page, not a datum; the pipes and empty cells would otherwise end up in the text.
    """
    lines = []
    for line in body.split("\n"):
        line = line.strip()
        if _TABLE_ROW.match(line):
            lines += [cell for cell in _CELL_BORDER.split(line) if cell]
        elif line:
            lines.append(line)
    return "\n".join(lines)


def _not_article(body: str, tree: Any, anchors: set[str]) -> str | None:
    """Why the extracted ``body`` is not an article, or None if it is one."""
    words = word_count(body)
    if _PAYWALL.search(body or tree.text_content()[:20000]) and words < 4 * MIN_ARTICLE_WORDS:
        return "login or paywall page"
    if words < MIN_ARTICLE_WORDS:
        return f"no main text found ({words} words)"
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    linked = [ln for ln in lines if _mostly_link(ln, anchors)]
    link_chars = sum(len(ln) for ln in linked)
    if len(linked) >= 5 and link_chars > 0.5 * sum(len(ln) for ln in lines):
        return f"index page ({len(linked)} of {len(lines)} lines are links)"
    return None


def _mostly_link(line: str, anchors: set[str]) -> bool:
    """A teaser line: the text of one link makes up most of it ("Jun 14 Blinken heads...")."""
    norm = " ".join(line.split()).lower()
    if norm in anchors:
        return True
    return any(len(a) >= 0.6 * len(norm) and a in norm for a in anchors)


def _same_line(a: str, b: str) -> bool:
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()
