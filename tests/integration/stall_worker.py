"""A Faust worker for test_stream_stall.py: one agent reads `<prefix>stall` (or `<prefix>$STALL_TEST_TOPIC`) through `records_of`
and appends every record it handles to STALL_TEST_OUT. The first record `pause` makes the worker
leave its partition paused in Faust's consumer, as Faust left a restarted routing worker's
partitions (docs/reliability.md, "A stream that stalls"): only the StallWatch gets it going.
With STALL_TEST_LOSE_POSITION the worker instead moves its fetch position of every partition
it is given to the partition's end before any record is handed over, as a restarted routing
worker's consumer stood on a partition the group had never committed: records fetched, none
handed over, none committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from complaints_shared.entry import serve_worker
from complaints_shared.settings import ServiceSettings
from complaints_shared.streams import Publisher, add_operations_pages, make_app, records_of
from faust.types import TP
from pydantic import Field


class StallTestSettings(ServiceSettings):
    out: Path = Field(validation_alias="STALL_TEST_OUT")
    port: int = Field(validation_alias="STALL_TEST_PORT")
    topic_name: str = Field("stall", validation_alias="STALL_TEST_TOPIC")  # after the topic prefix
    lose_position: bool = Field(False, validation_alias="STALL_TEST_LOSE_POSITION")


def build(settings: StallTestSettings):
    app = make_app(settings, app_id="stall-test", data_dir=settings.out.parent / "stall-data")
    publisher = Publisher(app, settings, source="/test")
    topic = app.topic(f"{settings.topic_prefix}{settings.topic_name}", value_type=bytes, key_type=bytes)
    paused: list[TP] = []
    moved: list[TP] = []

    @app.agent(topic, name="stall")
    async def handle(stream):
        async for message in records_of(stream, publisher=publisher):
            with settings.out.open("a") as out:
                out.write(f"{message.offset} {message.value.decode()}\n")
            if message.value == b"pause" and not paused:
                paused.append(TP(message.topic, message.partition))
                app.consumer.pause_partitions(paused)
            yield message.offset

    if settings.lose_position:
        @app.on_partitions_assigned.connect
        async def move_to_the_end(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:  # noqa: ARG001 - Faust's signal signature
            given = [tp for tp in (args[0] if args else kwargs.get("assigned", ())) if tp.topic == topic.get_topic_name()]
            if given and not moved:
                moved.extend(given)  # once: a later rebalance keeps the position
                ends = await app.consumer.highwaters(*given)
                for tp in given:
                    await app.consumer.seek(tp, ends[tp])

    add_operations_pages(app, {})
    return app


if __name__ == "__main__":
    settings = StallTestSettings(service_name="stall-test")  # type: ignore[call-arg]  # from the environment
    raise SystemExit(serve_worker(settings, build))
