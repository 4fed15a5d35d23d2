import pytest

from cscetl.people import canonical_names

CASES = [
    (["Tony Kildare", "Antony Kildare"], {"Tony Kildare": "Antony Kildare", "Antony Kildare": "Antony Kildare"}),
    (["Liz Terry", "Councillor Terry"], {"Liz Terry": "Liz Terry", "Councillor Terry": "Liz Terry"}),
    (["Bob Hale", "Robert Hale"], {"Bob Hale": "Robert Hale", "Robert Hale": "Robert Hale"}),
    (["Jan Gavin", "Gavin"], {"Jan Gavin": "Jan Gavin", "Gavin": "Jan Gavin"}),
    # near misses: different people who share a surname stay apart, and a bare surname between them is not guessed
    (["John Smith", "Jane Smith", "Smith"], {"John Smith": "John Smith", "Jane Smith": "Jane Smith", "Smith": "Smith"}),
    (["Ofsted", "Exampleton Council spokesperson"], {"Ofsted": "Ofsted", "Exampleton Council spokesperson": "Exampleton Council spokesperson"}),
]


@pytest.mark.parametrize("names,want", CASES)
def test_canonical(names, want):
    assert canonical_names(names) == want
