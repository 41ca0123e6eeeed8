"""The bearer key check every API shares: the all-rights key and scoped keys, by hash."""

from __future__ import annotations

import hashlib

import httpx
from complaints_shared.web import FULL_RIGHTS, ApiKey, bearer_auth, identify, install_problem_handlers
from fastapi import Depends, FastAPI

GATEWAY = ApiKey(name="gw", sha256=hashlib.sha256(b"gw-secret").hexdigest(), channels=frozenset({"sms"}))


def test_the_all_rights_key_and_a_scoped_key_are_told_apart():
    assert identify("full-secret", full_key="full-secret", scoped_keys=[GATEWAY]) is FULL_RIGHTS
    gateway = identify("gw-secret", full_key="full-secret", scoped_keys=[GATEWAY])
    assert gateway is not None and gateway.name == "gw" and not gateway.all_rights
    assert gateway.may_submit("sms") and not gateway.may_submit("email") and not gateway.may_post("acknowledged")
    assert gateway.client_id == "key:gw" != FULL_RIGHTS.client_id


def test_a_configured_hash_is_not_itself_a_key():
    assert identify(GATEWAY.sha256, full_key="full-secret", scoped_keys=[GATEWAY]) is None
    assert identify("", full_key=None, scoped_keys=[GATEWAY]) is None


async def test_bearer_auth_with_only_the_full_key_works_as_before():
    app = FastAPI()
    install_problem_handlers(app)
    auth = bearer_auth(lambda: "full-secret")

    @app.get("/x")
    async def read(principal=Depends(auth)) -> dict:
        return {"client": principal.client_id}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/x", headers={"Authorization": "Bearer full-secret"})).json() == {"client": "full"}
        assert (await http.get("/x", headers={"Authorization": "Bearer gw-secret"})).status_code == 401
        assert (await http.get("/x")).status_code == 401
