"""The dashboard page: a static shell (HTML, its script, the vendored ECharts) that draws every
number from the read API in the browser, with the key the manager enters (kept in the tab's
sessionStorage). The shell holds no data, so it is served without a key; the data is not."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

STATIC = files("archive") / "static"
# Only what the page loads; ECharts is vendored (static/echarts.min.js, Apache-2.0, see
# static/echarts.LICENSE): nothing comes from a CDN at run time.
ASSETS = {"echarts.min.js": "text/javascript", "dashboard.js": "text/javascript", "echarts.LICENSE": "text/plain"}
# Scripts from this server only; ECharts writes inline styles.
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


def dashboard_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/dashboard")
    async def dashboard() -> HTMLResponse:
        return HTMLResponse((STATIC / "dashboard.html").read_text(encoding="utf-8"), headers=HEADERS)

    @router.get("/dashboard/static/{name}")
    async def asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(404, f"no asset {name}")
        return Response((STATIC / name).read_bytes(), media_type=ASSETS[name], headers=HEADERS)

    return router
