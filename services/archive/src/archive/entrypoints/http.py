"""Archive's read API: cases with their timeline, lists, and the quality figures.

Every input is bounded before it reaches the store (ids by a pattern, paging by maxima, dates
by a range BSON and both store implementations accept), and an absent store answers 503 within
the repository's read timeout: bad input is a 4xx naming the parameter, never a 5xx.
"""

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from aiokafka.errors import KafkaError
from complaints_shared import events as ev
from complaints_shared import mongo
from complaints_shared.lifecycle import CaseStatus, Role, Step
from complaints_shared.web import Principal, health_router, install_problem_handlers, problem, problem_responses, require
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import AfterValidator, AwareDatetime

from .. import handlers
from ..adapters.repository import CaseRepository
from ..domain.indicators import DEFINITIONS, GROUPINGS
from ..domain.listing import CURSOR_MAX, SEARCH_MAX, BadCursor, CaseFilter, decode_cursor, encode_cursor, position_of
from ..handlers import ErasureLog
from .dashboard import dashboard_router
from .exports import CASE_LIST_EXAMPLE, CSV_COLUMNS, CSV_EXAMPLE, cases_csv
from .reports import month_before, month_days, report_csv, report_html
from .responses import Case, CaseList, Erasure, Indicators, Summary, public_case

log = logging.getLogger(__name__)

# Dates outside this range are typos, and far enough out they overflow on the way to UTC/BSON.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
RETRY_AFTER_SECONDS = 5
# A customer id, E.164 phone or e-mail address: printable, no slash, no spaces at the ends.
CUSTOMER_PATTERN = r"^[^\s/][^/\x00-\x1f]*$"


def _day_within_range(value: date) -> date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError(f"must lie between {EARLIEST.date()} and {LATEST.date()}")
    return value


Day = Annotated[date, AfterValidator(_day_within_range)]
DAY_HELP = f"between {EARLIEST.date()} and {LATEST.date()}"
GroupBy = Literal["department", "category", "channel", "priority", "day", "month"]
assert set(GroupBy.__args__) == set(GROUPINGS)  # type: ignore[attr-defined]
INDICATORS_HELP = "\n".join(f"- `{name}`: {text}" for name, text in DEFINITIONS.items())


def _within_range(value: datetime) -> datetime:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


ReceivedAt = Annotated[AwareDatetime, AfterValidator(_within_range)]
DATE_HELP = f"ISO 8601 with a time zone, between {EARLIEST.date()} and {LATEST.date()}"


MONTH_PATTERN = r"^20\d\d-(0[1-9]|1[0-2])$"
REPORT_OVERDUE_MAX = 200


async def _monthly_report(repository: CaseRepository, month: str) -> dict:
    """The month's and the month before's indicators per department, and the month's overdue cases."""
    found = {}
    for name, which in (("this", month), ("before", month_before(month))):
        first, last = month_days(which)
        found[name] = {"month": which, "from": first.isoformat(), "to": last.isoformat(), "top_causes": [],
                       **await repository.indicators(first_day=first, last_day=last, group_by="department")}
    first, last = month_days(month)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    overdue = await repository.list_cases(
        where=CaseFilter(overdue=True, received_from=start, received_to=end), limit=REPORT_OVERDUE_MAX + 1
    )
    return found | {"overdue": [public_case(c) for c in overdue[:REPORT_OVERDUE_MAX]],
                    "overdue_truncated": len(overdue) > REPORT_OVERDUE_MAX, "generated_at": ev.utcnow().isoformat(timespec="seconds")}


def _invalid(parameter: str, message: str) -> RequestValidationError:
    """A 422 problem naming the query parameter, as FastAPI's own validation answers it."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", parameter), "msg": message, "input": None}])


def _no_erasure_log() -> ErasureLog:
    # An erasure the log does not keep would come back with the next rebuild: refuse it.
    raise HTTPException(503, "this archive has no erasure log (the erasures topic): erasure is unavailable")


def build_router(*, auth, repository_dep, max_page_size: int, max_skip: int, erasure_log_dep=None) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)], responses=problem_responses(401, 503))
    Repository = Annotated[CaseRepository, Depends(repository_dep)]
    ErasureLogDep = Annotated[ErasureLog, Depends(erasure_log_dep or _no_erasure_log)]

    @router.get(
        "/cases/{case_id}",
        summary="One case with its whole timeline, its status, the actions it allows and its version",
        description='The `ETag` header is the case\'s version in quotes (`"7"`); intake takes it as `If-Match` on a case action.',
        response_model=Case,
        responses=problem_responses(404, 422) | {200: {"headers": {"ETag": {
            "description": 'The case\'s version, quoted: `"<version>"`', "schema": {"type": "string"}}}}},
    )
    async def get_case(case_id: Annotated[str, Path(pattern=ev.CASE_ID_PATTERN)], repository: Repository, response: Response) -> dict:
        case = await repository.get_case(case_id)
        if case is None:
            raise HTTPException(404, f"no case {case_id}")
        answer = public_case(case)
        response.headers["ETag"] = f'"{answer["version"]}"'
        return answer

    @router.get(
        "/cases",
        summary="Cases, newest first, filtered; JSON or CSV",
        description="Filters combine (all must hold). Page with `cursor`: each answer's `next_cursor` (CSV: the `Link` "
        "header, rel=next) continues after its last case, unaffected by cases archived meanwhile. CSV (`format=csv` or "
        "`Accept: text/csv`) has the columns " + ", ".join(f"`{c}`" for c in CSV_COLUMNS) + "; cells a spreadsheet would "
        "take for a formula start with a `'`.",
        response_model=CaseList,
        responses=problem_responses(422) | {200: {"content": {
            "application/json": {"example": CASE_LIST_EXAMPLE},
            "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
        }}},
    )
    async def list_cases(
        repository: Repository,
        request: Request,
        department: Annotated[str | None, Query(max_length=100, examples=["quality"])] = None,
        status: Annotated[CaseStatus | None, Query(examples=["resolved"])] = None,
        step: Annotated[Step | None, Query(description="The method's step (1 recorded … 8 evaluated)", examples=[4])] = None,
        priority: Annotated[str | None, Query(pattern="^P[1-4]$", examples=["P2"])] = None,
        category: Annotated[str | None, Query(max_length=100, examples=["product_quality"])] = None,
        channel: Annotated[ev.Channel | None, Query(examples=["sms"])] = None,
        customer: Annotated[str | None, Query(
            min_length=1, max_length=320, description="Exact customer id, E.164 phone or e-mail (case-blind) of the case's customer",
            examples=["+8613800138000"],
        )] = None,
        overdue: Annotated[bool | None, Query(
            description="true: open and past the resolve deadline, or unacknowledged past the acknowledge deadline; false: not so",
        )] = None,
        q: Annotated[str | None, Query(
            min_length=1, max_length=SEARCH_MAX, examples=["漏水"],
            description="Text in the subject or body (a substring, case-blind, Unicode-normalised: works for CJK text)",
        )] = None,
        received_from: Annotated[ReceivedAt | None, Query(description=f"Received at or after; {DATE_HELP}")] = None,
        received_to: Annotated[ReceivedAt | None, Query(description=f"Received before; {DATE_HELP}")] = None,
        limit: Annotated[int, Query(ge=1, le=max_page_size)] = min(50, max_page_size),
        cursor: Annotated[str | None, Query(max_length=CURSOR_MAX, description="`next_cursor` of the page before")] = None,
        skip: Annotated[int, Query(ge=0, le=max_skip, description="Cases to pass over (prefer `cursor`)")] = 0,
        format: Annotated[Literal["json", "csv"] | None, Query(description="csv: the same page as CSV (or send Accept: text/csv)")] = None,
    ) -> Response | dict:
        if received_from and received_to and received_from > received_to:
            raise _invalid("received_to", "must not be before received_from")
        try:
            after = decode_cursor(cursor) if cursor else None
        except BadCursor as exc:
            raise _invalid("cursor", str(exc)) from exc
        where = CaseFilter(
            status=status, step=step, department=department, category=category, priority=priority, channel=channel,
            customer=customer, overdue=overdue, received_from=received_from, received_to=received_to, search=q,
        )
        cases = await repository.list_cases(where=where, limit=limit, skip=skip, after=after)
        last = position_of(cases[-1]) if len(cases) == limit else None
        next_cursor = encode_cursor(last) if last else None
        public = [public_case(c) for c in cases]
        wants_csv = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
        if wants_csv:
            answer = Response(cases_csv(public), media_type="text/csv; charset=utf-8")
            if next_cursor:
                answer.headers["Link"] = f'<{request.url.include_query_params(cursor=next_cursor)}>; rel="next"'
            return answer
        return {"cases": public, "limit": limit, "skip": skip, "next_cursor": next_cursor}

    @router.get(
        "/analytics/indicators",
        summary="The method's quality indicators over a date range, in total and per group (from the roll-ups)",
        description="Cases count on the UTC day they were received, in their current department, category, channel "
        "and priority. Every rate is null when its base is zero.\n\n" + INDICATORS_HELP,
        response_model=Indicators,
        response_model_by_alias=True,
        responses=problem_responses(422),
    )
    async def indicators(
        repository: Repository,
        first_day: Annotated[Day, Query(alias="from", description=f"First day received (UTC), included; YYYY-MM-DD, {DAY_HELP}")],
        last_day: Annotated[Day, Query(alias="to", description=f"Last day received (UTC), included; YYYY-MM-DD, {DAY_HELP}")],
        group_by: Annotated[GroupBy, Query(description="What each group is")] = "department",
        department: Annotated[str | None, Query(max_length=100, description="Only this department's cases")] = None,
        category: Annotated[str | None, Query(max_length=100, description="Only this category's cases")] = None,
        channel: Annotated[ev.Channel | None, Query(description="Only this channel's cases")] = None,
        priority: Annotated[ev.Priority | None, Query(description="Only this priority's cases")] = None,
        top_causes: Annotated[bool, Query(description="false: leave `top_causes` empty (cheaper: with a filter they are "
                                                      "summed from the fine cause roll-ups)")] = True,
    ) -> dict:
        if first_day > last_day:
            raise _invalid("to", "must not be before from")
        only = {"department": department, "category": category, "channel": channel, "priority": priority}
        found = await repository.indicators(first_day=first_day, last_day=last_day, group_by=group_by, only=only,
                                            with_causes=top_causes)
        return {"from": first_day, "to": last_day, "group_by": group_by, **found}

    @router.get(
        "/reports/monthly",
        summary="The monthly report for management: indicators, the month before, top causes, overdue cases; HTML or CSV",
        description="HTML by default (`format=html`); CSV with `format=csv` or `Accept: text/csv`, one row per value: "
        "`section` (month, month_before, department, top_cause, overdue), `key` (the month, the department, the rank or "
        f"the case id), `field` and `value`. At most {REPORT_OVERDUE_MAX} overdue cases are listed.\n\n" + INDICATORS_HELP,
        response_class=HTMLResponse,
        responses=problem_responses(422) | {200: {"content": {
            "text/html": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}, "example": "section,key,field,value\r\nmonth,2026-11,received,412\r\n"},
        }}},
    )
    async def monthly_report(
        repository: Repository,
        request: Request,
        month: Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM (2000-01 … 2099-12)", examples=["2026-11"])],
        format: Annotated[Literal["html", "csv"] | None, Query(description="csv: the same report as CSV (or send Accept: text/csv)")] = None,
    ) -> Response:
        report = await _monthly_report(repository, month)
        if format == "csv" or (format is None and "text/csv" in request.headers.get("accept", "")):
            return Response(report_csv(report), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="complaints-{month}.csv"'})
        return HTMLResponse(report_html(report))

    @router.post(
        "/customers/{customer}/erasure",
        summary="Erase a customer's contact data, text and files from every case, event, raw record and the attachment store (PIPL, GDPR)",
        description="`customer` is a customer id, an E.164 phone or an e-mail address; every other identifier their cases "
        "and profiles name is erased too. Statistics stay (the roll-ups do not change). The erasure is recorded without "
        "naming the customer, by the ids of what it erased, in the archive and on the compacted topic "
        "`complaints.erasures.v1` (kept forever, so a rebuild from the topics erases the same again); the answer comes "
        "once the broker acknowledged it and the store was erased. Needs the `supervisor` role. Repeating it is harmless "
        "(it finds nothing more).",
        response_model=Erasure,
        responses=problem_responses(403, 422) | {200: {"content": {"application/json": {"example": {
            "erasure_id": "5d0f3c1e-9a7b-4a53-8a55-6f3e1d2c4b10", "at": "2026-12-04T16:30:00Z", "requested_by": "dpo-tool",
            "cases": 3, "events": 1, "raw_records": 2, "attachments": 2, "attachments_shared": 0, "letter_jobs": 1}}}}},
    )
    async def erase_customer(
        repository: Repository,
        erasure_log: ErasureLogDep,
        principal: Annotated[Principal, Depends(auth)],
        customer: Annotated[str, Path(min_length=1, max_length=320, pattern=CUSTOMER_PATTERN, examples=["+8613800138000"])],
    ) -> dict:
        require(principal.has_role(Role.SUPERVISOR), f"role:{Role.SUPERVISOR}")
        try:
            record = await handlers.erase_customer(customer, requested_by=principal.name, at=ev.utcnow(), store=repository,
                                                   erasure_log=erasure_log)
        except KafkaError as exc:
            # Not acknowledged by the broker: nothing was erased yet; the request may simply be repeated.
            log.warning("erasure log unavailable", extra={"error": type(exc).__name__})
            raise HTTPException(503, f"the erasure log did not acknowledge the erasure ({type(exc).__name__}); nothing "
                                     "was erased, retry", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from exc
        log.info("customer erased", extra={"erasure_id": record["_id"], "cases": record["cases"], "events": record["events"],
                                           "raw_records": record["raw_records"], "attachments": record["attachments"],
                                           "letter_jobs": record["letter_jobs"]})
        return record

    @router.get("/analytics/summary", summary="Answer rate, resolution rate, timeliness, satisfaction", response_model=Summary)
    async def summary(repository: Repository) -> dict:
        return await repository.summary()

    return router


def install_store_unavailable_handler(app: FastAPI) -> None:
    async def store_unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("store unavailable", extra={"path": request.url.path, "error": type(exc).__name__})
        response = problem(503, "Store unavailable", f"the archive's store did not answer ({type(exc).__name__}); retry")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    for error in mongo.STORE_UNAVAILABLE:
        app.add_exception_handler(error, store_unavailable)


def create_app(
    *, auth, repository_dep, readiness, max_page_size: int, max_skip: int = 100_000, liveness=None, lifespan=None,
    erasure_log_dep=None,
) -> FastAPI:
    app = FastAPI(title="Complaints archive", version="0.1.0", lifespan=lifespan)
    install_problem_handlers(app)
    install_store_unavailable_handler(app)
    app.include_router(health_router(readiness, liveness))
    app.include_router(dashboard_router())
    app.include_router(build_router(auth=auth, repository_dep=repository_dep, max_page_size=max_page_size, max_skip=max_skip,
                                   erasure_log_dep=erasure_log_dep))
    return app
