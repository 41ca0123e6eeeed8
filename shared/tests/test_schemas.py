"""The committed JSON Schemas and AsyncAPI document are generated from the models; this keeps
them true, and proves the schemas accept real events and refuse broken ones."""

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
import yaml
from complaints_shared import events as ev
from complaints_shared import schema_gen
from complaints_shared.topics import ALL_TOPICS

SCHEMAS = Path(schema_gen.SCHEMA_DIR)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_committed_schemas_match_the_models():
    stale = [name for name, text in schema_gen.render().items() if not (SCHEMAS / name).exists() or (SCHEMAS / name).read_text() != text]
    assert stale == [], f"run `make schemas` and commit: {stale}"
    assert schema_gen.main(["--check"]) == 0


def test_check_fails_on_a_stale_schema(tmp_path):
    schema_gen.main(["--out", str(tmp_path)])
    (tmp_path / "complaint.routed.v1.json").write_text("{}")
    assert schema_gen.main(["--check", "--out", str(tmp_path)]) == 1


def test_every_event_has_a_schema_and_an_asyncapi_message():
    document = yaml.safe_load((SCHEMAS / "asyncapi.yaml").read_text())
    assert document["asyncapi"].startswith("3.")
    assert set(document["components"]["messages"]) == {m.__name__ for m in ev.ALL_EVENTS}
    assert {c["address"] for c in document["channels"].values()} == {t.base_name for t in ALL_TOPICS}
    for model in ev.ALL_EVENTS:
        assert (SCHEMAS / schema_gen.file_name(model)).exists()


def _schema(model) -> dict:
    return json.loads((SCHEMAS / schema_gen.file_name(model)).read_text())


def test_a_real_event_validates_and_a_broken_one_does_not():
    routed = ev.ComplaintRouted(
        case_id="c", received_event_id="r", validity=ev.Validity.VALID, category="delivery", department="logistics",
        priority=ev.Priority.P3, confidence=0.8, rules_version="1", routed_at=NOW,
        deadlines=ev.Deadlines(acknowledge_by=NOW, resolve_by=NOW),
        explanation=(ev.ExplanationItem(step="category", rule="model", detail="包裹", weight=0.7),),
    )
    wire = json.loads(ev.encode(ev.envelope(routed, source="/services/routing")))
    schema = _schema(ev.ComplaintRouted)
    jsonschema.validate(wire, schema)
    for broken in (
        wire | {"type": "org.complaints.complaint.received.v1"},
        wire | {"data": wire["data"] | {"priority": "P9"}},
        {k: v for k, v in wire.items() if k != "id"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
