"""Where the integration tests get a real Kafka broker and a MongoDB-wire server.

In order:
1. `KAFKA_BOOTSTRAP_SERVERS` and `MONGODB_URL` from the environment (an existing installation);
2. testcontainers with the official apache/kafka and mongo images, when a Docker engine answers;
3. the project's own local processes (deploy/local/bin/infra: Kafka 4.3.1 and
   mongo-java-server from Maven Central) on free ports with a fresh data folder, started once
   per test session and stopped at its end.
If none can be had, the session fails with what to install: it never skips silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from processes import free_port

REPO = Path(__file__).resolve().parents[1]
INFRA = REPO / "deploy" / "local" / "bin" / "infra"
KAFKA_IMAGE = os.environ.get("TEST_KAFKA_IMAGE", "apache/kafka:4.1.1")
MONGO_IMAGE = os.environ.get("TEST_MONGO_IMAGE", "mongo:8.0")


@dataclass(frozen=True)
class Backends:
    kafka_bootstrap_servers: str
    mongodb_url: str
    kind: str  # environment | testcontainers | local


class NoBackend(RuntimeError):
    pass


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextmanager
def testcontainer_backends() -> Iterator[Backends]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    with KafkaContainer(KAFKA_IMAGE).with_kraft() as kafka_container, MongoDbContainer(MONGO_IMAGE) as mongo_container:
        yield Backends(kafka_container.get_bootstrap_server(), mongo_container.get_connection_url(), "testcontainers")


@contextmanager
def local_backends() -> Iterator[Backends]:
    """A fresh broker and store for this test session: free ports, a new data folder, both
    stopped and deleted at the end (KEEP_TEST_INFRA=1 leaves them for a post-mortem)."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        raise NoBackend(
            f"no Kafka/MongoDB for the integration tests: set KAFKA_BOOTSTRAP_SERVERS and MONGODB_URL, "
            f"or run a Docker engine, or install {' and '.join(missing)} (Java 17+ and Maven: "
            f"`apt-get install openjdk-17-jdk-headless maven`) so deploy/local can start them"
        )
    (REPO / ".local").mkdir(exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="test-infra-", dir=REPO / ".local"))
    ports = {"KAFKA_PORT": free_port(), "KAFKA_CONTROLLER_PORT": free_port(), "MONGO_PORT": free_port()}
    env = os.environ | {k: str(v) for k, v in ports.items()} | {"LOCAL_INFRA_DIR": str(data)}
    try:
        started = subprocess.run([str(INFRA), "start", "all"], env=env, capture_output=True, text=True, timeout=600)
        if started.returncode != 0:
            raise NoBackend(f"deploy/local/bin/infra start all failed:\n{started.stdout}\n{started.stderr}")
        ready = subprocess.run([str(INFRA), "wait", "all", "120"], env=env, capture_output=True, text=True, timeout=180)
        if ready.returncode != 0:
            raise NoBackend(f"local Kafka/MongoDB did not become ready:\n{ready.stdout}\n{ready.stderr}")
        yield Backends(f"127.0.0.1:{ports['KAFKA_PORT']}", f"mongodb://127.0.0.1:{ports['MONGO_PORT']}", "local")
    finally:
        store_failures = failures_in_store_log(data / "mongo.log")
        if os.environ.get("KEEP_TEST_INFRA") != "1":
            subprocess.run([str(INFRA), "stop", "all"], env=env, capture_output=True, timeout=120)
            shutil.rmtree(data, ignore_errors=True)
    if store_failures:
        # The folder and its log are gone by now: what the run needs to explain itself is here.
        raise StoreFailed("the test store failed during the session; its log said:\n" + "\n".join(store_failures))


class StoreFailed(RuntimeError):
    pass


def failures_in_store_log(log: Path, *, at_most: int = 20) -> list[str]:
    """Lines of the store's log that mean H2 itself failed. After such a failure H2 closes the
    file, and every later test that touches the store fails with "This store is closed"; the
    cause is only in this log."""
    if not log.exists():
        return []
    failed = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if "MVStoreException" in line or ("mongo launcher:" in line and "failed" in line)
    ]
    return failed[:at_most]


@contextmanager
def backends() -> Iterator[Backends]:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    mongo = os.environ.get("MONGODB_URL")
    if kafka and mongo:
        yield Backends(kafka, mongo, "environment")
    elif docker_answers():
        with testcontainer_backends() as found:
            yield found
    else:
        with local_backends() as found:
            yield found
