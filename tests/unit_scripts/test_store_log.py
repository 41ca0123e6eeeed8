"""The test session's look at the shared store's log (tests/backends.py): H2's own failures,
after which the store answers every command with "This store is closed", are found; the
errors the store logs for commands it refuses are not."""

from __future__ import annotations

from backends import failures_in_store_log


def test_h2_failures_are_found_and_refused_commands_are_not(tmp_path):
    log = tmp_path / "mongo.log"
    lines = [
        "[2026-12-07T13:33:24,898] ERROR d.b.m.w.MongoWireProtocolHandler - failed to handle {drop=big, $db=stress}: ns not found",
        "[2026-12-07T13:33:25,101] ERROR d.b.m.w.MongoDatabaseHandler - Unknown error!",
        "org.h2.mvstore.MVStoreException: Chunk 17 not found [2.3.232/9]",
        "\tat org.h2.mvstore.FileStore.getChunk(FileStore.java:2015)",
        "mongo launcher: MVStore commit failed: org.h2.mvstore.MVStoreException: This store is closed [2.3.232/4]",
        "mongo launcher: databases.test.cases stored as BSON (12 documents)",
    ]
    log.write_text("\n".join(lines) + "\n")
    assert failures_in_store_log(log) == [lines[2], lines[4]]
    assert failures_in_store_log(log, at_most=1) == [lines[2]]
    assert failures_in_store_log(tmp_path / "no-such.log") == []
