#!/usr/bin/env python3
"""Build the two PDF pages of the bundled sample (run once; the PDFs are committed):

    src/cscetl/sample/pages/nottingham-monitoring-letter-2024.pdf   an Ofsted-style monitoring-visit letter
    src/cscetl/sample/pages/sunderland-ilacs-report-2025.pdf        an Ofsted-style ILACS inspection report

    .venv/bin/pip install fpdf2
    .venv/bin/python scripts/make_sample_pdfs.py

Every sentence was written for cscetl. The councils, visit and inspection dates, ordinals,
grades and statistics are real public facts (../shared/reference; see EXPECTED.md beside the
pages); the inspectors, officials and addresses are invented. Both PDFs are three pages with a
running header or footer and page numbers, like the real ones, so the PDF parser has running
lines to drop and a paragraph that crosses a page break to rejoin.

The output is deterministic (fixed creation date, no random ids), so re-running it gives the
same bytes unless the text here changes.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parents[1] / "src" / "cscetl" / "sample" / "pages"

# A Unicode TrueType font keeps the curly apostrophes and dashes real Ofsted PDFs have. Where none
# is installed, fall back to Helvetica and plain ASCII punctuation (the text is otherwise the same).
_FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"), Path("/Library/Fonts")]
_ASCII = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "•": "-"})


def _font_files() -> tuple[Path, Path] | None:
    for d in _FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


class OfstedDoc(FPDF):
    """A4 page with a running header and footer; `header_text` / `footer_text` set per document."""

    header_text = ""
    footer_text = ""

    def __init__(self, title: str, created: datetime) -> None:
        super().__init__(format="A4")
        self.set_creation_date(created)  # fixed, so the output is the same on every run
        self.set_title(title)
        self.set_author("Ofsted")
        self.set_margins(22, 20, 22)
        self.set_auto_page_break(True, margin=24)
        fonts = _font_files()
        if fonts:
            self.add_font("body", "", str(fonts[0]))
            self.add_font("body", "B", str(fonts[1]))
            self.family = "body"
            self.unicode = True
        else:
            self.family = "helvetica"
            self.unicode = False

    def t(self, s: str) -> str:
        return s if self.unicode else s.translate(_ASCII)

    def header(self) -> None:
        if self.header_text:
            self.set_font(self.family, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, self.t(self.header_text), new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(4)

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font(self.family, "", 8)
        self.set_text_color(90, 90, 90)
        if self.footer_text:
            self.cell(0, 4, self.t(self.footer_text), new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 4, str(self.page_no()), align="R")
        self.set_text_color(0, 0, 0)

    def para(self, text: str, size: float = 11, bold: bool = False, after: float = 3) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, size * 0.52, self.t(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(after)

    def bullets(self, items: list[str], size: float = 11) -> None:
        self.set_font(self.family, "", size)
        for item in items:
            self.set_x(self.l_margin + 4)
            self.multi_cell(0, size * 0.52, self.t("• " + item), new_x="LMARGIN", new_y="NEXT", align="L")
            self.ln(1.5)
        self.ln(2)


def monitoring_letter() -> bytes:
    """Third monitoring visit to Nottingham (22 and 23 November 2023; judged inadequate July 2022)."""
    pdf = OfstedDoc("Monitoring visit to Nottingham City Council children’s services",
                    datetime(2024, 1, 9, 9, 0, tzinfo=timezone.utc))
    pdf.footer_text = "Monitoring visit to Nottingham City Council children’s services, 22 and 23 November 2023"
    pdf.add_page()
    pdf.set_font(pdf.family, "", 7)
    pdf.cell(0, 4, pdf.t("Kestrel House 21 Arkwright Way Manchester M4 7QJ   T 0300 123 4567   "
                         "enquiries@ofsted.example   www.ofsted.example"),
             new_x="LMARGIN", new_y="NEXT", align="R")
    pdf.ln(8)
    pdf.para("9 January 2024", after=5)
    pdf.para("Harriet Okonjo\nCorporate Director for Children and Education Services\nNottingham City Council\n"
             "Loxley House\nStation Street\nNottingham\nNG2 3NG", after=6)
    pdf.para("Dear Ms Okonjo", after=5)
    pdf.para("Monitoring visit to Nottingham City Council children’s services", bold=True, after=4)
    pdf.para("This letter sets out what inspectors found during the monitoring visit to Nottingham City Council "
             "children’s services on 22 and 23 November 2023. This visit was the third monitoring visit since the "
             "local authority was judged inadequate in July 2022. His Majesty’s Inspectors for this visit were "
             "Aled Pryce and Joanna Whitcombe.")
    pdf.para("Areas covered by the visit", bold=True)
    pdf.para("Inspectors reviewed the progress made for care leavers aged 18 to 25, with a focus on:")
    pdf.bullets([
        "how well pathway plans are written with young people and kept up to date",
        "the help young people get to find, and to keep, a safe and suitable home",
        "support with education, employment and training",
        "the difference that leaders and managers make to practice with care leavers.",
    ])
    pdf.para("Inspectors carried out this visit under section 136 of the Education and Inspections Act 2006. "
             "They spoke to care leavers, personal advisers, social workers and managers, read case records and "
             "looked at the local authority’s own performance information and audits.")
    pdf.para("Headline findings", bold=True)
    pdf.para("Senior leaders have kept up the pace of change since the last visit, even though the council as a "
             "whole is under severe financial pressure and has seen changes in its own leadership. They know "
             "where practice is still not good enough, and they have invited outside scrutiny to check their "
             "judgements. Most care leavers now have a personal adviser who knows them well and stays in touch, "
             "and young people who are disabled or especially vulnerable receive carefully planned support "
             "as they move into adulthood. The quality of pathway plans still varies, and too many personal "
             "advisers and social workers are employed through agencies rather than on permanent contracts.")
    pdf.para("Findings and progress", bold=True)
    pdf.para("The care leavers’ service has been reorganised so that young people keep the same personal adviser "
             "from the age of 17 onwards. Care leavers told inspectors that their advisers reply quickly, help "
             "them with money and paperwork, and do not give up on them when things go wrong. Advisers visit "
             "regularly, and most records show a clear account of what young people want for themselves.")
    pdf.para("Pathway plans are completed on time for most young people, but the best plans are written with "
             "the young person and in their own words, while weaker plans list tasks without saying who will "
             "do them or by when. Managers’ audits have identified this, and a new template was introduced "
             "in the autumn. It is too early to see its effect.")
    pdf.para("The local authority now works closely with its own housing service and with private landlords. "
             "Care leavers are given priority for social housing, and a small number of supported flats are "
             "kept for young people leaving residential care. Very few care leavers were living in unsuitable "
             "accommodation at the time of the visit, and those who were had a plan to move on.")
    pdf.para("At the time of the visit, agency staff made up 17% of the social work workforce. Social workers’ "
             "average caseload was 15, which leaves them time to build relationships with the young people they "
             "support. Leaders recognise that reliance on agency staff is a risk to the stability of those "
             "relationships, and a recruitment campaign for permanent personal advisers is under way.")
    pdf.para("Demand remains high. The local authority’s own figures show that 719 children were in care at the "
             "end of March 2023, a rate of 108 per 10,000 children, which is well above the rate for England as a "
             "whole. Leaders expect the number of young people leaving care to rise over the next two years and "
             "are planning for it.")
    pdf.para("Support for education, employment and training is improving. A dedicated worker helps young people "
             "into apprenticeships with the council and its partners, and the virtual school now stays involved "
             "after a young person’s 18th birthday. Care leavers in custody are visited and their plans are "
             "reviewed before they are released.")
    pdf.para("Quality assurance has been strengthened. Audits are moderated by senior managers, and the findings "
             "are shared with personal advisers in supervision. Supervision takes place regularly, but records do "
             "not always show how managers have challenged drift or checked that actions were completed.")
    pdf.para("Ofsted will continue to monitor the progress being made through the quarterly monitoring "
             "programme. The next visit will take place in the spring.")
    pdf.para("I am copying this letter to the Department for Education. This letter will be published on the "
             "Ofsted website.", after=5)
    pdf.para("Yours sincerely", after=8)
    pdf.para("Aled Pryce\nHis Majesty’s Inspector", after=0)
    return bytes(pdf.output())


def ilacs_report() -> bytes:
    """Sunderland short inspection, 27 to 31 January 2025: outstanding; care leavers good."""
    pdf = OfstedDoc("Inspection of Sunderland local authority children’s services",
                    datetime(2025, 3, 11, 9, 0, tzinfo=timezone.utc))
    pdf.header_text = "Inspection of Sunderland local authority children’s services: 27 to 31 January 2025"
    pdf.add_page()
    pdf.para("Inspection of Sunderland local authority children’s services", size=18, bold=True, after=4)
    pdf.para("Inspection dates: 27 to 31 January 2025\nLead inspector: Imogen Thackeray, His Majesty’s Inspector",
             after=5)
    pdf.set_font(pdf.family, "", 10.5)
    with pdf.table(col_widths=(110, 56), text_align=("LEFT", "LEFT"), line_height=5.6,
                   first_row_as_headings=True) as table:
        for label, grade in [
            ("Judgement", "Grade"),
            ("The impact of leaders on social work practice with children and families", "Outstanding"),
            ("The experiences and progress of children who need help and protection", "Outstanding"),
            ("The experiences and progress of children in care", "Outstanding"),
            ("The experiences and progress of care leavers", "Good"),
            ("Overall effectiveness", "Outstanding"),
        ]:
            row = table.row()
            row.cell(pdf.t(label))
            row.cell(pdf.t(grade))
    pdf.ln(6)
    pdf.para("Children in Sunderland continue to receive help, protection and care of a very high standard. "
             "Together for Children, the company wholly owned by Sunderland City Council that has delivered the "
             "council’s children’s social care since April 2017, has built on the strengths seen at the last "
             "inspection in 2021, when services were judged to be outstanding. Leaders know their services "
             "in detail, act quickly when practice slips, and keep children’s experiences at the centre of "
             "every decision they make.")
    pdf.para("Political and corporate leaders give the company strong and consistent backing. They have protected "
             "spending on early help and on the workforce at a time of rising demand, and they hold the company "
             "to account through regular, well-informed challenge.")
    pdf.para("Care leavers receive good support from personal advisers who know them well, but a small number "
             "of young people wait too long for a suitable home, and the range of housing available to care "
             "leavers with the most complex needs is not yet wide enough.")
    pdf.para("What needs to improve?", bold=True)
    pdf.bullets([
        "The range and sufficiency of homes for care leavers with complex needs.",
        "The consistency with which pathway plans record young people’s own views and goals.",
    ])
    pdf.para("The experiences and progress of children who need help and protection: outstanding", bold=True)
    pdf.para("Families who need early help get it quickly from family hubs across the city, and workers there "
             "build trusting relationships that help many families avoid the need for statutory services. When "
             "concerns about a child reach the front door, experienced social workers and partners share "
             "information promptly and make sound decisions about what should happen next. Strategy "
             "discussions are timely and well attended, and the police, health services and schools contribute "
             "fully to them.")
    pdf.para("Assessments are thorough and written in a way that families can understand. Social workers see "
             "children regularly and alone when it is right to do so, and they use direct work creatively to "
             "understand what life is like for each child. Plans are clear about what must change, and "
             "reviews check whether it has.")
    pdf.para("Children at risk of exploitation outside the home are identified early. A specialist team works "
             "alongside the police and youth services to disrupt the adults who target children, and social "
             "workers build the kind of relationships that help older children to accept support. When children "
             "go missing, they are offered a conversation with a trusted worker on their return, and what they "
             "say is used to plan how to keep them safe.")
    pdf.para("Disabled children and their families receive a well-coordinated service. Social workers in the "
             "children with disabilities team communicate skilfully with children who do not use speech, and "
             "short breaks are planned around what families say they need. The small number of children living "
             "in private fostering arrangements are visited regularly and their arrangements are assessed "
             "without delay.")
    pdf.para("Workforce stability is a strength. At the end of September 2024 the vacancy rate for social workers "
             "was 4.2%, and caseloads averaged 17.2 children, which allows social workers the time to know "
             "families well. Newly qualified social workers receive a protected caseload and regular support "
             "from practice educators.")
    pdf.para("The experiences and progress of children in care: outstanding", bold=True)
    pdf.para("Children come into care when they need to and not before. Most live with foster carers close to "
             "home, and brothers and sisters live together wherever this is right for them. Children’s "
             "education is supported well by the virtual school, and their health needs are understood and "
             "met. Children in care who spoke to inspectors described social workers who listen, keep their "
             "promises and help them to stay in touch with the people who matter to them.")
    pdf.para("When children cannot return home, permanence is planned early. Children who are adopted or who "
             "live with relatives under special guardianship orders keep the support they need after the order "
             "is made, and life-story work helps them understand their histories.")
    pdf.para("The experiences and progress of care leavers: good", bold=True)
    pdf.para("Personal advisers keep in touch with care leavers and offer practical and emotional help. Most "
             "young people are in education, employment or training, and many are supported into apprenticeships "
             "with local employers. Pathway plans are up to date, although some are written for young people "
             "rather than with them.")
    pdf.para("Most care leavers live in suitable homes and feel safe there. However, a few young people with the "
             "most complex needs have spent too long in temporary arrangements while a suitable home was found. "
             "Leaders are aware of this and are working with the council’s housing service to widen the choice "
             "of supported accommodation.")
    pdf.para("The impact of leaders on social work practice with children and families: outstanding", bold=True)
    pdf.para("The chief executive of Together for Children and the director of children’s services lead a "
             "stable and ambitious senior team. Quality assurance is rigorous and leads to real change in "
             "practice. Leaders listen to children, families and staff, and use what they hear to shape "
             "services.")
    pdf.ln(4)
    pdf.para("Ofsted inspects services for children and young people, and for learners of all ages. If you would "
             "like a copy of this document in a different format, please telephone 0300 123 4567 or email "
             "enquiries@ofsted.example.", size=8.5, after=2)
    pdf.para("© Crown copyright 2025", size=8.5, after=0)
    return bytes(pdf.output())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in [("nottingham-monitoring-letter-2024.pdf", monitoring_letter),
                        ("sunderland-ilacs-report-2025.pdf", ilacs_report)]:
        data = build()
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
