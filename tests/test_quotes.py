"""Quote extraction: every attribution pattern, each with a near miss. Texts are written for the tests."""
import pytest

from cscetl.extract.quotes import extract_quotes
from cscetl.records import DocContext

CTX = DocContext(kind="news")

# (text, [(speaker, first words of the quote)])
CASES = [
    # X, role, said: "..."
    ('Councillor Mara Quill, cabinet member for children at Exampleton Council, said: "We are proud of every foster carer in the borough."',
     [("Mara Quill", "We are proud of every")]),
    # "...," said X
    ('"The new hub will open its doors to families next spring," said Omar Feld.', [("Omar Feld", "The new hub will open")]),
    # "...," X said
    ('“We expect to see fewer agency staff by the summer,” Hannah Roe said.', [("Hannah Roe", "We expect to see fewer")]),
    # "...," she added — pronoun resolves to the last named person
    ('Priya Das, director of children\'s services, spoke first.\n\n“Caseloads have come down across every team,” she added.',
     [("Priya Das", "Caseloads have come down")]),
    # She continued: "..." after a named speaker
    ('Ruth Okafor said: “Families told us the front door was hard to reach.”\n\nShe continued: “That is why we opened a single number for every call.”',
     [("Ruth Okafor", "Families told us the front"), ("Ruth Okafor", "That is why we opened")]),
    # X said: on its own line, quote on the next
    ('Councillor Webb said:\n\n"Here in the county we will take all the help we are offered."',
     [("Webb", "Here in the county we")]),
    # It reads: "..." — the inspectorate
    ('The letter was published on Friday.\n\nIt reads: "Leaders have a clear understanding of the weaknesses in practice."',
     [("Ofsted", "Leaders have a clear understanding")]),
    # "...," the report states / inspectors said
    ('“Children wait too long for their plans to be reviewed,” the report states.', [("Ofsted", "Children wait too long for")]),
    ('"Management oversight is not yet consistent across teams," inspectors said.', [("Ofsted", "Management oversight is not yet")]),
    # a council spokesperson
    ('A spokesperson for Exampleton Council said: "We accept the findings in full and have begun work."',
     [("Exampleton Council spokesperson", "We accept the findings in")]),
    # single curly marks
    ("Dr Lena Marsh said: ‘It will take years rather than months to rebuild trust.’", [("Lena Marsh", "It will take years rather")]),
    # told the BBC / according to / reported speech running into the quotation
    ('Councillor Ada Brook told the Local Democracy Reporting Service: "We have not got this right yet for every child."',
     [("Ada Brook", "We have not got this")]),
    ('According to Ofsted, "leaders do not know enough about the quality of practice in their teams."',
     [("Ofsted", "leaders do not know enough")]),
    ('Omar Feld said the trust would "do everything it can to put this right for families".',
     [("Omar Feld", "do everything it can to")]),
    # "...," Name, role, said.
    ('"We have to be able to trust the numbers we report," Ines Hardy, director of the trust, said.', [("Ines Hardy", "We have to be able")]),
    # "...," role, Name, said.
    ('"Families said they felt listened to this time," the county\'s director of children\'s services, Paul Brandt, said.', [("Paul Brandt", "Families said they felt listened")]),
    # a role with no name: the person quoted with that role earlier
    ('"Our front door is working well for families now," said Councillor Mia Tern, portfolio holder for children.\n\n'
     'The portfolio holder for children added: "We still have a great deal more to do."',
     [("Mia Tern", "Our front door is working"), ("Mia Tern", "We still have a great")]),
]

NEAR_MISSES = [
    # a title in quotation marks is not a quotation of anyone
    'The council published its plan, "Every Child Deserves A Safe Loving Home", last year.',
    # scare quotes under five words are not quotations
    'The service was rated "requires improvement" last year.',
    "Staff described a welcome ‘culture change’ in recent months.",
    # a quotation nobody is said to have said is left out rather than guessed
    'The campaign slogan, "every child deserves a loving home today", appeared on buses.',
]


@pytest.mark.parametrize("text,want", CASES)
def test_attribution(text, want):
    got = [(q.speaker_name, q.text) for q in extract_quotes(text, CTX)]
    assert [(s, t.split()[:4]) for s, t in got] == [(s, w.split()[:4]) for s, w in want]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_not_a_quote(text):
    assert extract_quotes(text, CTX) == []


def test_multi_paragraph_quote_keeps_speaker_and_offsets():
    text = (
        'Sam Idris, the trust\'s chief executive, said: "We have robust plans in place for every team.\n\n'
        '"Recruitment remains the hardest part of the job for us.\n\n'
        '"We will not stop until every child has a permanent social worker."\n\n'
        'The trust was set up in 2019.'
    )
    rows = extract_quotes(text, CTX)
    assert [r.speaker_name for r in rows] == ["Sam Idris"] * 3
    assert rows[0].speaker_role == "chief executive"
    for r in rows:
        assert text[r.char_start : r.char_end] == r.text


def test_role_and_org():
    text = 'Councillor Ada Brook, Exampleton Borough Council\'s lead member for children\'s services, said: "We are not yet where we need to be."'
    (q,) = extract_quotes(text, CTX)
    assert (q.speaker_name, q.speaker_role, q.speaker_org) == (
        "Ada Brook", "lead member for children's services", "Exampleton Borough Council")
