"""The generated AsyncAPI document passes the official AsyncAPI parser (@asyncapi/parser)."""

from pathlib import Path

from asyncapi_validator import validate_asyncapi

DOCUMENT = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "asyncapi.yaml"


def test_asyncapi_document_is_valid():
    result = validate_asyncapi(DOCUMENT)
    assert result.returncode == 0, result.stdout + result.stderr
