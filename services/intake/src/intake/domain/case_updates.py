"""Case updates staff and customers post through intake (the only write gateway)."""

from __future__ import annotations

from typing import Any

from complaints_shared import events as ev

# URL/JSON name of each update → its event model ("acknowledged" → CaseAcknowledged, ...).
UPDATE_TYPES: dict[str, type[ev.CaseUpdate]] = {m.event_type.removeprefix("case."): m for m in ev.CASE_UPDATES}


class UnknownUpdateType(ValueError):
    pass


def case_update(case_id: str, body: dict[str, Any], *, now) -> ev.CaseUpdate:
    """Validate a posted update; raises pydantic.ValidationError or UnknownUpdateType."""
    kind = body.get("type")
    model = UPDATE_TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise UnknownUpdateType(f"type must be one of {sorted(UPDATE_TYPES)}")
    fields = {k: v for k, v in body.items() if k != "type"}
    return model.model_validate({"case_id": case_id, "at": now} | fields)
