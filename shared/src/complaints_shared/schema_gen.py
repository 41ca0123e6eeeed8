"""Generate shared/schemas/ from the event models: one JSON Schema per event (envelope and
data) and asyncapi.yaml describing every topic. Run `python -m complaints_shared.schema_gen`
after changing an event; `--check` exits 1 when the committed files are stale (a test runs it).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import yaml
from pydantic.json_schema import models_json_schema

from . import events as ev
from .topics import ALL_TOPICS

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
ASYNCAPI_VERSION = "3.0.0"
PLATFORM_VERSION = "0.1.0"


def _pin_type(schema: dict, model: type[ev.Contract]) -> dict:
    schema = copy.deepcopy(schema)
    schema["properties"]["type"] = {"const": ev.type_name(model), "type": "string", "title": "Type"}
    schema["title"] = f"{model.__name__} event"
    schema["description"] = (model.__doc__ or "").strip().splitlines()[0]
    return schema


def event_schema(model: type[ev.Contract]) -> dict:
    """The standalone JSON Schema (2020-12) of one event, envelope included."""
    schema = ev.Event[model].model_json_schema(mode="validation")  # type: ignore[valid-type]
    schema = _pin_type(schema, model)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"schemas/{model.event_type}.v1.json"
    return schema


def file_name(model: type[ev.Contract]) -> str:
    return f"{model.event_type}.v1.json"


def asyncapi_document() -> dict:
    envelopes = [ev.Event[m] for m in ev.ALL_EVENTS]  # type: ignore[valid-type]
    key_map, defs = models_json_schema(
        [(e, "validation") for e in envelopes], ref_template="#/components/schemas/{model}"
    )
    schemas = defs["$defs"]
    messages: dict[str, dict] = {}
    for model, envelope_model in zip(ev.ALL_EVENTS, envelopes, strict=True):
        ref = key_map[(envelope_model, "validation")]["$ref"]
        name = ref.rsplit("/", 1)[1]
        schemas[name] = _pin_type(schemas[name], model)
        messages[model.__name__] = {
            "name": model.__name__,
            "title": model.__name__,
            "summary": (model.__doc__ or model.__name__).strip().splitlines()[0],
            "contentType": "application/json",
            "payload": {"$ref": ref},
            "bindings": {
                "kafka": {"key": {"type": "string", "description": "the event's subject: case id or customer id"}, "bindingVersion": "0.5.0"}
            },
        }
    channels, operations = {}, {}
    for spec in ALL_TOPICS:
        channel_messages = {m.__name__: {"$ref": f"#/components/messages/{m.__name__}"} for m in spec.carries}
        channels[spec.key] = {
            "address": spec.base_name,
            "description": spec.description,
            "messages": channel_messages,
            "bindings": {
                "kafka": {
                    "topic": spec.base_name,
                    "partitions": spec.partitions,
                    "topicConfiguration": {
                        "cleanup.policy": ["compact"] if spec.compacted else ["delete"],
                        "retention.ms": -1 if spec.compacted else spec.retention_ms,
                    },
                    "bindingVersion": "0.5.0",
                }
            },
        }
        operations[f"publish_{spec.key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{spec.key}"},
            "summary": f"Publish to {spec.base_name}",
            "messages": [{"$ref": f"#/channels/{spec.key}/messages/{name}"} for name in channel_messages],
        }
        operations[f"consume_{spec.key}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{spec.key}"},
            "summary": f"Subscribe to {spec.base_name}",
            "messages": [{"$ref": f"#/channels/{spec.key}/messages/{name}"} for name in channel_messages],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Complaint-handling platform events",
            "version": PLATFORM_VERSION,
            "description": (
                "Every event is a CloudEvents 1.0 envelope in JSON (structured mode); the Kafka key is the "
                "case id (customer id on the profiles topic), so all events of a case keep their order. "
                "Topic names may carry an installation prefix (COMPLAINTS_TOPIC_PREFIX)."
            ),
            "license": {"name": "Apache-2.0"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "make run"},
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def render() -> dict[str, str]:
    """File name → content of everything under shared/schemas/."""
    files = {file_name(m): json.dumps(event_schema(m), indent=2, ensure_ascii=False) + "\n" for m in ev.ALL_EVENTS}
    files["asyncapi.yaml"] = yaml.safe_dump(asyncapi_document(), sort_keys=False, allow_unicode=True, width=100)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files differ")
    parser.add_argument("--out", type=Path, default=SCHEMA_DIR)
    args = parser.parse_args(argv)
    files = render()
    stale = [n for n, text in files.items() if not (args.out / n).exists() or (args.out / n).read_text() != text]
    extra = sorted(p.name for p in args.out.glob("*") if p.name not in files) if args.out.exists() else []
    if args.check:
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        for name in extra:
            print(f"not generated from any model: {args.out / name}", file=sys.stderr)
        return 1 if stale or extra else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in extra:
        (args.out / name).unlink()
    for name, text in files.items():
        (args.out / name).write_text(text)
    print(f"wrote {len(files)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
