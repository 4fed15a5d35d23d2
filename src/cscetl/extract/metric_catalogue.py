"""The project's metric catalogue: which words around a figure name which metric.

Names follow ../shared/spec/metrics.csv (the floor); a rule fires when its pattern occurs in the
figure's own clause. Rules are tried in order, so specific ones (rates, shares) come before
general ones (counts of children).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cscetl.scan import lowered, may_match


@dataclass(frozen=True)
class MetricRule:
    name: str
    units: frozenset[str]  # units the figure may have for this metric
    pattern: re.Pattern[str]
    meaning: str


def _rule(name: str, units: str, pattern: str, meaning: str) -> MetricRule:
    return MetricRule(name, frozenset(units.split("|")), re.compile(pattern, re.I), meaning)


CATALOGUE: list[MetricRule] = [
    # rates per 10,000 children
    _rule("children_looked_after_rate", "per_10k", r"looked[- ]after|\bin (?:the |our |its )?(?:council['’]s |authority['’]s |local authority['’]s )?care\b|\bCLA\b", "children looked after per 10,000 children"),
    _rule("child_protection_plan_rate", "per_10k", r"child protection", "child protection plans per 10,000 children"),
    _rule("children_in_need_rate", "per_10k", r"\bin need\b", "children in need per 10,000 children"),
    _rule("referrals_rate", "per_10k", r"referral", "referrals per 10,000 children"),
    # shares
    _rule("re_referrals_pct", "percent", r"\bre-?referrals?\b", "share of referrals that are re-referrals"),
    _rule("assessments_in_timescale_pct", "percent", r"assessments?\b.{0,60}\b(within|in)\b.{0,20}(timescale|time|45 (working )?days)", "assessments completed within 45 working days"),
    _rule("return_home_interviews_accepted_pct", "percent", r"return[- ]home interview", "missing children who accept a return home interview"),
    _rule("care_leavers_eet_pct", "percent", r"care leavers?.{0,80}(education|employment|training)|(education|employment|training).{0,80}care leavers?", "care leavers in education, employment or training"),
    _rule("child_population_pct", "percent", r"\bpopulation\b", "children as a share of the total population"),
    _rule("agency_social_workers_pct", "percent", r"\b(agency|locum|interim)\b", "social workers who are agency or locum staff"),
    _rule("permanent_social_workers_pct", "percent", r"\bpermanent\b", "social workers on permanent contracts"),
    _rule("social_worker_turnover_pct", "percent", r"\bturnover\b", "annual social worker turnover"),
    _rule("social_worker_vacancy_pct", "percent", r"\bvacanc(y|ies)\b", "social worker vacancy rate"),
    _rule("children_not_visited", "count|percent", r"\bnot (been )?(seen|visited)\b|\bvisits?\b.{0,30}\boverdue\b", "children not seen or visited within timescales"),
    # changes and levels of activity
    _rule("social_worker_caseload", "count|percent", r"\bcaseloads?\b", "average caseload per social worker"),
    _rule("referrals", "count|percent", r"\breferrals?\b", "referrals to children's social care"),
    _rule("contacts", "count", r"\bcontacts\b", "contacts received by children's social care"),
    _rule("assessments", "count", r"\bassessments\b.{0,40}\b(completed|carried out|undertaken)|\b(completed|carried out|undertook)\b.{0,40}\bassessments\b", "social work assessments completed"),
    _rule("unallocated_cases", "count", r"\bunallocated\b|\bwithout an allocated\b|\bnot (?:yet )?allocated\b|\bawaiting allocation\b|\bwaiting (?:to be allocated|for allocation|for a social worker)\b", "cases without an allocated social worker"),
    _rule("care_leavers", "count", r"\bcare leavers\b", "care leavers supported"),
    _rule("child_protection_plans", "count", r"child protection plans?|\bsubject (of|to) (a )?(child protection|CP) plan", "children subject to a child protection plan"),
    _rule("children_looked_after", "count", r"looked[- ]after|\bin (?:the |our |its )?(?:council['’]s |authority['’]s |local authority['’]s )?care\b", "children looked after"),
    _rule("children_in_need", "count", r"\bin need\b", "children in need"),
    _rule("child_population", "count", r"\b(children|young people)\b.{0,60}\b(live|living|resident)\b|\bchild population\b", "children under 18 living in the area"),
    _rule("permanent_staff_recruited", "count", r"\b(recruited|secured|appointed|hired|recruiting)\b.{0,40}\bpermanent\b|\bpermanent\b.{0,50}\b(recruited|appointed|hired|joined)\b", "permanent staff recruited"),
    _rule("agency_social_workers", "count", r"\bagency (social )?(workers|staff)\b", "agency social workers (headcount)"),
    _rule("social_workers", "count", r"\bsocial workers\b", "social workers employed"),
    # money
    _rule("grant", "gbp", r"\bgrant\b", "grant money from government or another body"),
    _rule("overspend", "gbp", r"\boverspend|\bdeficit\b|\bover budget\b", "overspend of children's services"),
    _rule("savings", "gbp", r"\bsavings?\b|\bcuts?\b", "savings the service must make"),
    # "overspending its budget by £4m" is an overspend, not a budget: a budget figure is "a budget of £X" or "£X budget"
    _rule("budget", "gbp", r"\bbudget\s+(?:of|is|was|will be|stands at|totals|totalling|set at|for\s+\d{4})\b|£[\d.,]+\s*(?:m|bn|k|million|billion)?\s+(?:annual\s+)?budget\b", "annual budget of children's services"),
    _rule("investment", "gbp", r"\binvest|\bcommitted\b|\badditional\b|\bfunding\b|\bextra\b", "money committed or invested by the council"),
]


def classify(clause: str, unit: str) -> str | None:
    """The first catalogue metric whose unit fits and whose words occur in the clause."""
    for rule in CATALOGUE:
        if unit in rule.units and rule.pattern.search(clause):
            return rule.name
    return None


@lru_cache(maxsize=None)
def _rules_for(unit: str) -> tuple[tuple[int, MetricRule], ...]:
    """(catalogue order, rule) of the rules a figure of this unit may match."""
    return tuple((order, rule) for order, rule in enumerate(CATALOGUE) if unit in rule.units)


def classify_near(before: str, figure: str, after: str, unit: str) -> str | None:
    """The catalogue metric whose words stand closest to the figure ("a vacancy rate of 26.7%, and
    agency staff make up 11.9%": vacancy for the first, agency for the second); ties go to the
    earlier, more specific rule."""
    text = before + figure + after
    a, b = len(before), len(before) + len(figure)
    best: tuple[int, int, str] | None = None
    low = lowered(text)
    for order, rule in _rules_for(unit):
        if not may_match(rule.pattern, low):
            continue  # the rule's words are not there: spare its pattern
        for m in rule.pattern.finditer(text):
            gap = 0 if m.start() < b and m.end() > a else (a - m.end() if m.end() <= a else m.start() - b)
            if best is None or (gap, order) < best[:2]:
                best = (gap, order, rule.name)
    return best[2] if best else None
