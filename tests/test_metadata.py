"""Document metadata from the page itself: kind, byline, dates, publisher. Texts written for the tests."""
from datetime import date

import pytest

from cscetl.metadata import date_in_name, header_metadata, infer_kind, letter_signatory, publisher_from_url
from cscetl.parse_html import page_metadata

LETTER = "3 March 2023\n\nDear Ms Example\n\nMonitoring visit to Exampleton children's services\n\nThis letter sets out what Ofsted inspectors found.\n\nYours sincerely\n\nRuth Abara\nHis Majesty's Inspector"
REPORT = "Inspection of Exampleton local authority children's services\nInspection dates: 6 to 17 March 2023\nJudgement Grade"
MINUTES = "Minutes of the meeting of the Children's Scrutiny Committee\nPresent: Councillors A, B\nApologies: Councillor C\nResolved: That the report be noted."
PRESS = "Council welcomes report\n\nThe council said it was pleased.\n\nNotes to editors\n\n1. The council has 300 children in care."
NEWS = "Council welcomes report\n\nThe council's press office said in a press release that it was pleased with the Ofsted letter."


@pytest.mark.parametrize(
    "text,fmt,url,kind",
    [
        (LETTER, "pdf", None, "ofsted_letter"),
        (REPORT, "pdf", None, "ofsted_report"),
        (MINUTES, "html", None, "minutes"),
        (PRESS, "html", None, "press_release"),
        ("Media release\n\nCouncil appoints new director of children's services.", "html", None, "press_release"),
        ("Council appoints new director of children's services.", "html", "https://www.exampleton.gov.uk/news/new-director", "press_release"),
        # near misses: a news story that mentions a press release, or Ofsted, or a letter
        (NEWS, "html", "https://www.examplepost.co.uk/news/1", "news"),
        ("Readers' letters\n\nDear editor, the Ofsted report on our schools was unfair.", "html", None, "news"),
    ],
)
def test_infer_kind(text, fmt, url, kind):
    assert infer_kind(text, fmt, url) == kind


@pytest.mark.parametrize(
    "text,author,published",
    [
        ("Headline about foster care in the county\nDan Example\nFriday, May 10, 2019\nBody text.", "Dan Example", date(2019, 5, 10)),
        ("Headline about foster care in the county\nBy Jo Example\nPublished: 8th Jun 2018\nBody.", "Jo Example", date(2018, 6, 8)),
        ("Headline about foster care in the county\n19/04/23\nBody.", None, date(2023, 4, 19)),
        ("24 March 2017\n\nDear Director\n\nBody of a letter.", None, date(2017, 3, 24)),
        # near misses: a lone capitalised line is not a byline; a sentence with a date is not a date line
        ("Headline about foster care in the county\nChildren Services\nThe council met on 4 May 2021 to agree it.", None, None),
    ],
)
def test_header_metadata(text, author, published):
    meta = header_metadata(text)
    assert (meta.author, meta.published) == (author, published)


def test_byline_and_date_lines_leave_the_body():
    meta = header_metadata("Headline about foster care in the county\nBy Jo Example\nFriday, May 10, 2019\nBody.")
    assert meta.header_lines == ["By Jo Example", "Friday, May 10, 2019"]


def test_letter_author_is_its_signatory_not_its_addressee():
    text = "3 March 2023\n\nMs Jane Addressee\nDirector of Children's Services\n\nDear Ms Addressee\n\nBody.\n\nYours sincerely\n\nRuth Abara HMI"
    assert header_metadata(text, "ofsted_letter").author == "Ruth Abara"
    assert letter_signatory("No sign-off here.") is None


@pytest.mark.parametrize(
    "name,want",
    [
        ("https://www.example.co.uk/news/2019/05/10/story", date(2019, 5, 10)),
        ("barnsley-2023-10-27-ilacs.pdf", date(2023, 10, 27)),
        ("report_2021_02_30.pdf", None),  # not a real date
        ("story-20190510", None),  # digits run together are not read as a date
    ],
)
def test_date_in_name(name, want):
    assert date_in_name(name) == want


@pytest.mark.parametrize(
    "html,want",
    [
        ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", "datePublished": "2024-01-12T09:00:00Z", "author": {"name": "Ann Ex"}, "publisher": {"name": "Example Post"}}</script></head></html>',
         {"published": date(2024, 1, 12), "author": "Ann Ex", "publisher": "Example Post", "title": "H"}),
        ('<html><head><title>Big story | Example Post</title><meta property="og:site_name" content="Example Post"><meta property="article:published_time" content="2023-05-02"></head><body><p class="byline">By Sam Writer</p></body></html>',
         {"published": date(2023, 5, 2), "author": "Sam Writer", "publisher": "Example Post", "title": "Big story"}),
        ('<html><head><script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", "datePublished": "2025-03-11"}]}</script></head></html>',
         {"published": date(2025, 3, 11)}),
    ],
)
def test_page_metadata(html, want):
    got = page_metadata(html)
    assert {k: got.get(k) for k in want} == want


@pytest.mark.parametrize("url,want", [("https://www.example.co.uk/a", "example.co.uk"), ("https://news.example.org/x", "news.example.org"), (None, None)])
def test_publisher_from_url(url, want):
    assert publisher_from_url(url) == want


def test_minutes_marks_counted_as_findall_does():
    from cscetl.metadata import _MINUTES, _minutes_marks
    from cscetl.scan import lowered
    for text in ("Minutes of the Cabinet meeting\n  \n  Present: Cllr A\nApologies: none",
                 "x\n\t resolved that it be noted\nAgenda item 4\nChair: B",
                 "represented by the chairs", "Chairman :\nDeclarations of interest\nſ present:"):
        assert _minutes_marks(text, lowered(text), 10**6) == len(_MINUTES.findall(text))
    assert infer_kind("Minutes of the Cabinet meeting\nPresent: Cllr A\nApologies: none", "html") == "minutes"


@pytest.mark.parametrize("first_line, title", [
    ("Inspection of Exampleton local authority children’s services Inspection dates: 11 to 22 May 2026",
     "Inspection of Exampleton local authority children’s services"),
    ("Inspection of Exampleton local authority children’s services Inspection date: 11 – 22 July 2022",
     "Inspection of Exampleton local authority children’s services"),
    ("Joint targeted area inspection of Exampleton", "Joint targeted area inspection of Exampleton"),
    ("Council publishes its dates for the inspection of care homes", "Council publishes its dates for the inspection of care homes"),
])
def test_title_stops_before_a_report_s_dates(first_line, title):
    assert header_metadata(first_line + "\nThe body of the report follows here.", "ofsted_report").title == title
