"""Whether a case action may be taken now: the case's state as archive (the system of record)
knows it, the lifecycle's rules, the client's `If-Match`, and what intake itself recorded a
moment ago that archive may not have applied yet."""

from __future__ import annotations

import asyncio
import re
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from complaints_shared import lifecycle
from complaints_shared.lifecycle import CaseStatus


@dataclass(frozen=True)
class CaseState:
    status: CaseStatus
    version: int  # archive's version of the case: +1 per event it applied; the ETag is "<version>"
    # The ids of the events archive applied to the case (its timeline); None when not known.
    applied: frozenset[str] | None = None

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class CaseStates(Protocol):
    """Where cases' states are read (archive's API; a dict in unit tests)."""

    async def get(self, case_id: str) -> CaseState | None: ...


class CaseStatesUnavailable(Exception):
    """Archive did not answer in time, or not as agreed: nothing was recorded."""


class UnknownCase(Exception):
    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__("no such case")


class ActionRefused(Exception):
    """The case's current status does not allow the action."""

    def __init__(self, state: CaseState, action: str) -> None:
        self.state = state
        self.action = action
        self.allowed = lifecycle.allowed_actions(state.status)
        super().__init__(
            f"{action!r} is not allowed while the case is {state.status.value!r}; allowed: {', '.join(self.allowed) or 'none'}"
        )


class VersionMismatch(Exception):
    """`If-Match` names another version of the case than its current one."""

    def __init__(self, state: CaseState, if_match: str) -> None:
        self.state = state
        self.if_match = if_match
        super().__init__(f"the case is at ETag {state.etag}, not {if_match}: someone acted on it meanwhile; read it again")


class MalformedIfMatch(ValueError):
    pass


_ENTITY_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*')


def if_match_versions(header: str) -> frozenset[int] | None:
    """The versions an `If-Match` header admits; None for `*` (any current version).

    Strong comparison (RFC 9110 13.1.1): a weak tag never matches, nor one that is not a
    version. Raises MalformedIfMatch when the header is not a list of entity tags.
    """
    if header.strip() == "*":
        return None
    versions: set[int] = set()
    for part in header.split(","):
        match = _ENTITY_TAG.fullmatch(part)
        if match is None:
            raise MalformedIfMatch('not a list of entity tags such as "3"')
        weak, opaque = match.groups()
        if not weak and opaque.isascii() and opaque.isdigit():
            versions.add(int(opaque))
    return frozenset(versions)


def check(state: CaseState, action: str, *, if_match: str | None = None) -> CaseState:
    """The case's state after `action`, or why not: VersionMismatch (412, checked first: the
    client decided on a state that is gone) or ActionRefused (409)."""
    if if_match is not None:
        versions = if_match_versions(if_match)
        if versions is not None and state.version not in versions:
            raise VersionMismatch(state, if_match)
    try:
        status = lifecycle.after(state.status, action)
    except lifecycle.TransitionRefused:
        raise ActionRefused(state, action) from None
    return CaseState(status, state.version + 1)


class RecentUpdates:
    """Where intake's own recent updates led each case, for `ttl`.

    Archive projects events asynchronously: a client that posts `acknowledged` and then
    `cause_found` a moment later may ask before archive applied the first. Until archive's
    timeline holds intake's update (or `ttl` passes), intake's memory is the fresher answer;
    from then on archive's own answer is (whatever else happened to the case). Archive's
    version alone cannot tell: notices and escalations about the case count in it too, so it
    can reach the expected number while intake's update is still on its way.
    """

    def __init__(self, ttl: timedelta) -> None:
        self.ttl = ttl
        self._expected: dict[str, tuple[CaseState, str, datetime]] = {}
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, case_id: str) -> asyncio.Lock:
        """One lock per case while someone holds it: two requests on one case in this process
        are checked and recorded one after the other, so the second sees the first's result."""
        lock = self._locks.get(case_id)
        if lock is None:
            lock = self._locks[case_id] = asyncio.Lock()
        return lock

    def remember(self, case_id: str, state: CaseState, *, event_id: str, now: datetime) -> None:
        """`state` is where the update `event_id`, just recorded, leads the case."""
        self._forget_expired(now)
        self._expected.pop(case_id, None)  # re-inserted at the end: the dict stays in time order
        if self.ttl > timedelta(0):
            self._expected[case_id] = (state, event_id, now)

    def current(self, case_id: str, archived: CaseState, *, now: datetime) -> CaseState:
        """The state to check an action against: archive's, unless intake's memory is ahead."""
        remembered = self._expected.get(case_id)
        if remembered is None:
            return archived
        expected, event_id, at = remembered
        if archived.applied is not None:
            caught_up = event_id in archived.applied
        else:  # an archive that does not list its events: its version is all there is to go by
            caught_up = archived.version >= expected.version
        if now - at >= self.ttl or caught_up:
            del self._expected[case_id]
            return archived
        return expected

    def _forget_expired(self, now: datetime) -> None:
        # Bounded by the updates of one ttl: dropped on the way, no sweeper task needed.
        for case_id, (_state, _event_id, at) in list(self._expected.items()):
            if now - at < self.ttl:
                break  # insertion order is time order
            del self._expected[case_id]

    def __len__(self) -> int:
        return len(self._expected)
