"""routing.cli: decide, evaluate, train, compare through main([...])."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from routing import cli
from routing.domain.classification import Classifier
from routing.domain.classification.config import RuleSet, load_rules
from routing.domain.normalise import normalise
from routing.training import personal_data_case

DATA = Path(__file__).parent / "data"
OTHER = DATA / "other_industries.jsonl"


def run(monkeypatch, capsys, argv, stdin: str = ""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_decide_writes_one_decision_per_line(monkeypatch, capsys):
    lines = [
        {"id": "a", "channel": "sms", "language": "ko", "customer_tier": "standard", "subject": "",
         "text": "충전 중에 보조배터리에서 연기가 났어요"},
        {"id": "b", "channel": "email", "text": "I've reported you to Trading Standards."},  # no language, no expected
    ]
    code, out, err = run(monkeypatch, capsys, ["decide"], "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    assert code == 0 and err == ""
    got = [json.loads(x) for x in out.splitlines()]
    assert [g["id"] for g in got] == ["a", "b"]
    assert set(got[0]) == {"id", "department", "category", "priority", "confidence", "uncertain", "queue", "best_guess_department", "explanation"}
    assert (got[0]["category"], got[0]["priority"]) == ("product_quality", "P1")
    assert (got[1]["department"], got[1]["priority"]) == ("legal", "P1")
    assert all(isinstance(e, dict) and {"step", "rule", "detail", "weight"} == set(e) for e in got[0]["explanation"])


def test_decide_reports_bad_lines_and_goes_on(monkeypatch, capsys):
    good = json.dumps({"id": "ok", "channel": "web", "text": "Refund still not received after two weeks."})
    stdin = "\n".join([good, "{not json", json.dumps({"id": "x", "channel": "fax", "text": "hi"}),
                       json.dumps({"id": "y", "channel": "sms", "text": ""}), good]) + "\n"
    code, out, err = run(monkeypatch, capsys, ["decide"], stdin)
    assert code != 0
    assert len(out.splitlines()) == 2
    starts = [line.split(":")[0] for line in err.splitlines()]
    assert starts == ["line 2", "line 3", "line 4"]


def test_decide_full_adds_versions(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, ["decide", "--full"],
                       json.dumps({"id": "z", "channel": "web", "language": "en", "text": "How do I pair the remote?"}) + "\n")
    d = json.loads(out)
    assert code == 0 and d["rules_version"] and d["model_version"] and "handling_hint" in d and "uncertain" in d


def test_evaluate_prints_table_and_json(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, ["evaluate", str(OTHER)])
    assert code == 0
    for word in ("department", "category", "priority", "zh-Hans", "zh-Hant", "ko", "en", "overall", "P1 recall"):
        assert word in out
    code, out, _ = run(monkeypatch, capsys, ["evaluate", str(OTHER), "--json"])
    data = json.loads(out)
    assert code == 0
    assert set(data["shipped"]["by_language"]) == {"zh-Hans", "zh-Hant", "ko", "en"}
    assert data["shipped"]["p1"]["recall"] == 1.0


def test_evaluate_with_cross_validation(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, ["evaluate", str(OTHER), "--json", "--cv", "2"])
    assert code == 0 and "cross_validated" in json.loads(out)


def test_train_writes_a_model_that_loads(monkeypatch, capsys, tmp_path):
    out_path = tmp_path / "model.json"
    corrections = tmp_path / "corrections.jsonl"
    rec = json.loads(OTHER.read_text(encoding="utf-8").splitlines()[0])
    rec["expected"] = {"department": "billing", "category": "billing", "priority": "P3"}
    corrections.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, ["train", str(OTHER), str(DATA / "other_industries_blind.jsonl"), str(corrections),
                                             "--out", str(out_path), "--folds", "2", "--version", "test-model"])
    assert code == 0, out
    assert "before" in out and "cross-validated" in out
    model = json.loads(out_path.read_text(encoding="utf-8"))
    assert model["version"] == "test-model" and model["trained_on"] == 64
    clf = Classifier.from_config(model_path=out_path)
    assert clf.model.version == "test-model"
    assert clf.classify(text="Charged twice for one order.", channel="web", language="en").model_version == "test-model"


def test_oversampled_files_train_the_model_but_do_not_set_its_class_prior(monkeypatch, capsys, tmp_path):
    """The safety sets are mostly product-quality hazards: trained on as plain files they raise that
    category's intercept; given as --oversampled, the same weights are learnt and the intercepts are
    moved back to the class frequencies of the other files."""
    safety = DATA / "safety_blind205.jsonl"
    plain, corrected = tmp_path / "plain.json", tmp_path / "corrected.json"
    common = ["--folds", "2", "--version", "v"]
    assert run(monkeypatch, capsys, ["train", str(OTHER), str(safety), "--out", str(plain), *common])[0] == 0
    assert run(monkeypatch, capsys, ["train", str(OTHER), "--oversampled", str(safety), "--out", str(corrected), *common])[0] == 0
    a, b = (json.loads(path.read_text(encoding="utf-8")) for path in (plain, corrected))
    n_other = sum(1 for line in OTHER.read_text(encoding="utf-8").splitlines() if line.strip())
    assert a["trained_on"] == b["trained_on"] == n_other + 40
    assert (a["class_prior_from"], b["class_prior_from"]) == (n_other + 40, n_other)
    assert a["vocabulary"] == b["vocabulary"] and a["lexicon_coef"] == b["lexicon_coef"]
    quality = a["classes"].index("product_quality")
    assert b["intercept"][quality] < a["intercept"][quality]


def test_the_hazard_cause_model_learns_from_the_hazards_alone():
    """Only P1 records that are not legal train it, and only their features get a weight: a
    feature seen only outside the hazards is not exported. Two causes make one row in
    scikit-learn; the artefact has one per class, as the softmax reads them."""
    from routing.training import fit_hazard_cause
    from scipy.sparse import csr_matrix

    def record(priority, category):
        return {"expected": {"priority": priority, "category": category}}

    records = [record("P1", "product_quality"), record("P1", "service_attitude"), record("P3", "billing"),
               record("P1", "legal_regulatory"), record("P1", "product_quality")]
    x = csr_matrix([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [0, 0, 1.0], [1.0, 0, 0]])
    cause = fit_hazard_cause(x, records, ["kettle", "waiter", "invoice"])
    assert cause is not None
    assert cause["classes"] == ["product_quality", "service_attitude"] and cause["trained_on"] == 3
    assert set(cause["weights"]) == {"kettle", "waiter"}
    assert all(len(w) == 2 for w in cause["weights"].values()) and len(cause["intercept"]) == 2
    assert cause["weights"]["waiter"][1] > cause["weights"]["waiter"][0]
    assert fit_hazard_cause(x[2:4], records[2:4], ["kettle", "waiter", "invoice"]) is None  # no hazard at all


def test_a_detector_learns_its_label_from_every_record():
    """Every record trains it, its label against the rest (for the hazard detector: look-alikes
    and legal P1s among the rest); a feature whose weight rounds to 0 is not exported."""
    from routing.training import fit_detector, is_hazard
    from scipy.sparse import csr_matrix

    def record(priority, category):
        return {"expected": {"priority": priority, "category": category}}

    records = [record("P1", "product_quality"), record("P1", "service_attitude"), record("P3", "billing"),
               record("P1", "legal_regulatory"), record("P3", "product_quality")]
    x = csr_matrix([[1.0, 0, 0, 0], [1.0, 0, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 1.0], [0, 0, 1.0, 0]])
    vocab = ["burnt", "unused", "invoice", "lawyer"]
    detector = fit_detector(x, [is_hazard(r) for r in records], vocab, c=8.0)
    assert detector is not None
    assert (detector["trained_on"], detector["positives"]) == (5, 2)
    assert set(detector["weights"]) == {"burnt", "invoice", "lawyer"}
    assert detector["weights"]["burnt"] > 0 > detector["weights"]["lawyer"]
    assert fit_detector(x[2:], [is_hazard(r) for r in records[2:]], vocab, c=8.0) is None  # no hazard at all


@pytest.fixture(scope="module")
def shipped_rules() -> RuleSet:
    """The shipped rules alone (the model is not needed to label training records)."""
    return load_rules()


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("You leaked my personal data to another customer.", True),  # the personal-data rule holds it
        ("Our guest list with 112 home addresses was in a stranger's download.", True),  # no legal rule holds it
        ("I have reported you to Trading Standards.", False),  # only the regulator rule holds it
        ("My solicitor will be in touch about the refund.", False),  # only the lawyer rule holds it
    ],
)
def test_the_personal_data_detector_learns_from_the_legal_records_no_lawyer_or_regulator_rule_alone_holds(shipped_rules, text, counts):
    """Its positives: legal records the personal-data rule holds, and those no legal rule holds
    (the blind sets' misses, nearly all personal data); not those of lawyers and regulators."""
    assert personal_data_case(shipped_rules, normalise(text)) is counts


def test_a_trained_model_names_a_hazards_cause_and_reads_a_safety_case(monkeypatch, capsys, tmp_path):
    """`train` writes the hazard-cause part, the hazard detector and the personal-data detector
    beside the category model. Loaded, the cause part gives a probability per cause it was
    trained on, and the hazard detector reads a hurt child as more likely a safety case than a
    double charge."""
    out_path = tmp_path / "model.json"
    argv = ["train", str(OTHER), "--oversampled", str(DATA / "safety_blind205.jsonl"), "--out", str(out_path), "--folds", "2"]
    assert run(monkeypatch, capsys, argv)[0] == 0
    artefact = json.loads(out_path.read_text(encoding="utf-8"))
    lines = [line for path in (OTHER, DATA / "safety_blind205.jsonl") for line in path.read_text(encoding="utf-8").splitlines()]
    records = [json.loads(line) for line in lines if line.strip()]
    hazards = [r for r in records if r["expected"]["priority"] == "P1" and r["expected"]["category"] != "legal_regulatory"]
    assert artefact["hazard_cause"]["trained_on"] == len(hazards)
    assert set(artefact["hazard_cause"]["classes"]) == {r["expected"]["category"] for r in hazards}
    assert (artefact["hazard_detector"]["trained_on"], artefact["hazard_detector"]["positives"]) == (len(records), len(hazards))
    # of the six legal records, one tells of personal data (the rule legal.personal_data holds it): the detector's only
    # positive; the regulators and lawyers are not
    assert sum(r["expected"]["category"] == "legal_regulatory" for r in records) == 6
    assert (artefact["personal_data_detector"]["trained_on"], artefact["personal_data_detector"]["positives"]) == (len(records), 1)
    model = Classifier.from_config(model_path=out_path).model
    assert model is not None
    cause = model.predict_cause(model.vectorise("the waiter spilt boiling soup on my son"))
    assert set(cause) == set(artefact["hazard_cause"]["classes"]) and sum(cause.values()) == pytest.approx(1.0)
    hurt = model.predict_hazard(model.vectorise("my son burnt his hand on the kettle and we went to hospital"))
    charged = model.predict_hazard(model.vectorise("you charged my card twice for the same invoice"))
    assert hurt is not None and charged is not None and 0.0 < charged < hurt < 1.0


def test_the_prior_shift_is_nothing_where_the_frequencies_agree():
    from routing.training import prior_shift

    records = [{"expected": {"category": c}} for c in ("billing", "billing", "delivery", "product_quality")]
    assert list(prior_shift(["billing", "delivery", "product_quality"], records, list(records))) == [0.0, 0.0, 0.0]
    shifted = prior_shift(["billing", "delivery", "product_quality"], records, records[:3])
    assert shifted[2] < 0 < shifted[0]


def test_shadow_compare(monkeypatch, capsys, tmp_path):
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    old.write_text(json.dumps({"id": "1", "department": "billing", "category": "billing", "priority": "P3"}) + "\n")
    new.write_text(json.dumps({"id": "1", "department": "billing", "category": "billing", "priority": "P2"}) + "\n")
    code, out, _ = run(monkeypatch, capsys, ["compare", str(old), str(new)])
    assert code == 0 and json.loads(out)["changed"] == {"priority": 1}
    assert cli.compare is not None


def test_missing_file_is_an_error(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, ["evaluate", str(tmp_path / "nope.jsonl")])
    assert code == 2 and "error" in err


def test_unknown_command_exits(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        cli.main(["frobnicate"])


def test_decide_keeps_the_best_guess_of_an_uncertain_decision_and_names_the_triage_queue(monkeypatch, capsys):
    """Issue 12: "the decision keeps its best guess but says so (`uncertain`, in decide's output
    too) and the case goes to a triage queue": `department` is the guess, `queue` is triage."""
    line = {"id": "u", "channel": "sms", "language": "en", "text": "hello, about my thing from last week"}
    code, out, _err = run(monkeypatch, capsys, ["decide"], json.dumps(line) + "\n")
    d = json.loads(out)
    assert code == 0 and d["uncertain"] is True
    assert d["queue"] == "triage" and d["department"] not in {"triage", None}
    assert d["department"] == d["best_guess_department"]
