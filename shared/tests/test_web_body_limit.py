"""`body_size_limit`: bodies over the path's limit get a 413 problem naming the limit, whether
they declare a Content-Length or come chunked, and the body is never read past the limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from complaints_shared.web import body_size_limit, install_problem_handlers
from fastapi import FastAPI, Request
from starlette.types import Message

LIMIT = 100
LARGE_LIMIT = 1_000


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    body_size_limit(app, lambda path: LARGE_LIMIT if path.endswith("/large") else LIMIT)

    @app.post("/echo")
    @app.post("/echo/large")
    async def echo(request: Request) -> dict:
        return {"size": len(await request.body())}

    @app.get("/echo")
    async def read() -> dict:
        return {"ok": True}

    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app()), base_url="http://t") as client:
        yield client


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def assert_too_large(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 413 and body["limit"] == limit
    assert f"body exceeds {limit} bytes" in body["detail"]


async def test_a_declared_length_over_the_limit_is_413_naming_the_limit(http):
    assert_too_large(await http.post("/echo", content=b"x" * (LIMIT + 1)), LIMIT)
    assert (await http.post("/echo", content=b"x" * LIMIT)).json() == {"size": LIMIT}


async def test_the_limit_is_the_paths_own(http):
    assert (await http.post("/echo/large", content=b"x" * (LIMIT + 1))).json() == {"size": LIMIT + 1}
    assert_too_large(await http.post("/echo/large", content=b"x" * (LARGE_LIMIT + 1)), LARGE_LIMIT)


async def test_a_content_length_that_is_not_a_number_is_413(http):
    response = await http.post("/echo", content=b"x", headers={"Content-Length": "-1"})
    assert_too_large(response, LIMIT)


async def test_a_chunked_body_over_the_limit_is_413(http):
    response = await http.post("/echo", content=chunks(b"x" * 60, b"x" * 60))
    assert "content-length" not in response.request.headers  # it did go chunked
    assert_too_large(response, LIMIT)


async def test_a_chunked_body_within_the_limit_reaches_the_route_whole(http):
    response = await http.post("/echo", content=chunks(b"x" * 40, b"x" * 40, b""))
    assert response.status_code == 200
    assert response.json() == {"size": 80}


async def test_a_request_without_a_body_passes(http):
    assert (await http.get("/echo")).json() == {"ok": True}


async def test_a_chunked_body_is_not_read_past_the_limit():
    """The client could send far more; the middleware stops at the message that passes the limit."""
    app = make_app()
    pulled = 0

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 30, "more_body": True}  # an endless body

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/echo", "raw_path": b"/echo", "root_path": "", "query_string": b"", "headers": [],
             "server": ("t", 80), "client": ("c", 1)}
    await app(scope, receive, send)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert pulled == 4  # 120 bytes: the fourth message is the one past 100
