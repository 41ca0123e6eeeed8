"""Archive's read API: cases with their timeline, lists, and the quality figures."""

from datetime import datetime
from typing import Annotated, Any

from complaints_shared.web import health_router, install_problem_handlers
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query

from ..adapters.repository import CaseRepository
from ..domain.cases import CaseStatus


def _public(case: dict[str, Any]) -> dict[str, Any]:
    case = dict(case)
    case["case_id"] = case.pop("_id")
    return case


def build_router(*, auth, repository_dep, max_page_size: int) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])
    Repository = Annotated[CaseRepository, Depends(repository_dep)]

    @router.get("/cases/{case_id}", summary="One case with its whole timeline")
    async def get_case(case_id: Annotated[str, Path(max_length=200)], repository: Repository) -> dict:
        case = await repository.get_case(case_id)
        if case is None:
            raise HTTPException(404, f"no case {case_id}")
        return _public(case)

    @router.get("/cases", summary="Cases, newest first, filtered")
    async def list_cases(
        repository: Repository,
        department: Annotated[str | None, Query(max_length=100)] = None,
        status: CaseStatus | None = None,
        priority: Annotated[str | None, Query(pattern="^P[1-4]$")] = None,
        category: Annotated[str | None, Query(max_length=100)] = None,
        received_from: datetime | None = None,
        received_to: datetime | None = None,
        limit: Annotated[int, Query(ge=1)] = 50,
        skip: Annotated[int, Query(ge=0)] = 0,
    ) -> dict:
        cases = await repository.list_cases(
            filters={"department": department, "status": status, "priority": priority, "category": category},
            received_from=received_from,
            received_to=received_to,
            limit=min(limit, max_page_size),
            skip=skip,
        )
        return {"cases": [_public(c) for c in cases], "limit": min(limit, max_page_size), "skip": skip}

    @router.get("/analytics/summary", summary="Answer rate, resolution rate, timeliness, satisfaction")
    async def summary(repository: Repository) -> dict:
        return await repository.summary()

    return router


def create_app(*, auth, repository_dep, readiness, max_page_size: int, liveness=None, lifespan=None) -> FastAPI:
    app = FastAPI(title="Complaints archive", version="0.1.0", lifespan=lifespan)
    install_problem_handlers(app)
    app.include_router(health_router(readiness, liveness))
    app.include_router(build_router(auth=auth, repository_dep=repository_dep, max_page_size=max_page_size))
    return app
