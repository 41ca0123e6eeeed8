"""Is a complaint valid, spam, a duplicate or follow-up of an open case, or invalid?

The judge looks at one complaint and the open cases the caller holds for the same customer and
answers with a `ValidityVerdict`: the outcome, the related case (duplicates and follow-ups),
the rule that decided, a reason fit for the explanation trail (no personal data) and a score.

Order of the checks (the first that applies wins):

1. INVALID  ``invalid.empty``        nothing but whitespace/punctuation.
2. SPAM     ``spam.blocked_sender`` / ``spam.blocked_domain`` / ``spam.links`` /
            ``spam.phrase.<group>``  configurable lists in config/validity.yaml.
3. INVALID  ``invalid.non_letters``, ``invalid.too_short``, ``invalid.repetition``,
            ``invalid.keyboard_mash``.
4. DUPLICATE ``duplicate.near_identical``: an open case of the same customer, received within
            72 h (configurable), whose content is near-identical (similarity >= 0.80), across
            channels. Different order numbers on both sides veto a duplicate.
5. FOLLOW_UP an open case of the same customer within 30 days (configurable) about the same
            matter: ``follow_up.case_reference`` (its case id cited, any age),
            ``follow_up.order_ref`` (a shared order number), ``follow_up.similar_content``
            (similarity >= 0.40), ``follow_up.same_category`` (same category or product *and*
            some overlap >= 0.20), ``follow_up.earlier_complaint_cue`` ("我之前投诉过", "still
            not", "다시" ... together with the same category/product, a little overlap, or it
            being the only open case). Same category alone is not the same matter: an unrelated
            second complaint of the same customer stays VALID.
6. VALID.

Text comparison works on *normalised* text, through routing's one normaliser
(`routing.domain.normalise`): NFKC, casefold, Traditional -> Simplified Chinese (OpenCC t2s,
which also covers Cantonese written in Traditional characters), variant folds, whitespace collapsed. Similarity is
computed on character n-grams: 2-grams over the whole run of characters for Han/Hangul text
(Chinese has no word spaces, Korean words inflect), 4-grams inside words of three or more
letters otherwise. Each open case keeps a bottom-k sketch of its shingle hashes (`fingerprint`,
~700 characters, no readable text); from two sketches we estimate the Jaccard index and the
containment of the smaller text in the larger (a short SMS repeating part of a long e-mail).
The similarity is the larger of the two.

The package, one module per concern:

* `text` — text analysis: the compared form of a text, scripts, links, order numbers, cues;
* `fingerprints` — shingles, sketches, similarity; `cases` — `OpenCase`, `prune`;
* `analysis` — what the judge reads from one complaint (each part computed once), the verdict;
* `rules` — `ValidityRules`, the settings every check reads (validity.yaml, compiled);
* `spam`, `intelligibility`, `related` — the checks; `judge` — `ValidityJudge`, their order;
* `caches` — the three named helpers behind every cache.
"""

from .analysis import ValidityVerdict
from .cases import OpenCase, prune
from .fingerprints import Fingerprinter
from .judge import DEFAULT_CONFIG_PATH, ValidityJudge, extract_order_refs, mentions_earlier_complaint
from .text import normalise_text

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "Fingerprinter",
    "OpenCase",
    "ValidityJudge",
    "ValidityVerdict",
    "extract_order_refs",
    "mentions_earlier_complaint",
    "normalise_text",
    "prune",
]
