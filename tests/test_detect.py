import pytest

from cscetl.detect import UnsupportedFormat, detect_format

CASES = [
    (b"%PDF-1.7\n...", "x.bin", "pdf"),
    (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "page.txt", "html"),
    (b"\xef\xbb\xbf<html><head><title>t</title></head></html>", "", "html"),
    (b"<!-- saved page --><div><p>a</p></div>", "", "html"),
    (b"Council news\n\nThe cabinet met on Tuesday.", "note.html", "text"),
]


@pytest.mark.parametrize("data,name,want", CASES)
def test_detect(data, name, want):
    assert detect_format(data, name) == want


@pytest.mark.parametrize(
    "data,name,reason",
    [
        (b"PK\x03\x04rest", "a.html", "zip"),
        (b"\x89PNG\r\n", "a.pdf", "PNG"),
        (b"\x00\x01\x02\x03binary", "a.html", "binary"),
        (b"<html><body>Not Found</body></html>"[:0] + b"Error 404 not found", "report.pdf", "not a PDF"),
    ],
)
def test_refused_with_reason(data, name, reason):
    with pytest.raises(UnsupportedFormat, match=reason):
        detect_format(data, name)


# --- UTF-16/UTF-32 text, and content that is not language ----------------------------------------

import base64  # noqa: E402
import random  # noqa: E402
import string  # noqa: E402

from cscetl.decode import decode_bytes  # noqa: E402
from cscetl.detect import check_language, wordy_share  # noqa: E402

PROSE = ("Exampleton's children's services were judged good by Ofsted inspectors, who said that leaders "
         "understand the service well and that social workers know their children. The council's co-operation "
         "with partners has improved since 2019/20, when 3.4% of referrals (about £1,200 a case) were repeats.\n")


def rand_text(alphabet: str, n: int = 200_000, seed: int = 12) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(alphabet) for _ in range(n))


WIDE = [
    # name, bytes: each must be read as the prose it encodes
    ("utf-16-le BOM", b"\xff\xfe" + (PROSE * 3).encode("utf-16-le"), "text"),
    ("utf-16-be BOM", b"\xfe\xff" + (PROSE * 3).encode("utf-16-be"), "text"),
    ("utf-32-le BOM", b"\xff\xfe\x00\x00" + (PROSE * 3).encode("utf-32-le"), "text"),
    ("utf-32-be BOM", b"\x00\x00\xfe\xff" + (PROSE * 3).encode("utf-32-be"), "text"),
    ("utf-16 html", ("\ufeff<!DOCTYPE html><html><body><p>" + PROSE + "</p></body></html>").encode("utf-16-le"), "html"),
    ("utf-16-le no BOM", (PROSE * 3).encode("utf-16-le"), "text"),
    ("utf-16-be no BOM", (PROSE * 3).encode("utf-16-be"), "text"),
    ("utf-16 curly quotes", ("“Good”, said the council’s director. " * 20).encode("utf-16"), "text"),
]


@pytest.mark.parametrize("name,data,want", WIDE, ids=[w[0] for w in WIDE])
def test_wide_unicode_text_is_read(name, data, want):
    assert detect_format(data, "page.txt") == want
    text = decode_bytes(data)
    assert "\x00" not in text and "\ufffd" not in text
    assert ("children's services" in text) or ("council’s director" in text)


NOT_LANGUAGE = [
    ("random printable", rand_text(string.printable).encode()),
    ("random ascii 32-126", rand_text("".join(map(chr, range(32, 127)))).encode()),
    ("random with many spaces", rand_text(string.ascii_letters + string.digits + string.punctuation + " " * 12).encode()),
    ("base64 lines", base64.encodebytes(random.Random(3).randbytes(150_000))),
    ("hex without spaces", random.Random(4).randbytes(50_000).hex().encode()),
    ("only punctuation", rand_text("!@#$%^&*()[]{};:<>?|~-=+ ").encode()),
    ("utf-16 BOM then random", b"\xff\xfe" + rand_text("".join(map(chr, range(33, 127))), 20_000).encode("utf-16-le")),
]


@pytest.mark.parametrize("name,data", NOT_LANGUAGE, ids=[n[0] for n in NOT_LANGUAGE])
def test_not_language_is_refused(name, data):
    with pytest.raises(UnsupportedFormat, match="does not read as language"):
        detect_format(data, "news.html", "text/html")


def test_utf16_bom_before_binary_is_still_binary():
    with pytest.raises(UnsupportedFormat, match="binary"):
        detect_format(b"\xff\xfe" + bytes(range(256)) * 8, "a.txt")


TABLE = "\n".join(f"| {la} | {y} | {n:,} | {p:.1f}% | £{c:,.2f} |" for la, y, n, p, c in
                  [(f"Council {i}", 2010 + i % 14, 1000 + 37 * i, (i * 7.3) % 100, 1234.5 * i) for i in range(300)])
SHORT_JUNK = "x9#k!@ q(*&^ zz}{ ~~~ ]]] " * 10  # under the judging minimum: a short page is never refused
URLS = "\n".join(f"https://www.example.gov.uk/news/2024/{i:03d}/children-s-services-update?ref=feed&id={i * 97}" for i in range(200))
MINUTES = "\n".join(f"{i}.{j}  Item {i}({'abc'[j % 3]})(ii): RESOLVED that the report at Appendix {i}-{j} be noted; "
                    f"vote 7–2 (Cllrs A. Smith, B. O'Neill-Jones). Ref: CSC/2024/{i:02d}{j:02d}."
                    for i in range(1, 30) for j in range(1, 4))
MARKDOWN = ("# Fostering sufficiency\n\n---\n\n| Year | Carers | Change |\n|------|--------|--------|\n"
            + "\n".join(f"| 20{y} | {300 + y} | +{y % 5} |" for y in range(10, 24)) + "\n\n***\n\n" + PROSE * 4)
XHTML_BIG_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
                  + '<script>var x={"a":[1,2,3],"b":"c%20d"};function f(a,b){return a&&b||x[a];}</script>' * 80
                  + '<style>.a{color:#fff;margin:0 1px}</style>' * 40 + "</head><body><p>" + PROSE * 3 + "</p></body></html>")
WELSH = ("Mae gwasanaethau plant y cyngor wedi gwella'n sylweddol, yn ôl arolygwyr Ofsted a ymwelodd â'r awdurdod "
         "ym mis Mawrth. Dywedodd y cyfarwyddwr fod staff yn gweithio'n galed i gefnogi teuluoedd. ") * 8
JAPANESE = "児童相談所の職員は、子どもたちの安全を守るために日々努力しています。報告書によると、改善が見られました。\n" * 30
NUMBERS = "\n".join(" ".join(f"{(i * j) % 997:>5}" for j in range(1, 15)) for i in range(1, 120))

MUST_LOAD = [
    ("prose", PROSE * 40),
    ("table of figures", TABLE),
    ("short junk", SHORT_JUNK),
    ("list of urls", URLS),
    ("committee minutes", MINUTES),
    ("markdown with rules", MARKDOWN),
    ("welsh", WELSH),
    ("japanese", JAPANESE),
    ("columns of numbers", NUMBERS),
]


@pytest.mark.parametrize("name,text", MUST_LOAD, ids=[m[0] for m in MUST_LOAD])
def test_real_looking_text_is_not_refused(name, text):
    assert detect_format(text.encode("utf-8"), "page.txt", "text/plain") in ("text", "html")
    check_language(text, "text")  # the same test as on an HTML page's extracted text


def test_markup_that_did_not_look_like_html_is_judged_without_its_scripts_and_tags():
    # XHTML with an XML prologue and a long <head> is not recognised as HTML, and was loaded as text
    assert wordy_share(XHTML_BIG_HEAD)[0] < 0.5
    assert detect_format(XHTML_BIG_HEAD.encode("utf-8"), "page", "text/html") == "text"


def test_a_long_utf8_page_cut_mid_character_is_judged_on_what_it_says():
    # the sample ends inside a multi-byte character: it must not turn into cp1252 mojibake and be refused
    text = ("The council’s “new” plan — agreed on Tuesday — puts children first. " * 2000)
    assert detect_format(text.encode("utf-8"), "page.txt") == "text"
