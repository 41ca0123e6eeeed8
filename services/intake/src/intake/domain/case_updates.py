"""Case updates staff and customers post through intake (the only write gateway).

The body of `POST /v1/cases/{case_id}/events` is one of the update types, told apart by
`type`. It carries neither `case_id` (the path names the case) nor `at` (intake sets it when
it records the update: a client-set time could backdate an acknowledgement), so each body
model is its event model without those two fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from complaints_shared import events as ev
from pydantic import BaseModel, ConfigDict, Field, create_model

SERVER_SET = ("case_id", "at")


class CaseUpdateBody(BaseModel):
    """Base of the posted bodies; `to_event` adds what the server decides."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    event_model: ClassVar[type[ev.CaseUpdate]]

    def to_event(self, case_id: str, *, now: datetime) -> ev.CaseUpdate:
        fields = self.model_dump(exclude={"type"})
        return self.event_model.model_validate(fields | {"case_id": case_id, "at": now})


def _body_model(name: str, model: type[ev.CaseUpdate]) -> type[CaseUpdateBody]:
    fields: dict[str, Any] = {
        field: (info.annotation, info) for field, info in model.model_fields.items() if field not in SERVER_SET
    }
    body = create_model(
        f"{model.__name__}Body",
        __base__=CaseUpdateBody,
        __doc__=model.__doc__,
        type=(Literal[name], Field(description=f"`{name}`: {model.event_type}")),  # type: ignore[arg-type]  # a Literal built at run time
        **fields,
    )
    body.event_model = model
    return body


# URL/JSON name of each update → its body model ("acknowledged" → CaseAcknowledgedBody, ...).
UPDATE_BODIES: dict[str, type[CaseUpdateBody]] = {
    m.event_type.removeprefix("case."): _body_model(m.event_type.removeprefix("case."), m) for m in ev.CASE_UPDATES
}
UPDATE_TYPES: dict[str, type[ev.CaseUpdate]] = {name: body.event_model for name, body in UPDATE_BODIES.items()}

if TYPE_CHECKING:
    AnyCaseUpdateBody = CaseUpdateBody
else:  # one model per update type, told apart by `type` (a discriminated union in the OpenAPI)
    AnyCaseUpdateBody = Annotated[Union[tuple(UPDATE_BODIES.values())], Field(discriminator="type")]  # noqa: UP007 - built from a tuple


# The request examples of `POST /v1/cases/{case_id}/events` in the OpenAPI document.
UPDATE_EXAMPLES: dict[str, dict[str, Any]] = {
    "acknowledged": {"value": {"type": "acknowledged", "actor": "agent-17"}},
    "escalation_acknowledged": {
        "summary": "The person an escalation reached took it up (no further rungs for that deadline)",
        "value": {"type": "escalation_acknowledged", "actor": "sup-3", "level": "supervisor", "deadline": "acknowledge"},
    },
    "customer_info_requested": {
        "summary": "Ask the customer for information: the case's clocks pause until they answer",
        "value": {"type": "customer_info_requested", "actor": "agent-17", "question": "Which batch number is printed on the box?"},
    },
    "customer_info_received": {
        "summary": "The customer answered another way (a call): the clocks resume",
        "value": {"type": "customer_info_received", "actor": "agent-17", "note": "Batch B-1234, told us by phone."},
    },
}

UNION_TAG_ERRORS = {"union_tag_invalid", "union_tag_not_found"}


def field_of(error: Mapping[str, Any]) -> str:
    """The body field a validation error is about. Pydantic puts the union's tag
    ("acknowledged") into the location, which names no field the client sent; a missing or
    unknown tag is about `type`."""
    parts = list(error["loc"])
    if parts and parts[0] == "body":
        parts = parts[1:]
    if error["type"] in UNION_TAG_ERRORS:
        parts = [*parts, "type"]
    elif parts and parts[0] in UPDATE_BODIES:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)
