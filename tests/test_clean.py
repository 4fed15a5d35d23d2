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
    ("photo_credit", "Image source, Exampleton Council"),
    ("photo_credit", "Image caption, The family hub opened in the spring"),
    ("photo_credit", "Social workers at the new hub (credit: Jo Reyes / Adobe Stock)"),
    ("photo_credit", "Picture: Exampleton Borough Council"),
    ("video_promo", "Watch: Foster carers explain why they signed up"),
    ("video_promo", "Play video"),
    ("weather", "12°C Sunny intervals"),
    ("breadcrumb", "Home > News > Local"),
    ("share", "24 comments"),
    ("job_ads", "Jobs of the week"),
    ("job_ads", "Salary: £38,000 - £45,000"),
    ("site_furniture", "More like this"),
    ("paywall", "Sign in here"),
    ("read_more", "DON'T MISS: Bin strike talks to resume next week"),
    ("read_more", "Related Topics"),
    ("read_more", "LATEST: Road closed after crash on the bypass"),
    ("newsletter", "Get the biggest Exampleton stories by email"),
    ("newsletter", "We use your sign-up to provide content in ways you've consented to and to improve our understanding of you."),
    ("newsletter", "Thank you for subscribing!"),
    ("newsletter", "Something went wrong, please try again later."),
    ("share", "Share this page"),
    ("site_furniture", "Published 3 hours ago"),
    ("site_furniture", "Copyright 2024 Example Media Ltd. All rights reserved."),
    ("site_furniture", "Support our journalism and become a member today"),
    ("photo_credit", "Councillors at the town hall meeting (Image: Exampleton Council)"),
]

LOOKALIKES = [
    "Latest figures show 412 children were in care at the end of March.",
    "More than half of social workers said their caseloads were too high.",
    "Features of the new model include smaller teams and a consultant social worker in each.",
    "Related services for disabled children were judged good.",
    "Don't miss the point, the director said: children must come first.",
    "Watch the figures closely: the number of children in care rose again this year.",
    "Home visits were overdue for a third of children on a plan.",
    "The jobs market for qualified social workers remains tight, the director said.",
    "The picture is mixed: some teams have improved and others have not.",
    "Inspectors watched social workers speak with families during the visit.",
    "Credit is due to the front-line teams, the chief executive said.",
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


def test_caption_glued_to_itself_kept_once():
    cap = "Foster carers at the county's summer event."
    out, removed = clean_text(f"{cap}{cap}\n\nThe event raised money for the fostering fund.")
    assert out.startswith(cap) and out.count(cap) == 1
    assert [r.rule for r in removed] == ["glued_repeat"]


def test_headline_printed_twice_kept_once():
    out, removed = clean_text("Council tax rise agreed by cabinet\nCouncil tax rise agreed by cabinet\n\nBody text follows here.")
    assert out.count("Council tax rise agreed by cabinet") == 1


def test_notes_for_editors_kept():
    text = "Story text.\n\nNotes for editors\n\nAs at 31 March 2024, 412 children were looked after by the council."
    out, _ = clean_text(text)
    assert "Notes for editors" in out and "412 children were looked after" in out
