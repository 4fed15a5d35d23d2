"""Boilerplate rules: each furniture example must go, each look-alike content line must stay."""
import pytest

from cscetl.clean import clean_text

FURNITURE = [
    ("read_more", "READ MORE: Tamworth library to reopen after roof repairs"),
    ("read_more", "Read more: Council tax to rise by 4.99%"),
    ("read_more", "Related articles: Foster carers wanted across the county"),
    ("advert", "Advertisement"),
    ("advert", "Hide Ad"),
    ("paywall", "Register Now to Continue Reading"),
    ("paywall", "Subscribe"),
    ("price", "From £15 / month"),
    ("media_contact", "For media enquiries please contact the press office on 01632 960123"),
    ("media_contact", "Media enquiries: press@example.gov.uk"),
    ("photo_credit", "Photo: Sam Lee/Fotolia"),
    ("photo_credit", "Image caption,"),
    ("site_furniture", "Most Read"),
    ("site_furniture", "Was this page useful?"),
    ("newsletter", "Sign up to our daily newsletter for the latest local news"),
    ("letterhead", "Clarendon House 12 Market Street Exampleton EX1 2AB T 0300 123 4567 info@example.gov.uk"),
]

LOOKALIKES = [
    "Inspectors read more than 60 case files during the visit.",
    "The advertisement for a new director of children's services closed in March.",
    "Councillors agreed to subscribe to a regional fostering framework costing £15,000 a year.",
    "The photo of the new family centre shows the refurbished garden.",
    "Most children in care live within 20 miles of home.",
    "For media enquiries the council now uses a single inbox, the report noted in passing as a weakness.",
    "Notes for editors: 1,204 children were in need of help and protection at 31 March.",
]


@pytest.mark.parametrize("rule,line", FURNITURE)
def test_furniture_goes(rule, line):
    text = f"The council set out its plans on Monday.\n\n{line}\n\nSocial workers welcomed the news."
    out, removed = clean_text(text)
    assert line not in out
    assert (rule, line) in [(r.rule, r.text) for r in removed]
    assert "The council set out its plans on Monday." in out
    assert "Social workers welcomed the news." in out


@pytest.mark.parametrize("line", LOOKALIKES)
def test_lookalike_content_stays(line):
    out, removed = clean_text(f"Opening paragraph of the story.\n\n{line}\n\nClosing paragraph.")
    assert line in out, [r for r in removed]


def test_subscription_block_goes_whole():
    promo = "Care Weekly digital membership\n\n• Latest digital issues\n• Archive of more than 40,000 articles\n\nFrom £12 / month\n\nSubscribe"
    out, removed = clean_text("Story body sentence one.\n\n" + promo)
    assert out == "Story body sentence one."
    assert {r.rule for r in removed} == {"subscription_block"}


def test_membership_heading_without_a_price_stays():
    text = "Fostering membership\n\nThe county has 240 approved foster carers."
    out, _ = clean_text(text)
    assert "Fostering membership" in out


def test_caption_printed_twice_kept_once():
    cap = "The new children's hub opened in Exampleton town centre in May"
    out, removed = clean_text(f"{cap}\n{cap}\n\nThe hub brings three teams together.")
    assert out.count(cap) == 1
    assert [r.rule for r in removed] == ["repeated_block"]


def test_short_repeated_lines_stay():
    out, _ = clean_text("Yes.\n\nNo.\n\nYes.")
    assert out.count("Yes.") == 2
