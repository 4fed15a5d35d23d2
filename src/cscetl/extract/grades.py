"""Ofsted grade words, shared by the inspection and judgement extractors."""
from __future__ import annotations

import re

GRADE = r"(?:outstanding|good|requires?\s+improvement(?:\s+to\s+be\s+good)?|requiring\s+improvement|inadequate|adequate)"
GRADE_RX = re.compile(GRADE, re.I)


def grade_of(word: str) -> str | None:
    w = re.sub(r"\s+", " ", word.lower()).strip(" '‘’\"“”")
    if w.startswith(("require", "requiring")):
        return "requires_improvement"
    return w if w in ("outstanding", "good", "inadequate", "adequate") else None
