"""HTML pages → text and metadata: one parse, trafilatura's fallbacks only where they may matter. Pages written for the tests."""
from datetime import date

import pytest
import trafilatura

from cscetl import parse_html as ph

SENTENCE = "The council said its children's services had improved since the last inspection by Ofsted in the spring. "


def page(body: str, head: str = "<title>Story | Example Post</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><nav><a href='/'>Home</a></nav><main><article>{body}</article></main></body></html>"


LONG = page("<h1>Council services improve</h1>" + "".join(f"<p>Point {i}. {SENTENCE * 3}</p>" for i in range(8)))
SHORT = page("<h1>Council services improve</h1><p>The council said it was pleased.</p>")


@pytest.fixture
def extraction_modes(monkeypatch):
    modes = []
    real = trafilatura.bare_extraction

    def spy(*args, **kwargs):
        modes.append(kwargs["fast"])
        return real(*args, **kwargs)

    monkeypatch.setattr(ph.trafilatura, "bare_extraction", spy)
    return modes


def test_long_article_needs_only_the_fast_pass(extraction_modes):
    text = ph.parse_html(LONG).text
    assert extraction_modes == [True]
    assert text.count("children's services had improved") == 24


def test_short_result_is_redone_with_the_fallbacks(extraction_modes):
    assert "pleased" in ph.parse_html(SHORT).text
    assert extraction_modes == [True, False]


def test_fast_pass_gives_the_full_cascade_text_on_a_long_article():
    tree = ph.load_html(LONG)
    full = trafilatura.bare_extraction(tree, fast=False, include_comments=False, include_tables=True, favor_precision=True)
    assert ph.main_text(tree) == full.text


def test_metadata_after_an_early_head_close_is_read():
    # some CMSs close <head> early and print the rest of the head into the body
    html = (
        "<html><head><title>Story - Example Post</title></head><body>"
        '<meta property="og:site_name" content="Example Post"><meta property="og:title" content="Story">'
        '<meta property="article:published_time" content="2023-05-02T10:00:00Z">'
        f"<article><p>{SENTENCE}</p></article></body></html>"
    )
    meta = ph.page_metadata(html)
    assert meta == {"title": "Story", "publisher": "Example Post", "published": date(2023, 5, 2)}


def test_empty_meta_content_falls_through_to_the_next_name():
    head = '<meta property="article:published_time" content=""><meta name="date" content="2022-11-30">'
    assert ph.page_metadata(page("<p>x</p>", head))["published"] == date(2022, 11, 30)


def test_svg_title_in_the_body_is_not_the_page_title():
    html = f"<html><head></head><body><svg><title>Search icon</title></svg><p>{SENTENCE}</p></body></html>"
    assert "title" not in ph.page_metadata(html)


def test_date_from_htmldate_when_the_head_has_none():
    parsed = ph.parse_html(LONG, url="https://www.examplepost.example/news/2021/03/09/council-services-improve")
    assert parsed.published == date(2021, 3, 9)
    assert (parsed.title, parsed.publisher) == ("Story | Example Post", None)


def test_page_without_an_article_falls_back_to_visible_text():
    assert ph.parse_html("<html><body><div>Closed for the day.</div></body></html>").text == "Closed for the day."
