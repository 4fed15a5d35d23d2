"""HTML → main text and metadata.

trafilatura finds the article body (F1 0.96 on the 181-page benchmark, far above hand-written
BeautifulSoup rules); XPath on the same lxml tree reads metadata trafilatura leaves out
(JSON-LD, og:site_name). The page is parsed once: trafilatura, the metadata reader and htmldate
all work on that one tree.
"""
from __future__ import annotations

import json
import re
from datetime import date

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.external import SANITIZED_XPATH
from trafilatura.utils import load_html

from cscetl.detect import check_language
from cscetl.page import ParsedPage

# Below this many characters trafilatura's fallback extractors (readability, justext) may replace
# the rule-based result, so a short extraction is redone with them. On the 181 benchmark pages
# they changed only results under 900 characters; a long one they would need to more than double.
FALLBACK_CHECK_BELOW = 1500


def _iso_date(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _jsonld_items(texts: list[str]) -> list[dict]:
    items: list[dict] = []
    for text in texts:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                items.append(item)
                stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
    return items


class _MetaTags:
    """The page's first <meta property=…> and first <meta name=…> for each value, from one walk over the tree."""

    def __init__(self, tree: HtmlElement):
        self.by_property: dict[str, HtmlElement] = {}
        self.by_name: dict[str, HtmlElement] = {}
        for tag in tree.iter("meta"):
            if (prop := tag.get("property")) is not None:
                self.by_property.setdefault(prop, tag)
            if (name := tag.get("name")) is not None:
                self.by_name.setdefault(name, tag)

    def first(self, *names: str) -> str | None:
        for name in names:
            # a <meta property=…> with no content hides a <meta name=…> of the same value (as it always has)
            tag = self.by_property.get(name)
            if tag is None:
                tag = self.by_name.get(name)
            if tag is not None and tag.get("content"):
                return tag.get("content").strip()
        return None


def _title(tree: HtmlElement) -> str | None:
    # <head>'s <title>, not an SVG icon's <title> in the body
    for tag in tree.iterfind(".//head//title"):
        return tag.text.strip() if tag.text and len(tag) == 0 else None
    return None


def _person(value: object) -> str | None:
    if isinstance(value, list):
        names = [_person(v) for v in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        return value.get("name")
    return str(value) if value else None


# <p class="byline">By Jane Doe</p>, <a rel="author">Jane Doe</a>, <span itemprop="author">…
_BYLINE_MARKUP = re.compile(
    r"""<[^>]+(?:class|itemprop|rel)=["'][^"']*\b(?:byline|author|writer)\b[^"']*["'][^>]*>(?:\s*<[^>]+>)*\s*"""
    r"""(?:[Bb]y\s+)?(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*<""",
)


def page_metadata(html: str, tree: HtmlElement | None = None) -> dict:
    """Title, author, publisher and date declared by the page's own markup (meta tags, JSON-LD).

    `tree` is the page already parsed by trafilatura's loader; XPath on it costs far less than
    parsing the <head> again.
    """
    tree = load_html(html) if tree is None else tree
    if tree is None:
        return {}
    tags = _MetaTags(tree)
    meta: dict = {}
    for item in _jsonld_items(tree.xpath("//script[@type='application/ld+json']/text()")):
        if "Article" in str(item.get("@type", "")) or "datePublished" in item:
            meta.setdefault("published", _iso_date(item.get("datePublished")))
            meta.setdefault("author", _person(item.get("author")))
            meta.setdefault("title", item.get("headline"))
            meta.setdefault("publisher", _person(item.get("publisher")))
    meta = {k: v for k, v in meta.items() if v}
    meta.setdefault("published", _iso_date(tags.first("article:published_time", "datePublished", "date", "dc.date", "DC.date.issued")))
    meta.setdefault("author", tags.first("author", "article:author", "dc.creator"))
    if not meta.get("author") or str(meta["author"]).startswith("http"):
        m = _BYLINE_MARKUP.search(html)
        if m:
            meta["author"] = m.group("name")
    meta.setdefault("publisher", tags.first("og:site_name", "publisher", "application-name"))
    meta.setdefault("title", tags.first("og:title", "twitter:title") or _title(tree))
    meta = {k: v for k, v in meta.items() if v}
    if meta.get("title") and meta.get("publisher"):
        # "Headline | Site Name" → "Headline"
        meta["title"] = re.sub(rf"\s*[|\-–—:]\s*{re.escape(meta['publisher'])}\s*$", "", meta["title"]) or meta["title"]
    return meta


def _extract(tree: HtmlElement, url: str | None, fast: bool):
    # trafilatura's own metadata pass costs a third of its time; page_metadata and htmldate's
    # quick search give the same fields for less. bare_extraction copies a tree it is given.
    return trafilatura.bare_extraction(
        tree, url=url, fast=fast, with_metadata=False, include_comments=False, include_tables=True, favor_precision=True
    )


def _fallbacks_could_change(doc) -> bool:
    """Whether trafilatura's fallback extractors might replace this fast (rule-based) result.

    They step in when the result is short, has no paragraph text, is mostly tables, or keeps
    unclean markup (trafilatura.external.compare_extraction).
    """
    body = doc.body
    if len(doc.text or "") < FALLBACK_CHECK_BELOW or body is None:
        return True
    paragraphs = len(body.findall(".//p"))
    if not body.xpath(".//p//text()") or len(body.findall(".//table")) > paragraphs:
        return True
    return bool(body.xpath(SANITIZED_XPATH))


def main_text(tree: HtmlElement, url: str | None = None) -> str:
    """The article text: trafilatura's fast mode, redone with its fallbacks only where they may matter.

    The fallbacks (readability on a pruned copy of the page, then justext) cost as much as the
    main extraction and only ever change short or malformed results.
    """
    doc = _extract(tree, url, fast=True)
    if doc is None or _fallbacks_could_change(doc):
        doc = _extract(tree, url, fast=False)
    return (doc.text if doc is not None else "") or ""


def _visible_text(html: str) -> str:
    from bs4 import BeautifulSoup  # only for the rare page trafilatura finds no article in

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer"]):
        tag.decompose()
    return "\n".join(line.strip() for line in soup.get_text("\n").splitlines() if line.strip())


def parse_html(html: str, url: str | None = None) -> ParsedPage:
    tree = load_html(html)  # parsed once, as bare_extraction would parse it
    text = main_text(tree, url) if tree is not None else ""
    if not text.strip():
        # trafilatura found no article (very short or unusual page): fall back to all visible text.
        text = _visible_text(html)
    # random or encoded bytes wrapped in tags are not an article (UnsupportedFormat: the page is refused)
    check_language(text, "the page's text")
    meta = page_metadata(html, tree)
    published = meta.get("published")
    if published is None:
        try:
            # htmldate deep-copies a tree before pruning it, so ours is left as it is
            published = _iso_date(find_date(html if tree is None else tree, extensive_search=False, original_date=True, url=url))
        except (ValueError, TypeError):  # htmldate gives up on some malformed pages
            published = None
    return ParsedPage(
        format="html",
        text=text,
        title=meta.get("title"),
        author=meta.get("author"),
        publisher=meta.get("publisher"),
        published=published,
    )
