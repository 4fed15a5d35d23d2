#!/usr/bin/env python3
"""Synthetic pages for the pipeline benchmark: N realistic sources in a folder plus a sources.toml.

    python bench/synthetic.py OUT_DIR [--n 1000] [--seed 7] [--workers 2]

Mix (by document index, deterministic from the seed; document i depends only on (seed, i), so the
first 1,000 pages of a 10,000-page set are the 1,000-page set):

* ~80% HTML news pages and council press releases, 5-20 KB, with the furniture real pages carry:
  cookie banner, navigation, breadcrumb, caption printed twice, photo credit, "READ MORE:" lines,
  advertisement slots, a subscription block inside the body, share tools, newsletter sign-up,
  most-read list, footer, inline scripts; JSON-LD on most pages (the rest leave the date to the
  byline or htmldate).
* ~10% PDFs: Ofsted-style monitoring-visit letters and inspection reports (fpdf2, core font,
  fixed creation date; a running header or footer and page numbers like the real ones).
* ~10% plain-text pages (a newsletter or a pasted article: headline, byline, date line, furniture).

Text: quotes ("Name, role, said: \"...\"", multi-paragraph quotes, trailing attributions, "It
reads:"), figures ("62% of social workers", "1,724 children in need", "£1.4 million",
"68 per 10,000 children"), inspection phrases ("the ninth monitoring visit since ... rated
inadequate in 2016", "an inspection between 11 and 22 July 2022 judged ... good") about real
English councils (src/cscetl/data/councils.csv). Every sentence comes from the templates below;
people, publishers and events are invented.

The folder holds a `.complete` marker once every page is written; callers reuse a complete folder.
"""
from __future__ import annotations

import argparse
import csv
import html
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COUNCILS_CSV = ROOT / "src" / "cscetl" / "data" / "councils.csv"

# ------------------------------------------------------------------------------------------ vocabulary

FIRST = ("Amara Bethan Callum Delphine Eamon Farida Gareth Hollie Idris Jasmine Kieran Lorna Marcus Nadia Oliver "
         "Priya Quentin Rhiannon Stellan Tamsin Umar Verity Wesley Yasmin Zachary Annika Bryn Cerys Dominic Esme "
         "Fergus Gwen Harvey Imogen Jonah Kavita Leon Maisie Niall Orla Pascal Rosalind Saul Thea").split()
LAST = ("Ashdown Bellamy Carraway Dunmore Ellery Fairbairn Greaves Holloway Ingleby Jessop Kettering Lockhart "
        "Merriweather Northcott Okafor Pemberton Quarrie Rosslyn Sandhurst Thackeray Underhill Varley Whitlock "
        "Yardley Abernethy Blackwood Chaudhry Delacroix Eastwood Fenwick Goldsworthy Hartigan Iqbal Jankowski "
        "Kowalczyk Lindqvist Mbeki Nwosu Oyelaran Prendergast Radcliffe Stanhope Trevelyan Vasquez Wainwright").split()
FEMALE = set("Amara Bethan Delphine Farida Hollie Jasmine Lorna Nadia Priya Rhiannon Tamsin Verity Yasmin Annika "
             "Cerys Esme Gwen Imogen Kavita Maisie Orla Rosalind Thea".split())

ROLES = [
    "director of children's services", "cabinet member for children and families",
    "lead member for children's services", "chief executive", "corporate director for children and young people",
    "assistant director for safeguarding", "leader of the council", "deputy leader of the council",
    "executive member for children, young people and education", "strategic director of people",
]
OUTSIDE_ROLES = [
    ("independent chair of the local safeguarding children partnership", None),
    ("branch secretary", "Unison"), ("national officer", "the British Association of Social Workers"),
    ("chief executive", "the Children's Services Trust Network"), ("policy lead", "the Family Rights Forum"),
    ("chair", "the Association of Foster Carers"),
]
PUBLISHERS = [
    ("Northern Courier", "northerncourier"), ("County Gazette", "countygazette"), ("Evening Chronicle", "eveningchron"),
    ("Care Practice Weekly", "carepracticeweekly"), ("Children's Services Review", "csreview"),
    ("The Valley Echo", "valleyecho"), ("Metro Herald", "metroherald"), ("Social Work Today", "socialworktoday"),
    ("Borough Post", "boroughpost"), ("Coast and Country News", "coastcountry"),
]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
GRADES = ["outstanding", "good", "requires improvement to be good", "inadequate"]
GRADE_TITLE = {"outstanding": "Outstanding", "good": "Good", "requires improvement to be good": "Requires improvement to be good",
               "inadequate": "Inadequate"}
FOCUS = [
    "the front door and how referrals are handled", "children in need and those on child protection plans",
    "care leavers aged 18 to 25", "children in care and the stability of their homes",
    "disabled children and their families", "children at risk of exploitation outside the home",
    "the quality of assessments and plans", "help for families before problems escalate",
]
FINDINGS = [
    "too many children had seen a succession of social workers in a short time",
    "managers now check cases more closely and act sooner when work drifts",
    "plans for some children did not say who would do what, or by when",
    "strategy discussions were held promptly and attended by the right agencies",
    "children were seen regularly, and often alone, by workers who knew them well",
    "delays in initial child protection conferences had left some children without a plan",
    "the quality of supervision varied from team to team",
    "young people leaving care were helped to find suitable homes",
    "the council's own audits gave an honest account of weaker practice",
    "a new recruitment campaign had reduced reliance on agency workers",
    "assessments were thorough but some were written in language families found hard to follow",
    "return home interviews were offered to most children who went missing",
    "the electronic case record made it hard for staff to find key information",
    "leaders had a realistic view of where practice was not yet good enough",
]
QUOTE_LINES = [
    "We asked inspectors for an honest picture and this report gives us one.",
    "Every family who comes to us deserves a social worker who knows them and stays with them.",
    "There is still a great deal of work to do, and we will not pretend otherwise.",
    "Our staff have worked incredibly hard over the past year and this is a recognition of that.",
    "We have put more money into children's services at a time when every other budget is being squeezed.",
    "Recruiting permanent social workers is hard, and every time someone leaves, a family feels it.",
    "The report is clear about what needs to improve and we accept every one of its findings.",
    "We will keep listening to children and young people, because they are the best judges of our work.",
    "This is a partnership that talks to itself, and that is why children are safer.",
    "We cannot keep asking staff to carry caseloads that leave them no time to get to know a child.",
    "Families have been let down for too long and they are right to expect faster progress.",
    "Our new family hubs mean help arrives earlier, before problems reach crisis point.",
    "We set out a clear plan two years ago and the inspectors have seen it working.",
    "The pressure on placements is national, but that is no excuse for children waiting too long.",
    "I want to thank every foster carer who has opened their home to a child this year.",
    "We will report back on our progress to the scrutiny committee in the autumn.",
    "Social workers tell us they now have the time and the support to do the job properly.",
    "Nobody came into this work to fill in forms, and we are cutting the paperwork.",
]
HEADLINE_TAILS = [
    "children's services still improving too slowly, says Ofsted",
    "children's services rated {grade} by inspectors",
    "council sets out plan after critical Ofsted letter",
    "social worker shortage hits children's services",
    "children's services overspend reaches {money_short}",
    "Ofsted praises progress in {council_short} children's social care",
    "inspectors find 'significant weaknesses' in help for children",
    "more children in care as demand rises",
    "children's services recruit overseas social workers",
    "council to invest {money_short} in family hubs",
]
READ_MORE = [
    "New head teacher appointed at village primary", "Roadworks to close town centre junction for six weeks",
    "Council tax rise approved by cabinet", "Library opening hours extended over the summer",
    "Charity shop celebrates twenty years on the high street", "Plans lodged for 300 homes on former depot site",
    "Youth club reopens after refurbishment", "Bus route axed as operator cites falling passenger numbers",
]
NAV = ["News", "Sport", "What's On", "Business", "Property", "Jobs", "Announcements", "Opinion", "Lifestyle",
       "Weather", "Traffic", "Education", "Health", "Politics"]


@dataclass(frozen=True)
class Council:
    name: str
    forms: tuple[str, ...]  # ways a page names it
    domain: str


def load_councils() -> list[Council]:
    out = []
    with open(COUNCILS_CSV, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["abolished"]:
                continue
            name = row["name"]
            aliases = [a for a in row["aliases"].split(";") if a.endswith("Council") and len(a) < 60]
            forms = (name, name + " Council") + tuple(aliases[:2])
            out.append(Council(name, forms, row["domain"] or name.lower().replace(" ", "") + ".gov.uk"))
    return out


# ------------------------------------------------------------------------------------------ text model

class Writer:
    """Templated sentences for one document: a council, a story and the people in it."""

    def __init__(self, rng: random.Random, council: Council, published: date):
        self.r = rng
        self.c = council
        self.published = published
        self.rated_year = published.year - rng.randint(2, 8)
        self.grade = rng.choice(GRADES)
        self.visits = rng.randint(1, min(11, 3 * (published.year - self.rated_year)))
        self.people = [self._person(i) for i in range(3)]
        self.used: set[str] = set()

    def _person(self, i: int) -> tuple[str, str, str | None, bool]:
        first, last = self.r.choice(FIRST), self.r.choice(LAST)
        if i == 2 and self.r.random() < 0.5:
            role, org = self.r.choice(OUTSIDE_ROLES)
        else:
            role, org = self.r.choice(ROLES), self.r.choice(self.c.forms[1:] or self.c.forms)
        if "Councillor" not in first and ("cabinet" in role or "member" in role or "leader" in role):
            first = "Councillor " + first
        return first + " " + last, role, org, first.split()[-1] in FEMALE

    # figures
    def pct(self, lo: float = 3, hi: float = 95) -> str:
        v = self.r.uniform(lo, hi)
        return f"{v:.0f}" if self.r.random() < 0.6 else f"{v:.1f}"

    def count(self, lo: int = 120, hi: int = 9000) -> str:
        return f"{self.r.randint(lo, hi):,}"

    def money(self) -> str:
        v = self.r.uniform(0.3, 48)
        return self.r.choice([f"£{v:.1f} million", f"£{v:.1f}m", f"£{self.r.randint(120, 950)},000", f"£{v:.2f}m"])

    def rate(self) -> int:
        return self.r.randint(28, 140)

    def day_range(self, year: int | None = None) -> tuple[str, date]:
        y = year or self.published.year - self.r.choice([0, 0, 1])
        m = self.r.randint(1, 12)
        d1 = self.r.randint(1, 17)
        d2 = d1 + self.r.randint(1, 10)
        start = date(y, m, d1)
        style = self.r.randrange(4)
        if style == 0:
            return f"between {d1} and {d2} {MONTHS[m - 1]} {y}", start
        if style == 1:
            return f"from {d1} to {d2} {MONTHS[m - 1]} {y}", start
        if style == 2:
            return f"on {d1} and {d1 + 1} {MONTHS[m - 1]} {y}", start
        return f"on {MONTHS[m - 1]} {d1}-{d1 + 1}", start

    def name(self) -> str:
        return self.r.choice(self.c.forms)

    # paragraphs
    def inspection_para(self) -> str:
        c, r = self.name(), self.r
        when, _ = self.day_range()
        t = r.randrange(9)
        if t == 0:
            return (f"Improvement in {c}'s children's social care is still not happening fast enough, Ofsted has said after "
                    f"its {ORDINALS[self.visits - 1]} monitoring visit since the service was rated inadequate in {self.rated_year}.")
        if t == 1:
            return (f"The visit {when} was the {ORDINALS[self.visits - 1]} monitoring visit since the council's children's "
                    f"services were judged inadequate in {self.rated_year}, and looked at {r.choice(FOCUS)}.")
        if t == 2:
            return f"An inspection {when} judged {c}'s children's services {self.grade}, the same grade as at the previous inspection."
        if t == 3:
            return (f"At their last full inspection in {r.choice(MONTHS)} {self.rated_year}, {c}'s services for children "
                    f"were judged {self.grade}, with {r.choice(['leadership', 'help and protection', 'care leavers'])} "
                    f"singled out for {'praise' if self.grade in ('good', 'outstanding') else 'criticism'}.")
        if t == 4:
            return (f"Inspectors carried out a focused visit {when}, looking at {r.choice(FOCUS)}, and found that "
                    f"{r.choice(FINDINGS)}.")
        if t == 5:
            return (f"A joint targeted area inspection {when} looked at how the council, the police and health services "
                    f"respond to {r.choice(['children at risk of criminal exploitation', 'domestic abuse', 'serious youth violence', 'neglect'])}.")
        if t == 6:
            return (f"The council's children's services were rated {self.grade} in {self.rated_year} and have "
                    f"{r.choice(['been monitored closely since', 'made steady progress since', 'struggled to recruit since'])}.")
        if t == 7:
            return (f"It was the {ORDINALS[max(0, self.visits - 2)]} visit since {c} was placed under Ofsted's monitoring "
                    f"regime, and the first since a new director took charge in {r.choice(MONTHS)}.")
        f1, f2 = r.sample(FINDINGS, 2)
        return f"Ofsted's letter, published on {r.randint(1, 28)} {r.choice(MONTHS)} {self.published.year}, said {f1} and that {f2}."

    def figure_para(self) -> str:
        r = self.r
        y = self.published.year - r.choice([0, 1])
        t = r.randrange(12)
        if t == 0:
            return f"Figures show that {self.pct(40, 95)}% of social workers in {self.name()} are on permanent contracts, up from {self.pct(30, 80)}% a year earlier."
        if t == 1:
            return f"The council was supporting {self.count(400, 6000)} children in need at the end of March {y}, a rate of {self.rate() * 3} per 10,000 children."
        if t == 2:
            return (f"Department for Education figures show that at the end of September {y} agency staff made up "
                    f"{self.pct(5, 45)}% of the council's children's social workers, and the vacancy rate was {self.pct(4, 40)}%.")
        if t == 3:
            return f"The council has committed an extra {self.money()} to children's social care over the next {r.randint(2, 5)} years."
        if t == 4:
            return f"Children's services are forecast to overspend by {self.money()} this year, largely because of the cost of residential placements."
        if t == 5:
            return f"There were {self.count(150, 2500)} children looked after at the end of March {y}, a rate of {self.rate()} per 10,000 children."
        if t == 6:
            return f"Average caseloads have fallen to {r.randint(12, 26)} children per social worker, from {r.randint(18, 32)} two years ago."
        if t == 7:
            return f"{self.count(120, 1400)} children were subject to a child protection plan, a rate of {self.rate() // 2 + 10} per 10,000 children."
        if t == 8:
            return f"The service received {self.count(1500, 12000)} referrals in the year to March {y}, and {self.pct(10, 30)}% of them were re-referrals."
        if t == 9:
            return f"Just {self.pct(50, 95)}% of assessments were completed within 45 working days, against a national average of {self.pct(80, 86)}%."
        if t == 10:
            return f"The government has awarded the council a grant of {self.money()} to expand its family hubs."
        return f"Social worker turnover stood at {self.pct(8, 30)}% last year, and {r.randint(4, 40)} cases were waiting to be allocated at the time of the visit."

    def context_para(self) -> str:
        r = self.r
        t = r.randrange(6)
        f1, f2 = r.sample(FINDINGS, 2)
        if t == 0:
            return f"Inspectors found that {f1}, and that {f2}."
        if t == 1:
            return f"The report said {f1}. It added that {f2}."
        if t == 2:
            return (f"The council said it had already begun work on the areas identified, including {r.choice(FOCUS)}, "
                    f"and would publish an updated improvement plan in {r.choice(MONTHS)}.")
        if t == 3:
            return (f"Opposition councillors called for a special meeting of the scrutiny committee to examine "
                    f"{r.choice(FOCUS)}, saying residents deserved answers.")
        if t == 4:
            return f"Inspectors did see better work in {r.choice(FOCUS)}, where they said {r.choice(FINDINGS)}."
        return (f"Anyone worried about a child in {self.c.name} can call the children's services front door on "
                f"0{r.randint(1100, 1999)} {r.randint(100, 999)} {r.randint(1000, 9999)}.")

    def quote_paras(self) -> list[str]:
        r = self.r
        name, role, org, female = r.choice(self.people)
        who = f"{name}, {role}" + (f" at {org}" if org else "")
        lines = r.sample(QUOTE_LINES, 4)
        t = r.randrange(5)
        if t == 0:  # multi-paragraph: opens each paragraph, closes only at the end
            return [f'{who}, said: "{lines[0]} {lines[1]}', f'"{lines[2]}', f'"{lines[3]}"']
        if t == 1:
            return [f'"{lines[0]} {lines[1][:-1]}," said {who}.']
        if t == 2:
            return [f'{who}, said: "{lines[0]}"', f'"{lines[1]} {lines[2]}" {"she" if female else "he"} added.']
        if t == 3:
            return [f'The {r.choice(["report", "letter"])} reads: "{r.choice(FINDINGS).capitalize()}, and {r.choice(FINDINGS)}."']
        return [f"{name.split()[-1] if not name.startswith('Councillor') else name} said the findings were {r.choice(['disappointing', 'encouraging', 'a fair reflection'])}.",
                f'"{lines[0]} {lines[1][:-1]}," {"she" if female else "he"} said.']

    def body(self, n_paras: int, quotes: bool = True) -> list[str]:
        """Paragraphs (a quotation's paragraphs stay together); no paragraph twice in one document."""
        out: list[str] = []
        kinds = ["inspection", "figure", "figure", "figure", "context", "context"] + (["quote", "quote"] if quotes else [])
        tries = 0
        while len(out) < n_paras and tries < 20 * n_paras:
            tries += 1
            k = "inspection" if not out else self.r.choice(kinds)
            if k == "inspection":
                new = [self.inspection_para()]
            elif k == "figure":
                new = [self.figure_para()]
            elif k == "context":
                new = [self.context_para()]
            else:
                new = self.quote_paras()
            if any(p in self.used for p in new):
                continue
            self.used.update(new)
            out.extend(new)
        return out

    def headline(self) -> str:
        tail = self.r.choice(HEADLINE_TAILS).format(
            grade=self.grade, money_short=f"£{self.r.uniform(1, 30):.1f}m", council_short=self.c.name)
        return f"{self.c.name} {tail}" if not tail.startswith("Ofsted") else tail[0].upper() + tail[1:]


# ------------------------------------------------------------------------------------------ HTML

_SCRIPT = ("window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());"
           "gtag('config','G-{id}',{{anonymize_ip:true}});var adSlots={slots};")


def html_page(rng: random.Random, i: int, council: Council, published: date, press: bool) -> tuple[bytes, dict]:
    w = Writer(rng, council, published)
    if press:
        pub_name, host = council.forms[1], "www." + council.domain
    else:
        pub_name, slug = rng.choice(PUBLISHERS)
        host = f"www.{slug}.example"
    title = w.headline()
    url = f"https://{host}/news/{published:%Y/%m}/{council.name.lower().replace(' ', '-')}-childrens-services-{i}"
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    target = int(rng.uniform(5_000, 19_000))  # bytes of the whole page; furniture adds the rest
    esc = html.escape
    head = [
        "<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} | {esc(pub_name)}</title>",
        f'<meta name="description" content="{esc(w.context_para())}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{esc(pub_name)}">',
        f'<meta property="og:title" content="{esc(title)}">',
        f'<meta property="og:url" content="{url}">', f'<link rel="canonical" href="{url}">',
    ]
    jsonld = rng.random() < 0.7
    if jsonld:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
              "datePublished": f"{published.isoformat()}T{rng.randint(6, 20):02d}:00:00+01:00",
              "author": {"@type": "Person", "name": author}, "publisher": {"@type": "Organization", "name": pub_name}}
        head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    head += ['<link rel="stylesheet" href="/static/css/site.css">',
             f"<script>{_SCRIPT.format(id=rng.randint(10**6, 10**7), slots=json.dumps(['top', 'mpu1', 'mpu2', 'footer']))}</script>",
             "</head>"]
    nav = rng.sample(NAV, rng.randint(7, 13))
    top = [
        '<body class="article-page">',
        '<div id="consent-bar" role="dialog"><p>We use cookies to give you the best experience on our website. '
        'By continuing you agree to our use of cookies.</p><button>Accept all cookies</button> '
        '<a href="/cookie-settings">Cookie settings</a></div>',
        f'<header class="masthead"><a class="logo" href="/">{esc(pub_name)}</a><nav class="primary-nav"><ul>'
        + "".join(f'<li><a href="/{n.lower().replace(" ", "-").replace(chr(39), "")}">{esc(n)}</a></li>' for n in nav)
        + '<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>',
        f'<div class="breadcrumb"><a href="/">Home</a> &rsaquo; <a href="/news">News</a> &rsaquo; '
        f'<a href="/news/{council.name.lower().replace(" ", "-")}">{esc(council.name)}</a></div>',
        '<main id="content"><article class="story">', f"<h1>{esc(title)}</h1>",
    ]
    date_text = f"{published:%A} {published.day} {published:%B %Y}"
    top.append(f'<div class="story-meta"><span class="author byline">By {esc(author)}</span>'
               + (f'<time datetime="{published.isoformat()}">{date_text}</time>' if jsonld or rng.random() < 0.5 else f"<span>{date_text}</span>")
               + "</div>")
    top.append('<div class="story-body">')
    tail = [
        "</div>",
        '<div class="share-tools"><p>Share this article</p><a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>',
        "</article>",
        '<aside class="newsletter-signup"><h3>Get the news in your inbox</h3><p>Sign up to our free daily newsletter '
        'for the biggest stories from across the region.</p><form action="/newsletter"><input type="email" '
        'placeholder="Your email"><button>Sign up</button></form></aside>',
        '<aside class="most-read"><h3>Most Read</h3><ol>'
        + "".join(f'<li><a href="/news/{k}">{esc(t)}</a></li>' for k, t in enumerate(rng.sample(READ_MORE, 5)))
        + "</ol></aside>", "</main>",
        f'<footer class="site-footer"><p><a href="/about">About us</a> | <a href="/contact">Contact us</a> | '
        f'<a href="/privacy">Privacy notice</a> | <a href="/terms">Terms and conditions</a></p>'
        f"<p>&copy; {published.year} {esc(pub_name)}. All rights reserved.</p></footer>",
        '<script src="/static/js/ads.js" async></script>', "</body>", "</html>",
    ]
    fixed = sum(len(s) + 1 for s in head + top + tail)
    body: list[str] = []
    size = fixed
    paras = w.body(3)
    k = 0
    caption = (f"{council.name}'s {rng.choice(['civic offices', 'town hall', 'children services headquarters', 'family hub'])}"
               f" {rng.choice(['in the town centre', 'where the service is based', 'pictured last year'])}")
    placed = {"caption": False, "readmore": 0, "ad": 0, "promo": False}
    while size < target or k < len(paras):
        if k >= len(paras):
            paras += w.body(3)[1:] if rng.random() < 0.8 else [w.inspection_para()]
        p = paras[k]
        k += 1
        body.append(f"<p>{esc(p, quote=False)}</p>")
        if k == 2 and not placed["caption"]:
            body.append(f'<figure class="image-wrap"><img src="/images/{i}.jpg" alt="{esc(caption)}">'
                        f'<figcaption>{esc(caption)}</figcaption></figure>')
            body.append(f"<p>{esc(caption)}</p>")  # the caption printed twice
            body.append(f"<p>Photo: {rng.choice(FIRST)} {rng.choice(LAST)}/{esc(pub_name)}</p>")
            placed["caption"] = True
        elif k % 5 == 3 and placed["readmore"] < 3:
            body.append(f'<p><strong>READ MORE: <a href="/news/{i}-{k}">{esc(rng.choice(READ_MORE))}</a></strong></p>')
            placed["readmore"] += 1
        elif k % 6 == 4 and placed["ad"] < 3:
            body.append('<div class="ad-slot"><p>Advertisement</p><p>Hide Ad</p></div>')
            placed["ad"] += 1
        elif k == 7 and not placed["promo"] and not press:
            price = f"£{rng.choice(['3.99', '4.99', '5.99', '1'])} a month"
            body.append('<div class="promo"><p>Digital subscription</p><p>Unlimited access to every story</p>'
                        f"<p>Fewer adverts</p><p>{price}</p><p>Subscribe</p></div>")
            placed["promo"] = True
        size = fixed + sum(len(b) + 1 for b in body)
        if size > 20_000:
            break
    if press:
        body.append("<p>ENDS</p><p>Notes to editors</p>")
        body.append(f"<p>For media enquiries contact the press office on 0{rng.randint(1100, 1999)} "
                    f"{rng.randint(100, 999)} {rng.randint(1000, 9999)} or email press@{council.domain}</p>")
    page = "\n".join(head + top + body + tail) + "\n"
    entry = {"url": url}
    if press:
        entry["publisher"] = pub_name
        if rng.random() < 0.5:
            entry["kind"] = "press_release"
    elif rng.random() < 0.3:
        entry["kind"] = "news"
    return page.encode("utf-8"), entry


# ------------------------------------------------------------------------------------------ text pages

def text_page(rng: random.Random, i: int, council: Council, published: date) -> tuple[bytes, dict]:
    w = Writer(rng, council, published)
    pub_name, slug = rng.choice(PUBLISHERS)
    caption = f"Staff at a {council.name} family hub {rng.choice(['during a visit by councillors', 'on its opening day'])}"
    lines = [w.headline(), "", f"By {rng.choice(FIRST)} {rng.choice(LAST)}",
             f"Published: {published.day} {published:%b %Y}", ""]
    paras = w.body(rng.randint(14, 40))
    for k, p in enumerate(paras):
        lines += [p, ""]
        if k == 1:
            lines += [caption, caption, ""]
        if k == 4:
            lines += [f"READ MORE: {rng.choice(READ_MORE)}", ""]
    lines += ["Share this article", "", "Sign up to our newsletter for weekly safeguarding news from across the region."]
    url = f"https://www.{slug}.example/{published:%Y/%m/%d}/{council.name.lower().replace(' ', '-')}-{i}"
    return "\n".join(lines).encode("utf-8"), {"url": url}


# ------------------------------------------------------------------------------------------ PDFs

def _ascii(s: str) -> str:
    return s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")


def _pdf_paras(w: Writer, n_sentences: int) -> list[str]:
    """An inspectorate's prose: no quotations, two to four sentences a paragraph, a few headings."""
    sentences = w.body(n_sentences, quotes=False)
    out, k = [], 0
    while k < len(sentences):
        if w.r.random() < 0.15:
            out.append(w.r.choice(["Findings and progress", "Headline findings", "What needs to improve?",
                                   "Leadership and management", "Help and protection", "Children in care"]))
        take = w.r.randint(2, 4)
        out.append(" ".join(sentences[k : k + take]))
        k += take
    return out


def pdf_page(rng: random.Random, i: int, council: Council, published: date) -> tuple[bytes, dict]:
    from fpdf import FPDF

    class Doc(FPDF):
        running = ""

        def header(self) -> None:
            if self.running and self.page_no() > 0:
                self.set_font("helvetica", "", 8)
                self.cell(0, 5, self.running, new_x="LMARGIN", new_y="NEXT")
                self.ln(3)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("helvetica", "", 8)
            self.cell(0, 4, str(self.page_no()), align="R")

    w = Writer(rng, council, published)
    pdf = Doc(format="A4")
    pdf.set_creation_date(datetime(published.year, published.month, published.day, 9, 0, tzinfo=timezone.utc))
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=22)

    def para(text: str, size: float = 10.5, bold: bool = False, after: float = 2.5) -> None:
        pdf.set_font("helvetica", "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.5, _ascii(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(after)

    when, start = w.day_range(published.year if published.month > 2 else published.year - 1)
    when = when if not when.startswith("on ") or when[3].isdigit() else f"on {start.day} and {start.day + 1} {MONTHS[start.month - 1]} {start.year}"
    inspector = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    report = rng.random() < 0.4
    if report:
        title = f"Inspection of {council.name} local authority children's services"
        pdf.set_title(title)
        pdf.running = f"Inspection of {council.name} local authority children's services: {when.split(' ', 1)[1]}"
        pdf.add_page()
        para(title, size=16, bold=True)
        para(f"Inspection dates: {when.split(' ', 1)[1]}\nLead inspector: {inspector}, His Majesty's Inspector")
        grades = [rng.choice(GRADES) for _ in range(4)]
        overall = grades[0]
        pdf.set_font("helvetica", "", 9)
        rows = [("The impact of leaders on social work practice with children and families", grades[0]),
                ("The experiences and progress of children who need help and protection", grades[1]),
                ("The experiences and progress of children in care", grades[2]),
                ("The experiences and progress of care leavers", grades[3]),
                ("Overall effectiveness", overall)]
        with pdf.table(col_widths=(110, 56), text_align=("LEFT", "LEFT"), line_height=5,
                       first_row_as_headings=False) as table:
            for label, g in [("Judgement", None)] + rows:
                row = table.row()
                row.cell(label)
                row.cell(GRADE_TITLE[g] if g else "Grade")
        pdf.ln(4)
        paras = [f"The overall effectiveness of {council.name}'s children's services is judged "
                 f"{GRADE_TITLE[overall].lower()}. " + w.context_para()]
        paras += _pdf_paras(w, rng.randint(40, 70))
        kind = "ofsted_report"
    else:
        title = f"Monitoring visit to {council.name} children's services"
        pdf.set_title(title)
        pdf.running = ""
        pdf.add_page()
        pdf.set_font("helvetica", "", 7)
        pdf.cell(0, 4, "Piccadilly Gate Store Street Manchester M1 2WD   T 0300 123 1231   enquiries@ofsted.example   "
                       "www.ofsted.example", new_x="LMARGIN", new_y="NEXT", align="R")
        pdf.ln(6)
        para(f"{published.day} {published:%B %Y}", after=4)
        dcs = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        para(f"{dcs}\nDirector of Children's Services\n{council.forms[1]}", after=4)
        para(f"Dear {rng.choice(['Ms', 'Mr', 'Dr'])} {dcs.split()[-1]}", after=4)
        para(title, bold=True)
        ordinal = ORDINALS[w.visits - 1]
        paras = [
            f"This letter summarises the findings of the monitoring visit to {council.name} children's services {when}. "
            f"This was the {ordinal} monitoring visit since the local authority was judged inadequate in {w.rated_year}. "
            f"His Majesty's Inspectors for this visit were {inspector} and {rng.choice(FIRST)} {rng.choice(LAST)}.",
            f"Areas covered by the visit: inspectors reviewed the progress made for {rng.choice(FOCUS)}.",
        ]
        paras += _pdf_paras(w, rng.randint(30, 60))
        paras += ["Ofsted will continue to monitor the progress being made through the quarterly monitoring programme.",
                  "Yours sincerely", f"{inspector}\nHis Majesty's Inspector"]
        kind = "ofsted_letter"
        pdf.running = ""
    for p in paras:
        para(p)
    data = bytes(pdf.output())
    entry = {"url": f"https://files.ofsted.example/v1/file/{50_000_000 + i}", "publisher": "Ofsted"}
    if rng.random() < 0.6:
        entry["kind"] = kind
    return data, entry


# ------------------------------------------------------------------------------------------ driver

def kind_of(rng: random.Random) -> str:
    x = rng.random()
    return "pdf" if x < 0.10 else "text" if x < 0.20 else "press" if x < 0.32 else "news"


def make_one(seed: int, i: int, councils: list[Council]) -> tuple[str, bytes, dict]:
    rng = random.Random(f"{seed}:{i}")
    kind = kind_of(rng)
    council = rng.choice(councils)
    published = date(2016, 1, 1) + timedelta(days=rng.randrange(3600))
    if kind == "pdf":
        data, entry = pdf_page(rng, i, council, published)
        name = f"{i:05d}-ofsted.pdf"
    elif kind == "text":
        data, entry = text_page(rng, i, council, published)
        name = f"{i:05d}-article.txt"
    else:
        data, entry = html_page(rng, i, council, published, press=(kind == "press"))
        name = f"{i:05d}-{'press' if kind == 'press' else 'news'}.html"
    return name, data, entry


def _chunk(args: tuple[int, int, int, str]) -> list[tuple[str, dict]]:
    seed, lo, hi, out = args
    councils = load_councils()
    rows = []
    for i in range(lo, hi):
        name, data, entry = make_one(seed, i, councils)
        (Path(out) / "pages" / name).write_bytes(data)
        rows.append((name, entry))
    return rows


def _toml_value(v: object) -> str:
    return json.dumps(v, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def generate(out: Path, n: int, seed: int = 7, workers: int | None = None) -> Path:
    """Write N pages and sources.toml under out (reused when already complete); returns sources.toml."""
    out = Path(out)
    marker = out / ".complete"
    sources = out / "sources.toml"
    if marker.exists() and marker.read_text().strip() == f"n={n} seed={seed}":
        return sources
    (out / "pages").mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    step = max(50, n // (workers * 8) or 1)
    jobs = [(seed, lo, min(n, lo + step), str(out)) for lo in range(0, n, step)]
    rows: list[tuple[str, dict]] = []
    if workers > 1 and n > 200:
        with ProcessPoolExecutor(workers) as pool:
            for part in pool.map(_chunk, jobs):
                rows += part
    else:
        for job in jobs:
            rows += _chunk(job)
    lines = [f"# {n} synthetic pages (bench/synthetic.py, seed {seed})", ""]
    for name, entry in rows:
        lines.append("[[sources]]")
        lines.append(f"path = {_toml_value('pages/' + name)}")
        for k in ("url", "kind", "publisher"):
            if k in entry:
                lines.append(f"{k} = {_toml_value(entry[k])}")
        lines.append("")
    sources.write_text("\n".join(lines), encoding="utf-8")
    marker.write_text(f"n={n} seed={seed}")
    return sources


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    began = time.perf_counter()
    sources = generate(args.out, args.n, args.seed, args.workers)
    pages = list((args.out / "pages").iterdir())
    by_ext: dict[str, list[int]] = {}
    for p in pages:
        by_ext.setdefault(p.suffix, []).append(p.stat().st_size)
    print(f"{len(pages)} pages in {time.perf_counter() - began:.1f}s → {sources}")
    for ext, sizes in sorted(by_ext.items()):
        sizes.sort()
        print(f"  {ext}: {len(sizes)} files, {min(sizes) / 1e3:.1f}–{max(sizes) / 1e3:.1f} KB (median {sizes[len(sizes) // 2] / 1e3:.1f} KB)")


if __name__ == "__main__":
    sys.exit(main())
