"""Related cases: is a complaint a duplicate or a follow-up of one of the customer's open cases?

Each eligible open case is compared with the complaint once (`_Comparison`); the first rule of
`_ladder` that holds for it makes it a candidate, and the judge takes the strongest candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from .analysis import Complaint, keys_of
from .cases import OpenCase
from .text import cites, normalise_short

if TYPE_CHECKING:
    from .rules import ValidityRules

__all__ = ["Candidate", "related_candidates"]


@dataclass(frozen=True)
class Candidate:
    case: OpenCase
    rule: str
    strength: int
    similarity: float
    detail: str


@dataclass(frozen=True)
class _Comparison:
    """One open case against the complaint."""

    case: OpenCase
    age: timedelta  # complaint received minus case received
    similarity: float
    shared_order: bool  # both name order numbers, and one in common
    other_order: bool  # both name order numbers, none in common: another matter
    same_category: bool
    same_product: bool
    other_category: bool
    across: str  # " (across channels: ...)" when the channels differ, else ""


def related_candidates(judge: ValidityRules, complaint: Complaint, open_cases: Sequence[OpenCase]) -> list[Candidate]:
    """Every open case the complaint may duplicate or follow up, with the rule that says so."""
    if not open_cases:
        return []
    eligible = _eligible(judge, complaint, open_cases)
    only_case = sum(1 for c in eligible if abs(complaint.received_at - c.received_at) <= judge.follow_up_window) == 1
    compact = complaint.analysis.compact
    out: list[Candidate] = []
    for case in eligible:
        if cites(compact, case.case_id) or (case.reference is not None and cites(compact, case.reference)):
            out.append(Candidate(case, "follow_up.case_reference", 6, 1.0, "cites the case number of an open case"))
            continue
        if abs(complaint.received_at - case.received_at) > judge.follow_up_window:
            continue
        candidate = _ladder(judge, _compare(judge, complaint, case), cue=complaint.analysis.cue, only_case=only_case)
        if candidate is not None:
            out.append(candidate)
    return out


def _eligible(judge: ValidityRules, complaint: Complaint, open_cases: Sequence[OpenCase]) -> list[OpenCase]:
    """The open cases the judge may relate the complaint to: not its own case, in a status the
    judge considers, and filed under a contact key of this complaint (when the case has any)."""
    my_keys = set(keys_of(complaint, judge.default_region))
    eligible: list[OpenCase] = []
    for case in open_cases:
        if case.case_id == complaint.case_id or case.status not in judge.consider_statuses:
            continue
        if case.customer_keys and my_keys.isdisjoint(case.customer_keys):
            continue
        eligible.append(case)
    return eligible


def _compare(judge: ValidityRules, complaint: Complaint, case: OpenCase) -> _Comparison:
    fingerprinter = judge.fingerprinter
    mine = complaint.analysis.sketch_set
    theirs = fingerprinter._decoded(case.fingerprint)
    sim = 0.0 if mine is None or theirs is None else fingerprinter._similarity_of(mine, theirs)
    refs = complaint.analysis.order_refs
    shared = bool(refs and case.order_refs) and not set(refs).isdisjoint(case.order_refs)
    other_order = bool(refs and case.order_refs) and not shared
    category = complaint.category
    my_product = normalise_short(complaint.product) if complaint.product else None
    channel = complaint.channel
    return _Comparison(
        case=case,
        age=complaint.received_at - case.received_at,
        similarity=sim,
        shared_order=shared,
        other_order=other_order,
        same_category=bool(category and case.category and category == case.category),
        same_product=bool(my_product is not None and case.product and my_product == normalise_short(case.product)),
        other_category=bool(category and case.category and category != case.category),
        across="" if channel == case.channel else f" (across channels: {case.channel.value} -> {channel.value})",
    )


def _ladder(judge: ValidityRules, c: _Comparison, *, cue: bool, only_case: bool) -> Candidate | None:
    """The strongest rule that relates the case to the complaint, or None."""
    sim, case, across = c.similarity, c.case, c.across
    if abs(c.age) <= judge.duplicate_window and sim >= judge.duplicate_threshold and not c.other_order:
        hours = abs(c.age).total_seconds() / 3600
        return Candidate(
            case, "duplicate.near_identical", 7, sim,
            f"near-identical to an open case received {hours:.0f} h earlier, similarity {sim:.2f}{across}",
        )
    if c.shared_order:
        return Candidate(case, "follow_up.order_ref", 5, sim, f"same order number as an open case{across}")
    if c.other_order:
        return None  # about another order: not the same matter
    if sim >= judge.follow_up_threshold:
        return Candidate(case, "follow_up.similar_content", 4, sim, f"strong topical overlap with an open case, similarity {sim:.2f}{across}")
    if (c.same_category or c.same_product) and sim >= judge.related_threshold:
        what = "category" if c.same_category else "product"
        return Candidate(case, "follow_up.same_category", 3, sim, f"same {what} and overlapping content (similarity {sim:.2f}){across}")
    if cue and not c.other_category and (c.same_category or c.same_product or sim >= judge.cue_threshold or only_case):
        why = (
            "same category" if c.same_category
            else "same product" if c.same_product
            else f"similarity {sim:.2f}" if sim >= judge.cue_threshold
            else "the only open case"
        )
        return Candidate(case, "follow_up.earlier_complaint_cue", 2, sim, f"says it complained before; {why}{across}")
    return None
