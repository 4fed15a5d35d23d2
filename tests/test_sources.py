import re
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


# --- A file with no sources, or with a mistyped table, is refused (a run would empty every view) ---

EMPTY = [
    # name, file body, message fragments
    ("empty file", "", ["no [[sources]] entries", "--allow-empty"]),
    ("only comments", "# nothing yet\n", ["no [[sources]] entries"]),
    ("empty array", "sources = []\n", ["no [[sources]] entries"]),
    ("only fetch", "[fetch]\ntimeout_s = 5\n", ["no [[sources]] entries"]),
]

TYPOS = [
    ("[[source]]", '[[source]]\npath = "a.html"\n', ["line 1: unknown table array [[source]] (did you mean [[sources]]?)"]),
    ("[[Sources]] after a good one", '[[sources]]\npath = "a.html"\n\n[[Sources]]\npath = "b.html"\n',
     ["line 4: unknown table array [[Sources]] (did you mean [[sources]]?)"]),
    ("[source]", '[source]\npath = "a.html"\n', ["line 1: unknown table [source] (did you mean [[sources]]?)"]),
    ("[fetchh]", '[[sources]]\npath = "a.html"\n[fetchh]\ntimeout_s = 5\n', ["line 3: unknown table [fetchh] (did you mean [fetch]?)"]),
    ("stray key", 'title = "my pages"\n[[sources]]\npath = "a.html"\n', ["line 1: unknown key 'title'", "[[sources]] entries"]),
]


@pytest.mark.parametrize("name,body,fragments", EMPTY, ids=[e[0] for e in EMPTY])
def test_no_sources_is_refused_unless_allowed(tmp_path, name, body, fragments):
    p = write(tmp_path, body)
    with pytest.raises(SourcesError) as err:
        load_sources(p)
    message = str(err.value)
    assert "\n" not in message and all(f in message for f in fragments), message
    assert load_sources(p, allow_empty=True) == []


@pytest.mark.parametrize("name,body,fragments", TYPOS, ids=[t[0] for t in TYPOS])
def test_unknown_top_level_tables_are_refused_with_a_suggestion(tmp_path, name, body, fragments):
    p = write(tmp_path, body)
    for allow_empty in (False, True):  # a typo is never what was asked for
        with pytest.raises(SourcesError) as err:
            load_sources(p, allow_empty=allow_empty)
        message = str(err.value)
        assert "\n" not in message and all(f in message for f in fragments), message


# --- Every key is typed; a bad entry says where it is and what was meant --------------------------

ENTRY_CASES = [
    # name, entry body (after [[sources]]), problem fragments (None: loads)
    ("listing as a string", 'url = "https://x.example/news"\nlisting = "no"', ["listing must be a boolean (true or false, without quotes), not the string 'no'"]),
    ("publisher as a number", 'path = "a.html"\npublisher = 5', ["publisher must be a string, not the integer 5"]),
    ("url as a number", "url = 7", ["url must be a string, not the integer 7"]),
    ("path as a number", "path = 1", ["path must be a string, not the integer 1"]),
    ("kind as an array", 'path = "a.html"\nkind = ["news"]', ["kind must be a string, not the array"]),
    ("max_links as a bool", 'url = "https://x.example/n"\nlisting = true\nmax_links = true', ["max_links must be an integer", "boolean True"]),
    ("max_links as a float", 'url = "https://x.example/n"\nlisting = true\nmax_links = 2.5', ["max_links must be an integer", "float 2.5"]),
    ("published as a time", 'path = "a.html"\npublished = 07:32:00', ["published must be a date, not the time"]),
    ("published as a number", 'path = "a.html"\npublished = 2019', ["published must be a date, not the integer 2019"]),
    ("link_pattern as a number", 'url = "https://x.example/n"\nlisting = true\nlink_pattern = 5', ["link_pattern must be a string"]),
    ("misspelt key", 'path = "a.html"\npublsher = "Example Post"', ["unknown key 'publsher' (did you mean 'publisher'?)"]),
    ("unrelated key", 'path = "a.html"\ncolour = "red"', ["unknown key 'colour'"]),
    ("kind misspelt", 'path = "a.html"\nkind = "press-release"', ["kind 'press-release' is not one of", "did you mean 'press_release'?"]),
    ("NUL in path", 'path = "a\\u0000.html"', ["path contains a NUL byte"]),
    ("blank path", 'path = "   "', ["path is blank"]),
    ("url with a space", 'url = "https://x.example/a page"', ["must not contain spaces"]),
    ("url with no host", 'url = "https:///a"', ["no host name"]),
    ("url with a bad port", 'url = "https://x.example:99999/a"', ["url is malformed"]),
    # near misses that load
    ("listing false", 'url = "https://x.example/news"\nlisting = false', None),
    ("published as a string", 'path = "a.html"\npublished = "2020-01-02"', None),
    ("published as a date-time", 'path = "a.html"\npublished = 2020-01-02T10:00:00Z', None),
    ("empty url beside a path", 'path = "a.html"\nurl = ""', None),
    ("every key", 'url = "https://x.example/n"\nlisting = true\nlink_pattern = "/n/"\nmax_links = 3\nkind = "news"\n'
                  'publisher = "P"\npublished = 2020-01-02', None),
]


@pytest.mark.parametrize("name,entry,fragments", ENTRY_CASES, ids=[c[0] for c in ENTRY_CASES])
def test_each_key_is_typed_and_a_bad_entry_names_its_line(tmp_path, name, entry, fragments):
    body = '# my sources\n\n[[sources]]\npath = "first.html"\n\n[[sources]]\n' + entry + '\n\n[[sources]]\npath = "last.html"\n'
    first, bad, last = load_sources(write(tmp_path, body))
    assert first.problem is None and last.problem is None  # the rest load
    if fragments is None:
        assert bad.problem is None, bad.problem
    else:
        assert bad.problem is not None and bad.problem.startswith("sources[1] (line 6): "), bad.problem
        assert all(f in bad.problem for f in fragments), bad.problem


def test_symlink_loop_in_a_path_does_not_stop_loading(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    loop, good = load_sources(write(tmp_path, '[[sources]]\npath = "a/page.html"\n[[sources]]\npath = "good.html"\n'))
    assert loop.problem is None and loop.path == tmp_path / "a" / "page.html"  # reading it is what fails (acquire)
    assert good.path == (tmp_path / "good.html").resolve()


def test_lines_are_left_out_when_entries_are_inline(tmp_path):
    (bad,) = load_sources(write(tmp_path, 'sources = [ { path = "a.html", listing = "no" } ]\n'))
    assert bad.problem.startswith("sources[0]: listing must be a boolean"), bad.problem


FETCH_CASES = [
    ("[fetch]\ntimeout_s = 5\nper_host_concurency = 4\n", "line 1: unknown [fetch] key 'per_host_concurency' (did you mean 'per_host_concurrency'?)"),
    ("[fetch]\ntimeout_s = \"5\"\n", "line 1: [fetch] key 'timeout_s' must be float"),
    ("fetch = 5\n", "fetch must be a table ([fetch]), not an integer"),
]


@pytest.mark.parametrize("body,fragment", FETCH_CASES)
def test_fetch_table_is_checked_with_its_line(tmp_path, body, fragment):
    from cscetl.sources import load_fetch_settings

    p = write(tmp_path, body + '\n[[sources]]\npath = "a.html"\n')
    with pytest.raises(SourcesError, match=re.escape(fragment)):
        load_fetch_settings(p)


def test_sources_file_that_is_a_directory_is_refused_clearly(tmp_path):
    with pytest.raises(SourcesError, match="cannot read sources file"):
        load_sources(tmp_path)
