"""deploy/local's MongoDB stand-in (Launcher.java: mongo-java-server on an H2 file) keeps its
unique indexes in the library's own value order instead of H2's serialise-to-compare order
(why: Launcher.java, difference 5). A file written the stock way is carried over on the first
start, and what it holds still answers: lookups by key, `$in`, duplicates refused on every
unique index, the version guard archive writes with, and writes made after a kill -9.

Each test starts its own store process through `deploy/local/bin/infra` on a free port and a
fresh folder; the shared test backends are not touched. The last one starts no store: it compiles a Java
check against the launcher's own code (reads pinned to a store version while it compacts) and
runs it on files in its own folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from backends import INFRA
from bson import ObjectId
from processes import free_port
from pymongo import ASCENDING, MongoClient
from pymongo.errors import DuplicateKeyError

pytestmark = pytest.mark.integration

# Keys of several BSON types (the order must be total across them), in a shuffled order.
OBJECT_IDS = [ObjectId(f"{n:024x}") for n in range(40)]
KEYS: list[object] = [*(f"case-{n}" for n in range(0, 300, 7)), *range(-20, 20, 3), *OBJECT_IDS, 2.5, "", "Z", "a"]
SCAN_CHECK = Path(__file__).parent / "store_checks" / "ScanDuringCompaction.java"


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    if shutil.which("java") is None:
        pytest.skip("the local store is a Java process and there is no java here")
    yield tmp_path
    # A start that failed its assertion left the store running: `_store` stops only what answered.
    subprocess.run([str(INFRA), "stop", "mongo"], env=_env(tmp_path, free_port()), capture_output=True, timeout=120)


def _env(folder: Path, port: int, java_opts: str = "") -> dict[str, str]:
    return os.environ | {"LOCAL_INFRA_DIR": str(folder), "MONGO_PORT": str(port), "LOCAL_MONGO_JAVA_OPTS": java_opts}


@contextmanager
def _store(folder: Path, *, java_opts: str = "", kill: bool = False) -> Iterator[MongoClient]:
    """The store on `folder`'s file; at the end stopped, or killed with SIGKILL (`kill`)."""
    port = free_port()
    env = _env(folder, port, java_opts)
    for command in (["start", "mongo"], ["wait", "mongo", "60"]):
        done = subprocess.run([str(INFRA), *command], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"infra {' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    client: MongoClient = MongoClient(f"mongodb://127.0.0.1:{port}", serverSelectionTimeoutMS=20_000)
    try:
        yield client
    finally:
        client.close()
        if kill:
            pid = int((folder / "run" / "mongo.pid").read_text().strip())
            os.kill(pid, 9)
            # infra notices the dead pid on its next start; `stop` clears its files now.
        subprocess.run([str(INFRA), "stop", "mongo"], env=env, capture_output=True, timeout=120)


def _fill(client: MongoClient) -> None:
    db = client.store_test
    db.cases.create_index([("_id", ASCENDING), ("version", ASCENDING)], unique=True, name="guard")
    db.events.create_index([("source", ASCENDING), ("seq", ASCENDING)], unique=True, name="source_seq")
    db.events.insert_many([{"_id": key, "source": f"s{n % 3}", "seq": n} for n, key in enumerate(KEYS)])
    db.cases.insert_many([{"_id": f"case-{n}", "version": n % 5} for n in range(400)])


def _assert_answers(client: MongoClient, *, extra_cases: int = 0) -> None:
    db = client.store_test
    assert db.events.count_documents({}) == len(KEYS)
    for key in KEYS:
        assert db.events.find_one({"_id": key}, {"_id": 1}) == {"_id": key}, key
    assert {d["_id"] for d in db.events.find({"_id": {"$in": KEYS[::2]}}, {"_id": 1})} == set(KEYS[::2])
    assert db.events.find_one({"_id": "case-8"}) is None  # between stored keys
    for key in (KEYS[0], KEYS[len(KEYS) // 2], KEYS[-1]):
        with pytest.raises(DuplicateKeyError):
            db.events.insert_one({"_id": key, "source": "other", "seq": -1})
    with pytest.raises(DuplicateKeyError):
        db.events.insert_one({"_id": "new", "source": "s1", "seq": 1})  # the compound unique index

    assert db.cases.count_documents({}) == 400 + extra_cases
    assert db.cases.find_one({"_id": "case-77", "version": 2}) == {"_id": "case-77", "version": 2}
    assert db.cases.find_one({"_id": "case-77", "version": 3}) is None
    # archive's guarded write: matches only the version read; a stale one collides on _id.
    assert db.cases.replace_one({"_id": "case-9", "version": 4}, {"_id": "case-9", "version": 5}).matched_count == 1
    with pytest.raises(DuplicateKeyError):
        db.cases.replace_one({"_id": "case-9", "version": 4}, {"_id": "case-9", "version": 6}, upsert=True)
    db.cases.replace_one({"_id": "case-9", "version": 5}, {"_id": "case-9", "version": 4})  # as it was


def test_a_file_written_with_the_stock_index_order_is_carried_over(store_dir):
    with _store(store_dir, java_opts="-Dmongo.h2.stockFormat=true") as client:
        _fill(client)
        _assert_answers(client)
    with _store(store_dir) as client:
        _assert_answers(client)
        assert {i["name"] for i in client.store_test.cases.list_indexes()} == {"_id_", "guard"}
    with _store(store_dir) as client:  # carried over once: the second start reads the same
        _assert_answers(client)


def test_writes_survive_a_kill_and_every_unique_index_still_answers(store_dir):
    with _store(store_dir) as client:
        _fill(client)
    with _store(store_dir, kill=True) as client:
        client.store_test.cases.insert_many([{"_id": f"late-{n}", "version": 0} for n in range(50)])
        _assert_answers(client, extra_cases=50)
    with _store(store_dir) as client:
        _assert_answers(client, extra_cases=50)
        assert client.store_test.cases.find_one({"_id": "late-49"}) == {"_id": "late-49", "version": 0}
        client.store_test.cases.drop_index("guard")
        client.store_test.cases.insert_one({"_id": "after-drop", "version": 0})
    with _store(store_dir) as client:
        assert {i["name"] for i in client.store_test.cases.list_indexes()} == {"_id_"}
        assert client.store_test.cases.find_one({"_id": "after-drop"}) == {"_id": "after-drop", "version": 0}


def test_a_dropped_collection_or_database_leaves_no_index_behind(store_dir):
    """The ordered index maps have names of their own: dropping must remove them too, or a
    collection created again under the same name would find its old keys as duplicates."""
    with _store(store_dir) as client:
        _fill(client)
        client.store_test.drop_collection("events")
        client.store_test.events.create_index([("source", ASCENDING), ("seq", ASCENDING)], unique=True, name="source_seq")
        client.store_test.events.insert_many([{"_id": key, "source": f"s{n % 3}", "seq": n} for n, key in enumerate(KEYS)])
        client.drop_database("store_test")
    with _store(store_dir) as client:
        assert client.list_database_names() == []
        _fill(client)
        _assert_answers(client)


def test_a_scan_reads_every_entry_while_the_store_commits_and_compacts(tmp_path):
    """Launcher difference 7, checked in Java against the launcher's own code and file settings:
    a scan pinned as every command is reads all of a map while other versions are committed and
    sparse chunks rewritten, and the same scan unpinned fails (so the scenario reaches the hazard
    that once closed the store for a whole CI run). No store process is started: the JDK that
    runs Launcher.java as a source file has javac too."""
    libs = INFRA.parents[1] / "libs"
    classes = tmp_path / "classes"
    compiled = subprocess.run(
        ["javac", "-nowarn", "-cp", f"{libs}/*", "-d", str(classes), str(INFRA.parents[1] / "Launcher.java"), str(SCAN_CHECK)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert compiled.returncode == 0, compiled.stderr
    ran = subprocess.run(
        ["java", "-cp", f"{classes}{os.pathsep}{libs}/*", SCAN_CHECK.stem, str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    pinned, unpinned = ran.stdout.splitlines()
    assert pinned == "pinned: read 4000 of 4000", ran.stderr
    assert unpinned.startswith("unpinned: Chunk ") and " not found" in unpinned, ran.stderr
    assert ran.returncode == 0, ran.stderr
