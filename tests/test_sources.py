from datetime import date

import pytest

from cscetl.sources import SourcesError, load_sources


def write(tmp_path, body):
    p = tmp_path / "sources.toml"
    p.write_text(body, encoding="utf-8")
    return p


def test_entries_and_ids(tmp_path):
    p = write(tmp_path, """
[[sources]]
path = "pages/a.html"
url = "https://news.example/a"
kind = "news"
publisher = "Example Post"
published = 2019-05-10

[[sources]]
path = "pages/b.txt"
published = "2020-01-02"
""")
    a, b = load_sources(p)
    assert a.path == (tmp_path / "pages/a.html").resolve()
    assert a.source_url == "https://news.example/a"
    assert (a.kind, a.publisher, a.published) == ("news", "Example Post", date(2019, 5, 10))
    assert b.source_url == "file://" + str((tmp_path / "pages/b.txt").resolve())
    assert b.published == date(2020, 1, 2)
    assert a.doc_id != b.doc_id
    assert load_sources(p)[0].doc_id == a.doc_id  # stable


def test_bad_entries_are_kept_with_their_problem(tmp_path):
    p = write(tmp_path, """
[[sources]]
kind = "news"

[[sources]]
url = "ftp://example.org/x"

[[sources]]
path = "x.html"
kind = "blog"
""")
    problems = [s.problem for s in load_sources(p)]
    assert "needs a url or a path" in problems[0]
    assert "http(s)" in problems[1]
    assert "kind 'blog'" in problems[2]


def test_duplicates_dropped(tmp_path):
    p = write(tmp_path, '[[sources]]\npath = "a.html"\n[[sources]]\npath = "./a.html"\n')
    assert len(load_sources(p)) == 1


def test_malformed_file_names_the_line(tmp_path):
    p = write(tmp_path, '[[sources]]\npath = "a.html\n')
    with pytest.raises(SourcesError, match="line 2"):
        load_sources(p)


def test_missing_file(tmp_path):
    with pytest.raises(SourcesError, match="not found"):
        load_sources(tmp_path / "nope.toml")
