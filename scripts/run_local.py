"""`make run`: Kafka and the MongoDB-wire store (deploy/local), then the four services as
separate processes, their logs interleaved on this terminal; Ctrl-C stops everything cleanly.
A service that exits on its own is started again after a backoff (scripts/supervisor.py), and
the terminal says so: "routing exited with 1; restarting in 2 s (restart 2)".

Ports: intake 8001, routing 8002, notification 8003, archive 8004 (INTAKE_PORT, ... override),
Kafka 9092 (KAFKA_PORT), MongoDB 27017 (MONGO_PORT). Without COMPLAINTS_API_KEY a key is
generated once and kept in .local/api-key (git-ignored).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from supervisor import Supervised, stop_all

REPO = Path(__file__).resolve().parents[1]
INFRA = REPO / "deploy" / "local" / "bin" / "infra"
LOCAL = REPO / ".local"
SERVICES = {"intake": 8001, "routing": 8002, "notification": 8003, "archive": 8004}
COLOURS = {"intake": 36, "routing": 35, "notification": 33, "archive": 32}


def api_key() -> str:
    if os.environ.get("COMPLAINTS_API_KEY"):
        return os.environ["COMPLAINTS_API_KEY"]
    path = LOCAL / "api-key"
    if not path.exists():
        LOCAL.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def infra(*args: str) -> None:
    subprocess.run([str(INFRA), *args], check=True)


def pump(name: str, stream, log_file: Path) -> None:
    colour = COLOURS[name] if sys.stdout.isatty() else None
    label = f"\033[{colour}m{name:<12}\033[0m" if colour else f"{name:<12}"
    with log_file.open("ab") as sink:
        for line in iter(stream.readline, b""):
            sink.write(line)
            sink.flush()
            sys.stdout.write(f"{label} {line.decode(errors='replace')}")
            sys.stdout.flush()


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    key = api_key()
    infra("start", "all")
    infra("wait", "all", "120")
    connection = dict(line.split("=", 1) for line in subprocess.run([str(INFRA), "env"], capture_output=True, text=True, check=True).stdout.split())
    logs = LOCAL / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = os.environ | connection | {"COMPLAINTS_API_KEY": key, "PYTHONUNBUFFERED": "1", "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text")}
    # Intake's SMTP listener (INTAKE_SMTP_PORT, default 8025) takes mail for these recipients.
    env.setdefault("INTAKE_SMTP_RECIPIENTS", "complaints@localhost,complaints@example.com")
    ports = {name: int(os.environ.get(f"{name.upper()}_PORT", default)) for name, default in SERVICES.items()}

    def starter(name: str):
        service_env = env | {f"{name.upper()}_PORT": str(ports[name]), f"{name.upper()}_DATA_DIR": str(LOCAL / name)}

        def start() -> subprocess.Popen:
            # Its own process group: Ctrl-C reaches only this script, which stops the services
            # with one SIGTERM each (a second signal would make uvicorn skip its graceful stop).
            process = subprocess.Popen(
                [sys.executable, "-m", name, "serve"], cwd=REPO, env=service_env,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, process_group=0,
            )
            threading.Thread(target=pump, args=(name, process.stdout, logs / f"{name}.log"), daemon=True).start()
            return process

        return start

    def announce(line: str) -> None:
        print(f"*** {line}", file=sys.stderr, flush=True)

    services = [Supervised(name, starter(name), announce=announce) for name in SERVICES]
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        for service in services:
            service.start()
        deadline = time.monotonic() + 120
        pending = set(SERVICES)
        while pending and time.monotonic() < deadline and not stopping.is_set():
            for service in services:
                service.poll()
            pending = {name for name in pending if not ready(ports[name])}
            stopping.wait(0.5)
        if not stopping.is_set():
            print("\n" + "=" * 72)
            for name, port in ports.items():
                state = "ready" if name not in pending else "NOT READY"
                print(f"  {name:<13} http://127.0.0.1:{port}   ({state}; log .local/logs/{name}.log)")
            print(f"  intake smtp   127.0.0.1:{env.get('INTAKE_SMTP_PORT', '8025')}   (mail for {env['INTAKE_SMTP_RECIPIENTS']})")
            print(f"  kafka         {connection['KAFKA_BOOTSTRAP_SERVERS']}")
            print(f"  mongodb       {connection['MONGODB_URL']}")
            print(f"  API key       {key}" + ("" if os.environ.get("COMPLAINTS_API_KEY") else "   (kept in .local/api-key)"))
            print("  Ctrl-C stops everything; a service that exits is restarted.")
            print("=" * 72 + "\n")
        while not stopping.wait(0.5):
            for service in services:
                service.poll()
    finally:
        print("\nstopping services…")
        stop_all(services)
        print("stopping Kafka and the MongoDB-wire store…")
        subprocess.run([str(INFRA), "stop", "all"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
