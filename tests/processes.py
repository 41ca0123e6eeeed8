"""Start the platform's services as separate processes for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "routing", "notification", "archive")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServiceProcess:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> int:
        """SIGKILL: no chance to commit offsets, flush or leave the consumer group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        return self.process.wait(30)

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode


def start_service(
    name: str, *, env: dict[str, str], workdir: Path, port: int | None = None, log_name: str | None = None
) -> ServiceProcess:
    """Start `python -m <name> serve`. A restart passes the first process's `port` (clients keep
    their URL) and its own `log_name`, so each process keeps its own log file; the data folder
    is the service's, shared by its restarts as on one machine."""
    port = port or free_port()
    prefix = name.upper()
    log_path = workdir / (log_name or f"{name}.log")
    process_env = os.environ | env | {
        f"{prefix}_PORT": str(port),
        f"{prefix}_HOST": "127.0.0.1",
        f"{prefix}_DATA_DIR": str(workdir / f"{name}-data"),
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", name, "serve"], cwd=workdir, env=process_env, stdout=log, stderr=subprocess.STDOUT
        )
    return ServiceProcess(name, port, process, log_path)


def wait_ready(service: ServiceProcess, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited with {service.process.returncode}:\n{service.log_tail()}")
        try:
            response = httpx.get(f"{service.url}/readyz", timeout=5)
            if response.status_code == 200:
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.3)
    raise RuntimeError(f"{service.name} not ready after {timeout}s ({last}):\n{service.log_tail()}")


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """`app` (ASGI) on a real uvicorn server in a thread (lifespan and all) for the length of the block."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="asgi-server", daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "the server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
