"""Runs the repository's AsyncAPI validator (tools/asyncapi-validate, the official
@asyncapi/parser on Node.js) from Python tests.

    import sys
    sys.path.insert(0, str(REPO / "tests"))  # REPO = the repository root
    from asyncapi_validator import validate_asyncapi

    result = validate_asyncapi(REPO / "shared/schemas/asyncapi.yaml")
    assert result.returncode == 0, result.stdout + result.stderr

`validate_asyncapi` exits 0 when the document has no error-severity diagnostic,
1 when it has one (or cannot be parsed), 2 on a usage error / unreadable file;
stdout lists every diagnostic as `file:line:col severity code message [at path]`.

The same Node project also pins the Compose Specification JSON Schema (shipped
by the `dclint` package, a verbatim copy of compose-spec/compose-spec's
schema/compose-spec.json): `compose_schema_path()`.

node_modules is git-ignored: on first use this runs `npm ci --no-audit --no-fund`
in tools/asyncapi-validate (about 6-10 s cold; needs the npm registry).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TOOL_DIR = REPO_ROOT / "tools" / "asyncapi-validate"
VALIDATOR = TOOL_DIR / "validate.mjs"
# Must exist after a successful `npm ci`; checked to decide whether to install.
_SENTINELS = (
    Path("node_modules") / "@asyncapi" / "parser" / "package.json",
    Path("node_modules") / "dclint" / "schemas" / "compose.schema.json",
)


class ToolUnavailable(RuntimeError):
    """Node.js/npm is missing or `npm ci` failed."""


def node_available() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


def ensure_installed(tool_dir: Path = TOOL_DIR, *, timeout: float = 600) -> None:
    """Run `npm ci` in the tool folder unless its node_modules is already complete.

    Serialised with a file lock so parallel test processes don't run two installs
    into the same folder.
    """
    if all((tool_dir / s).is_file() for s in _SENTINELS):
        return
    if not node_available():
        raise ToolUnavailable("node and npm are needed for tools/asyncapi-validate (not found on PATH)")
    lock_name = "asyncapi-validate-" + hashlib.sha256(str(tool_dir).encode()).hexdigest()[:16] + ".lock"
    with open(Path(tempfile.gettempdir()) / lock_name, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if all((tool_dir / s).is_file() for s in _SENTINELS):
            return
        proc = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=tool_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "SCARF_ANALYTICS": "false"},
        )
        if proc.returncode != 0:
            raise ToolUnavailable(f"`npm ci` failed in {tool_dir} (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def validate_asyncapi(path: str | os.PathLike[str], *, json_output: bool = False, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Validate one AsyncAPI document with @asyncapi/parser; never raises on an invalid document.

    Returns the CompletedProcess (text mode, stdout/stderr captured); check
    `.returncode == 0`. With json_output=True stdout is a JSON report instead.
    """
    ensure_installed()
    cmd = ["node", str(VALIDATOR)]
    if json_output:
        cmd.append("--json")
    cmd.append(str(Path(path).resolve()))
    return subprocess.run(cmd, cwd=TOOL_DIR, capture_output=True, text=True, timeout=timeout)


def compose_schema_path() -> Path:
    """Path of the Compose Specification JSON Schema pinned in tools/asyncapi-validate/package-lock.json."""
    ensure_installed()
    return TOOL_DIR / _SENTINELS[1]
