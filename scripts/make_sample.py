#!/usr/bin/env python3
"""Write the bundled sample pages under src/cscetl/sample/pages/ (run once; the output is committed).

Every sentence here is written for cscetl. Councils, inspection dates, grades and official
figures are real public facts (Ofsted outcomes and DfE statistics in ../shared/reference, and
the Reading documents in ../shared/corpus/dev); the people quoted and the publishers are invented.
The pages carry the furniture real sites wrap articles in, so the cleaner has work to do.
"""
from __future__ import annotations

import json
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parents[1] / "src" / "cscetl" / "sample" / "pages"


def news_page(*, site, title, byline, date_text, iso, paras, read_more=(), caption=None, jsonld=True, url="") -> str:
    body = []
    for i, p in enumerate(paras):
        if i == 2 and caption:
            body.append(f'<figure><img src="/img/{i}.jpg" alt=""><figcaption>{caption}</figcaption></figure>')
            body.append(f"<p>{caption}</p>")  # the caption printed a second time, as many CMSs do
            body.append('<p class="credit">Photo: Alex Penrose/Shutterstock</p>')
        if i == 3:
            body.append('<div class="ad"><p>Advertisement</p><p>Hide Ad</p></div>')
        if read_more and i in (2, 5):
            rm = read_more[0] if i == 2 else read_more[-1]
            body.append(f'<p><strong>READ MORE: <a href="/news/related">{rm}</a></strong></p>')
        body.append(f"<p>{p}</p>")
    ld = ""
    if jsonld:
        ld = '<script type="application/ld+json">' + json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
            "datePublished": iso, "author": {"@type": "Person", "name": byline},
            "publisher": {"@type": "Organization", "name": site},
        }) + "</script>"
    meta = "" if jsonld else f'<meta property="article:published_time" content="{iso}"><meta name="author" content="{byline}">'
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{title} | {site}</title>
<meta property="og:site_name" content="{site}">
<meta property="og:title" content="{title}">
{meta}
{ld}
</head>
<body>
<div id="cookie-banner"><p>We use cookies to improve your experience on our site.</p><button>Accept all cookies</button></div>
<header><a href="/">{site}</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li><li><a href="/what-s-on">What's On</a></li><li><a href="/jobs">Jobs</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
</header>
<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/news">News</a> &gt; <a href="/news/local">Local</a></div>
<main>
<article>
<h1>{title}</h1>
<p class="byline">By {byline}</p>
<time datetime="{iso}">{date_text}</time>
{chr(10).join(body)}
</article>
<aside class="newsletter"><h3>Get the headlines</h3><p>Sign up to our free daily newsletter for the latest local news.</p><form><input type="email"><button>Sign up</button></form></aside>
<aside class="most-read"><h3>Most Read</h3><ol><li><a href="/a">Roadworks to close ring road for a fortnight</a></li><li><a href="/b">Town centre bakery wins national award</a></li><li><a href="/c">Council tax bills explained</a></li></ol></aside>
</main>
<footer><p>&copy; 2026 {site}. All rights reserved.</p><p><a href="/privacy">Privacy policy</a> | <a href="/contact">Contact us</a></p></footer>
</body>
</html>
"""


SUBSCRIPTION = [
    "Care Practice Weekly digital membership",
    "• Latest digital editions",
    "• Archive of more than 45,000 articles",
    "• Unlimited access to practice guides",
    "From £14 / month",
    "Subscribe",
]


def trade_page(*, title, byline, date_text, paras, caption) -> str:
    """A trade-press page: byline and date as lines of text, a paywall promo under the story."""
    body = "\n".join(f"<p>{p}</p>" for p in paras[:2])
    body += f"\n<p>{caption}</p>\n<p>{caption}</p>\n"
    body += "\n".join(f"<p>{p}</p>" for p in paras[2:])
    promo = "\n".join(f"<p>{x}</p>" for x in SUBSCRIPTION)
    return f"""<html><head><title>{title} - Care Practice Weekly</title>
<meta property="og:site_name" content="Care Practice Weekly"></head>
<body><div class="topbar"><a href="/login">Sign in here</a> <a href="/register">Register</a></div>
<div class="content"><h1>{title}</h1>
<p>{byline}</p>
<p>{date_text}</p>
{body}
<div class="promo">{promo}</div>
</div>
<div class="more"><h3>More like this</h3><ul><li><a href="/x">Fostering allowances rise across the north west</a></li></ul></div>
</body></html>
"""


def write(name: str, text: str) -> None:
    (OUT / name).write_text(text, encoding="utf-8")


def pages() -> None:
    write("reading-ninth-monitoring-visit.html", news_page(
        site="Thames Valley Courier", title="Staff turnover still slowing Reading's children's services, Ofsted finds",
        byline="Megan Aldous", date_text="Tuesday, 30 July 2019", iso="2019-07-30T09:15:00+01:00",
        caption="Brighter Futures for Children took over the running of Reading's children's services in December 2018",
        read_more=["Reading primary school rated good by Ofsted", "New bus lane plan for the Oxford Road"],
        paras=[
            "Inspectors say improvement in Reading's children's social care is still too slow, in findings published after the ninth monitoring visit since the service was rated inadequate in 2016.",
            "Ofsted's latest visit took place on June 26-27 and looked at help and protection, including the teams that assess families when concerns are first raised.",
            "The letter describes a pattern of social workers joining and leaving within months, which it says holds back progress on some children's cases.",
            "According to the letter, only 58% of social work posts are now filled by permanent staff, and 14 cases were waiting to be allocated at the time of the visit.",
            "It reads: \"Children are not yet getting help that is consistently good enough, because too many of them have experienced changes of social worker.\"",
            "Rosalind Hurst, interim director of children's services at Brighter Futures for Children, said: \"We recognise every word of this letter and we are not hiding from it.",
            "\"Recruiting permanent social workers near London is hard, but our new campaign has already brought in people who want to stay.\"",
            "She added that eight newly qualified social workers would take on cases in the autumn.",
            "\"The plan we agreed with the council gives us two years to put this right, and we intend to use every month of it,\" said Councillor Joel Marchetti, Reading Borough Council's lead councillor for children.",
        ]))
    write("birmingham-trust-rated-good.html", news_page(
        site="Midlands Civic Gazette", title="Birmingham children's services rated good for the first time", byline="Harpreet Sandhu",
        date_text="18 April 2023", iso="2023-04-18T07:00:00+01:00", jsonld=False,
        caption="Birmingham Children's Trust has run the city's social care for children since 2018",
        read_more=["City council sets out next year's budget"],
        paras=[
            "Ofsted has judged Birmingham's children's services to be good in every area, a first for the city, after a full inspection carried out between 20 February and 3 March 2023.",
            "The service was rated requires improvement to be good at its previous inspection in December 2018, and inadequate in the years before the trust was created.",
            "Inspectors graded the impact of leaders, help and protection, children in care and care leavers as good.",
            "Birmingham Children's Trust looked after 2,211 children at the end of March 2023, a rate of 77 per 10,000 children.",
            "The trust still reports a social worker vacancy rate of 26.7%, and agency staff make up 11.9% of the workforce.",
            "\"This judgement belongs to the social workers who kept going through the hardest years this city has had,\" said Noreen Calloway, the trust's chief executive.",
            "Councillor Ravi Dhesi, cabinet member for children, said: \"Good is a floor, not a ceiling, and we will keep pushing for outstanding.\"",
        ]))
    write("knowsley-inadequate.html", news_page(
        site="Merseyside Evening Echo", title="Knowsley children's services rated inadequate", byline="Liam Tranter",
        date_text="Monday, January 20, 2025", iso="2025-01-20T18:30:00+00:00",
        caption="Inspectors visited Knowsley's children's services teams in November",
        read_more=["Knowsley leisure centre reopens after refit", "Huyton nursery rated outstanding"],
        paras=[
            "Knowsley's services for children have been rated inadequate by Ofsted after an inspection from 18 to 29 November 2024.",
            "The borough was judged requires improvement to be good at its last full inspection in October 2021, and a focused visit in October 2022 looked at children in need.",
            "Inspectors found that the impact of leaders, help and protection and the experiences of care leavers were all inadequate, while children in care were judged to require improvement.",
            "At the end of March 2024, 337 children were in the council's care, a rate of 95 per 10,000 children.",
            "Social worker turnover reached 24.6% last year, and the vacancy rate was 21.9%.",
            "The council has committed an additional £3.5 million to recruit and keep social workers, a spokesperson said.",
            "A spokesperson for Knowsley Council said: \"We accept the findings and we have already started work on a full improvement plan with our partners.\"",
            "Young people aged 16 and 17 were among those whose cases inspectors reviewed. The council can be contacted on 0151 443 2000.",
        ]))
    write("slough-focused-visit.html", news_page(
        site="Berkshire Bulletin", title="Focused visit finds progress at Slough Children First", byline="Tom Eastbury",
        date_text="12 July 2024", iso="2024-07-12T12:00:00+01:00",
        caption="Slough Children First delivers children's social care on behalf of Slough Borough Council",
        paras=[
            "Ofsted has published a letter after a focused visit to Slough's children's services on 30 April and 1 May 2024, which looked at children in need and those subject to a plan.",
            "The service was rated requires improvement to be good overall when it was last inspected in January 2023.",
            "Slough Children First looked after 201 children in March 2024, a rate of 44 per 10,000 children, down from 252 a year earlier.",
            "Agency staff make up 22.9% of the social work workforce, the letter notes.",
            "\"Children told inspectors that their social workers listen to them, and that matters more to us than anything,\" said Keeley Marsh, director of operations at Slough Children First.",
            "\"We know the next step is to make that true for every family, not most,\" she added.",
        ]))
    write("bromley-outstanding.html", news_page(
        site="South London Record", title="Bromley becomes outstanding across the board", byline="Ciara Duffield",
        date_text="Friday, 12 January 2024", iso="2024-01-12T10:00:00+00:00",
        caption="Bromley Civic Centre, home of the council's children's services department",
        read_more=["Bromley bin collections change in February"],
        paras=[
            "Bromley's services for children have been judged outstanding in every area after a short inspection by Ofsted between 13 and 17 November 2023.",
            "The borough was rated good overall in its previous inspection in November 2018, when leadership was already judged outstanding.",
            "Bromley looked after 350 children at the end of March 2024, a rate of 48 per 10,000 children.",
            "The council employs 220 social workers, and its vacancy rate stands at 18.8%.",
            "Councillor Bethan Ives, portfolio holder for children, education and families, said: \"Outstanding is the result of years of steady work by people who rarely get thanked.",
            "\"We will not be complacent, and we will share what works with our neighbours.\"",
        ]))
    write("nottingham-monitoring-visit.html", news_page(
        site="East Midlands Argus", title="Ofsted sees steady progress in Nottingham's front door", byline="Dev Patel",
        date_text="2 September 2024", iso="2024-09-02T08:00:00+01:00",
        caption="Nottingham City Council's children's services were rated inadequate in 2022",
        paras=[
            "A monitoring visit to Nottingham's children's services on 31 July and 1 August 2024 found steady progress at the front door, where concerns about children are first received.",
            "Nottingham City Council was judged inadequate in September 2022 following an inspection in July that year.",
            "The letter says managers now have a clearer view of practice, though the quality of assessments still varies.",
            "Social worker turnover was 17.6% in the year to March 2024, and agency staff made up 15.5% of the workforce.",
            "\"The front door is where families first meet us, and inspectors have seen that it is getting better,\" said Aisha Brennan, Nottingham's director for children's integrated services.",
        ]))
    write("reading-ilacs-2024.html", news_page(
        site="Thames Valley Courier", title="Care leavers' service rated good as Reading improves", byline="Megan Aldous",
        date_text="Friday, 12 July 2024", iso="2024-07-12T16:45:00+01:00",
        caption="Reading's children's services are run by Brighter Futures for Children",
        read_more=["Reading Festival traffic plan announced"],
        paras=[
            "Reading's children's services require improvement to be good, Ofsted has said after an inspection between 22 April and 3 May 2024, but the experiences of children in care and care leavers are now good.",
            "The service was last judged requires improvement to be good in September 2019.",
            "At the end of March 2024, 266 children were looked after in Reading, a rate of 70 per 10,000 children.",
            "Turnover among social workers was 24% last year, and the caseload of a social worker averaged 16.5 children.",
            "Brighter Futures for Children plans for 75 per cent of its social workers to be permanent by the end of 2025.",
            "\"Care leavers told inspectors we stick with them, and that is exactly what we want to hear,\" said Rosalind Hurst, chief executive of Brighter Futures for Children.",
        ]))


def trade() -> None:
    # HTML saved under a .txt name: detected from its bytes, not its extension
    write("reading-eighth-visit.txt", trade_page(
        title="Reading's single point of access holds its ground, inspectors find", byline="Dan Whitlow",
        date_text="Friday, May 10, 2019",
        caption="Brighter Futures for Children took over Reading's children's services in December 2018",
        paras=[
            "Frequent changes of social worker and manager are still holding back improvement in Reading, but concerns about children at risk are dealt with quickly, Ofsted has said.",
            "Inspectors reviewed the children's single point of access during a monitoring visit on March 12-13. It was the eighth monitoring visit since the council was judged inadequate in August 2016.",
            "Brighter Futures for Children was set up with the help of a £2.9m government grant and is wholly owned by the council.",
            "Some figures suggested 180 children had not been seen by a social worker, which was not in fact the case, inspectors said.",
            "\"Better data on frontline practice is our first job this year,\" said Antony Kildare, managing director of Brighter Futures for Children.",
        ]))


def press_release() -> None:
    write("reading-press-release-2016.html", """<!DOCTYPE html>
<html><head><title>Council responds to Ofsted inspection of children's services - Reading Borough Council</title>
<meta name="DC.date.issued" content="2016-08-05"><meta property="og:site_name" content="Reading Borough Council"></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/contact">Contact the council</a></nav>
<main>
<h1>Council responds to Ofsted inspection of children's services</h1>
<p>Press release, 5 August 2016</p>
<p>Reading Borough Council has promised to keep driving improvement in children's services after Ofsted published an inadequate rating following a full inspection.</p>
<p>The council faced an 85% increase in referrals to social care over the past 12 months and a 41% increase in social worker caseloads during the same period.</p>
<p>A recruitment drive has already secured 43 permanent social workers and managers, and 80 per cent of Reading social workers will be permanent by the autumn.</p>
<p>Councillor Nadia Farrant, lead member for children's services, said: "This report is hard to read and we accept what it says.</p>
<p>"We had already committed an additional £1.4 million to create more social worker and manager posts, and that money is now being spent."</p>
<h2>Notes for editors</h2>
<ul>
<li>Ofsted inspected Reading Borough Council's children's services between 23rd May and June 15th 2016.</li>
<li>The council was judged adequate at its previous inspection in March 2013.</li>
<li>As at May 23rd 2016, 256 children were the subject of a child protection plan – an increase from 204 in March 2015.</li>
<li>As at May 23rd 2016, 236 children were looked after by the council (a rate of 68 per 10,000 children).</li>
</ul>
<p>For media enquiries about this release please call the press office on 0118 937 4289.</p>
</main>
<footer><p>Was this page useful?</p><p>Reading Borough Council, Civic Offices, Bridge Street, Reading RG1 2LU</p></footer>
</body></html>
""")


def minutes() -> None:
    write("reading-committee-minutes-2017.html", """<html><head><title>Adult Social Care, Children's Services and Education Committee - minutes, 29 March 2017</title></head>
<body>
<h1>Adult Social Care, Children's Services and Education Committee</h1>
<p>Minutes of the meeting held on 29 March 2017 at the Civic Offices, Reading.</p>
<p>Present: Councillor Odette Lyall (Chair), Councillors Brook, Hanif, Pryce and Quaye.</p>
<p>Apologies: Councillor Varma.</p>
<h2>1. Declarations of interest</h2>
<p>There were no declarations of interest.</p>
<h2>2. Ofsted monitoring visit, February 2017</h2>
<p>The Director of Children's Services reported on the second monitoring visit since the inspection in 2016, which took place on 21 and 22 February 2017.</p>
<p>She reported that 62% of the social work workforce was now permanent, that 15 cases were unallocated at the time of the visit, and that the average caseload was 22.</p>
<p>Councillor Hanif asked what was being done about the number of children without a written plan. The Director replied that every plan would be reviewed by the end of April.</p>
<p>Resolved: That the report be noted and that a further update be brought to the committee in July 2017.</p>
<h2>3. Date of next meeting</h2>
<p>Resolved: That the next meeting be held on 6 July 2017.</p>
<p>The meeting closed at 8.40pm.</p>
</body></html>
""")


def text_page() -> None:
    write("somerset-jtai-newsletter.txt", """Somerset partnership responds to joint inspection

Published: 18 July 2024

A joint targeted area inspection of Somerset's response to children at risk took place from 20 to 24 May 2024, carried out by Ofsted with the health, police and probation inspectorates.

The partnership covers the council, the NHS and Avon and Somerset Police.

Partners meeting at County Hall in Taunton to discuss the findings
Partners meeting at County Hall in Taunton to discuss the findings

READ MORE: Somerset libraries extend summer opening hours

Inspectors said agencies share information well when a child is first referred, but that plans are not always reviewed quickly enough.

Somerset looked after 586 children at the end of March 2024, a rate of 52 per 10,000 children.

"The inspection confirms that partners in Somerset trust each other and act fast when a child is at risk," said Gideon Yarrow, chair of the Somerset Safeguarding Children Partnership.

Sign up to our newsletter for partnership updates.
""")


class Letter(FPDF):
    def footer(self):
        self.set_y(-15)
        self.set_font("helvetica", size=8)
        self.cell(0, 6, f"Monitoring visit to Reading Borough Council children's services - page {self.page_no()}", align="C")


def pdfs() -> None:
    pdf = Letter()
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    pdf.multi_cell(0, 5, new_x="LMARGIN", new_y="NEXT", text="Clive House 70 Petty France London SW1H 9EX T 0300 123 1231 enquiries@ofsted.gov.uk www.gov.uk/ofsted")
    pdf.ln(6)
    pdf.set_font("helvetica", size=11)
    paras = [
        "24 March 2017",
        "Director of Children's Services, Reading Borough Council, Civic Offices, Bridge Street, Reading RG1 2LU",
        "Dear Director",
        "Monitoring visit to Reading Borough Council children's services",
        "This letter sets out what inspectors found during the monitoring visit to Reading Borough Council children's services on 21 and 22 February 2017. The visit was the second monitoring visit since the local authority was judged inadequate in August 2016.",
        "Inspectors looked at the progress made for children in need of help and protection, with a focus on plans for children in need, the stepping down of cases to early help, management oversight and the response to children who go missing from home or care.",
        "Progress since the last visit has been slowed by a further change of director. Senior managers understand the weaknesses of the service and are realistic about how much remains to be done.",
        "At the time of the visit, permanent social workers made up 62% of the workforce. In addition, 15 cases were unallocated and were being overseen by managers. Some caseloads were higher than the reported average of 22.",
        "Children who go missing are offered a return home interview, but only 57% of children agree to one. Return interviews are allocated quickly and the quality of recording is improving.",
        "Plans for children in need too often list services rather than the changes that families need to make, and too many reviews rely on the social worker alone to organise them.",
        "I am copying this letter to the Department for Education. This letter will be published on the Ofsted website.",
        "Yours sincerely",
        "Imogen Harte",
        "His Majesty's Inspector",
    ]
    for p in paras:
        pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text=p)
        pdf.ln(3)
    (OUT / "reading-monitoring-letter-2017.pdf").write_bytes(bytes(pdf.output()))

    rep = FPDF()
    rep.add_page()
    rep.set_font("helvetica", size=14)
    rep.multi_cell(0, 8, new_x="LMARGIN", new_y="NEXT", text="Inspection of Knowsley local authority children's services")
    rep.set_font("helvetica", size=11)
    rep.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text="Inspection dates: 18 to 29 November 2024\nLead inspector: Marcus Bell, His Majesty's Inspector")
    rep.ln(2)
    table = [
        ("The impact of leaders on social work practice with children and families", "Inadequate"),
        ("The experiences and progress of children who need help and protection", "Inadequate"),
        ("The experiences and progress of children in care", "Requires improvement to be good"),
        ("The experiences and progress of care leavers", "Inadequate"),
        ("Overall effectiveness", "Inadequate"),
    ]
    rep.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text="Judgement Grade")
    for label, grade in table:
        rep.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text=f"{label}\n{grade}")
    rep.ln(3)
    rep.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text=(
        "Services for children in Knowsley have declined since the last inspection in 2021, when they were judged to "
        "require improvement to be good. Leaders have not had an accurate view of the quality of practice, and too many "
        "children wait too long for help when risks first emerge."
    ))
    rep.add_page()
    rep.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text=(
        "What needs to improve?\nThe quality and timeliness of assessments and plans for children in need of help and protection. "
        "The oversight of managers at every level. The support that care leavers receive to find and keep suitable homes."
    ))
    (OUT / "knowsley-ilacs-report-2025.pdf").write_bytes(bytes(rep.output()))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    pages()
    trade()
    press_release()
    minutes()
    text_page()
    pdfs()
    print(f"wrote {len(list(OUT.iterdir()))} pages to {OUT}")
