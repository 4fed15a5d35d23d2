"""Discovery: the article links on a listing page (a publisher's tag page, a council's news page).

extract_links is pure (HTML in, links out); discover() fetches the listings, remembers every link
ever seen per listing in the warehouse, and returns them as sources, so a link that has dropped
off the listing is still refreshed (cheaply, by conditional GET) on later runs.
"""
from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urldefrag, urljoin, urlparse

from bs4 import BeautifulSoup

from cscetl.decode import decode_bytes
from cscetl.fetch import FetchRequest, FetchSettings, fetch_many
from cscetl.sources import Source


def extract_links(html: str, base_url: str, pattern: str | None = None, same_host: bool = True, limit: int = 100) -> list[str]:
    """Absolute http(s) links on the page, in page order, deduplicated, fragment removed, that match pattern."""
    rx = re.compile(pattern) if pattern else None
    base_host = urlparse(base_url).hostname
    seen: set[str] = set()
    out: list[str] = []
    for a in BeautifulSoup(html, "lxml").find_all("a", href=True):
        url = urldefrag(urljoin(base_url, a["href"].strip()))[0]
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or url in seen or url.rstrip("/") == base_url.rstrip("/"):
            continue
        if same_host and parsed.hostname != base_host:
            continue
        if rx and not rx.search(url):
            continue
        seen.add(url)
        out.append(url)
        if len(out) >= limit:
            break
    return out


def discover(listings: list[Source], settings: FetchSettings, seen_before: dict[str, list[str]]) -> tuple[list[Source], dict[str, list[str]], list[tuple[Source, str]]]:
    """Fetch the listing pages; returns (article sources, links found now per listing, failures).

    seen_before maps a listing URL to the links it has shown on earlier runs; they stay sources.
    """
    results = fetch_many([FetchRequest(s.url or "") for s in listings], settings)
    found: dict[str, list[str]] = {}
    failures: list[tuple[Source, str]] = []
    articles: list[Source] = []
    for listing, res in zip(listings, results):
        links: list[str] = []
        if res.error or res.content is None:
            failures.append((listing, f"listing page: {res.error or 'no body'}"))
        else:
            html = decode_bytes(res.content, res.content_type)
            links = extract_links(html, res.final_url or listing.url or "", listing.link_pattern, limit=listing.max_links)
            found[listing.url or ""] = links
        everything = list(dict.fromkeys(links + seen_before.get(listing.url or "", [])))
        for link in everything:
            articles.append(replace(listing, url=link, path=None, listing=False, link_pattern=None))
    return articles, found, failures
