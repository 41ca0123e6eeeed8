"""Erasure on the real MongoDB-wire store: a customer's contact data and text leave every case,
event and raw record the archive holds, the indicators stay as they were, events arriving later
cannot bring the data back, the erasure is recorded without naming the customer, and only a
supervisor's key may ask for it."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaTimeoutError
from archive.adapters.erasure_log import KafkaErasureLog
from archive.adapters.repository import CaseRepository
from archive.entrypoints.http import create_app
from archive.rebuild import reapply_erasures
from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.settings import ServiceSettings
from complaints_shared.topics import ERASURES
from complaints_shared.web import ApiKey, bearer_auth
from gridfs.errors import NoFile
from intake.adapters.attachments import AttachmentStore
from intake.adapters.letter_jobs import MongoLetterJobs
from intake.domain.letters import LetterForm, LetterJob

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
PHONE, EMAIL, CUSTOMER_ID, NAME = "+8613800138000", "li.wei@example.com", "C-10042", "李伟"
PERSONAL = (PHONE, EMAIL, CUSTOMER_ID, NAME, "热水壶漏水", "我要退款", "quoted earlier mail", "谢谢", "li-wei-receipt.pdf")
AGENT_KEY, SUPERVISOR_KEY = "agent-key", "supervisor-key"


def envelope(data: ev.Contract, event_id: str, hours: float) -> ev.Event:
    return ev.envelope(data, source="/t", event_id=event_id, time=T0 + timedelta(hours=hours))


def their_cases() -> list[ev.Event]:
    at = lambda h: T0 + timedelta(hours=h)  # noqa: E731
    events = []
    # Case 1 names them by phone and name, case 2 by e-mail only; the profile ties both to their customer number.
    for case_id, contact in (("p-1", ev.CustomerContact(phone=PHONE, name=NAME)), ("p-2", ev.CustomerContact(email=EMAIL.upper()))):
        events += [
            envelope(ev.ComplaintReceived(case_id=case_id, channel="email", subject="热水壶漏水", text="热水壶漏水，我要退款",
                                          received_at=T0, customer=contact, remedy_sought="我要退款", external_id=f"<{EMAIL}>",
                                          email=ev.EmailDetails(message_id=f"<{EMAIL}>", quoted_text="quoted earlier mail")),
                     f"{case_id}-r", 0),
            envelope(ev.ComplaintRouted(case_id=case_id, received_event_id=f"{case_id}-r", validity="valid", category="product_quality",
                                        department="quality", priority="P2", confidence=0.9, rules_version="t", routed_at=at(0),
                                        customer_id=CUSTOMER_ID, deadlines=ev.Deadlines(acknowledge_by=at(24), resolve_by=at(120)),
                                        explanation=(ev.ExplanationItem(step="category", rule="kw", detail="热水壶漏水"),)),
                     f"{case_id}-rt", 0),
            envelope(ev.CaseAcknowledged(case_id=case_id, actor="agent-7", at=at(2)), f"{case_id}-a", 2),
            envelope(ev.CauseFound(case_id=case_id, actor="agent-7", at=at(3), cause="seal"), f"{case_id}-c", 3),
            envelope(ev.CustomerFollowedUp(case_id=case_id, actor="customer", at=at(4), text="热水壶漏水 again", channel="email",
                                           attachments=(ev.Attachment(reference="gridfs:1", filename="li-wei-receipt.pdf",
                                                                      content_type="application/pdf", size=1, sha256="0" * 64),)),
                     f"{case_id}-f", 4),
        ]
    # Out of place (no remedy yet): kept, flagged, and its comment is the customer's words all the same.
    events.append(envelope(ev.SatisfactionRecorded(case_id="p-1", actor="agent-7", at=at(5), score=2, comment="谢谢"), "p-1-s", 5))
    events.append(envelope(ev.CustomerProfileUpdated(customer_id=CUSTOMER_ID, phones=(PHONE,), emails=(EMAIL,), name=NAME,
                                                     updated_at=at(0)), "profile-1", 0))
    return events


def someone_elses_case() -> list[ev.Event]:
    return [envelope(ev.ComplaintReceived(case_id="o-1", channel="sms", text="包装破损", received_at=T0,
                                          customer=ev.CustomerContact(phone="+8613900000000")), "o-1-r", 0)]


def raw_record(offset: int, body: dict) -> dict:
    return dict(topic="complaints.raw.v1", partition=0, offset=offset, key=None, value=json.dumps(body, ensure_ascii=False).encode(),
                timestamp_ms=1_795_000_000_000)


async def seed(repository) -> None:
    await repository.store_batch(their_cases() + someone_elses_case())
    await repository.store_raw(**raw_record(1, {"channel": "email", "text": "热水壶漏水", "customer": {"email": EMAIL}}))
    await repository.store_raw(**raw_record(2, {"channel": "sms", "text": "包装破损", "customer": {"phone": "+8613900000000"}}))
    dead = ev.EventDeadLettered(reason="bad", consumer="routing", source_topic="t", source_partition=0, source_offset=9,
                                original_value=json.dumps({"phone": PHONE}), failed_at=T0)
    await repository.store_batch([envelope(dead, "dead-1", 0)])


@pytest.fixture
async def erasure_log(backend_env):
    """The erasures topic on the real broker, as the live archive appends to it."""
    settings = ServiceSettings(**backend_env, service_name="archive-test")
    await kafka.ensure_topics(settings, (ERASURES,))
    producer = kafka.make_producer(settings)
    await producer.start()
    yield KafkaErasureLog(kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/services/archive"))
    await producer.stop()


async def logged_erasures(backend_env) -> list:
    """The records on the erasures topic: (key, value as text)."""
    settings = ServiceSettings(**backend_env, service_name="archive-test")
    consumer = kafka.make_consumer(settings, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        partition = TopicPartition(ERASURES.name(settings.topic_prefix), 0)
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        end = (await consumer.end_offsets([partition]))[partition]
        records = []
        while len(records) < end:
            records += (await consumer.getmany(partition, timeout_ms=1000)).get(partition, [])
        return [(record.key.decode(), record.value.decode()) for record in records]
    finally:
        await consumer.stop()


@pytest.fixture
async def http(repository, erasure_log):
    await seed(repository)
    keys = [ApiKey(name=name, sha256=hashlib.sha256(key.encode()).hexdigest(), roles=roles)
            for name, key, roles in (("agent-tool", AGENT_KEY, frozenset({"agent"})), ("dpo-tool", SUPERVISOR_KEY, frozenset({"supervisor"})))]
    app = create_app(auth=bearer_auth(lambda: None, lambda: keys), repository_dep=lambda: repository, readiness={}, max_page_size=50,
                     erasure_log_dep=lambda: erasure_log)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as client:
        yield client


async def everything_stored(repository) -> str:
    documents = []
    for collection in (repository.cases, repository.events, repository.raw_inbound, repository.erasures):
        documents += [doc async for doc in collection.find({})]
    return json.dumps(documents, default=str, ensure_ascii=False)


async def test_erasure_removes_the_customers_data_everywhere_and_keeps_the_statistics(http, repository, caplog, backend_env):
    before = await repository.indicators(first_day=date(2026, 11, 2), last_day=date(2026, 11, 2), group_by="department")
    stored = await everything_stored(repository)
    assert all(value in stored for value in PERSONAL)

    caplog.set_level(logging.DEBUG, logger="archive")
    answer = await http.post(f"/v1/customers/{CUSTOMER_ID}/erasure", headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})
    assert answer.status_code == 200, answer.text
    record = answer.json()
    # Both cases (one named the phone, the other the e-mail: the profile ties them to the number), the profile, the
    # dead letter quoting the phone, and the raw record with the e-mail; not someone else's.
    assert (record["cases"], record["events"], record["raw_records"], record["requested_by"]) == (2, 2, 1, "dpo-tool")

    stored = await everything_stored(repository)
    assert [value for value in PERSONAL if value in stored] == []
    assert "+8613900000000" in stored and "包装破损" in stored  # the other customer's data is untouched
    assert [value for value in PERSONAL if value in caplog.text] == []

    # The statistics stay: the same indicators, and the cases in the same state with their findings.
    assert await repository.indicators(first_day=date(2026, 11, 2), last_day=date(2026, 11, 2), group_by="department") == before
    case = await repository.get_case("p-1")
    assert (case["status"], case["cause"], case["contact"], case["text"]) == ("investigating", "seal", {}, "")
    assert case["erased_at"] is not None

    # A late event of an erased case (and the complaint delivered again) brings nothing back.
    late = their_cases()[:1] + [envelope(ev.CaseNoteAdded(case_id="p-1", actor="agent-7", at=T0 + timedelta(hours=6),
                                                          note="closed the ticket"), "p-1-n", 6)]
    await repository.store_batch(late)
    stored = await everything_stored(repository)
    assert [value for value in PERSONAL if value in stored] == []
    assert (await repository.get_case("p-1"))["erased_at"] is not None

    # The record: when, who, how many; never who the customer was.
    [kept] = [doc async for doc in repository.erasures.find({})]
    assert set(kept) == {"_id", "at", "requested_by", "cases", "events", "raw_records", "attachments", "attachments_shared",
                         "letter_jobs", "case_ids", "event_ids", "raw_ids", "attachment_references"}
    assert (kept["case_ids"], kept["event_ids"], kept["raw_ids"]) == (["p-1", "p-2"], ["dead-1", "profile-1"], ["complaints.raw.v1/0/1"])

    # And on the erasures topic, keyed by the erasure id: the same ids and counts, no one's name or address.
    [(key, value)] = await logged_erasures(backend_env)
    logged = ev.decode(value, expect=ERASURES.carries)
    assert key == logged.id == record["erasure_id"] and logged.data.requested_by == "dpo-tool"
    assert (logged.data.case_ids, logged.data.event_ids, logged.data.raw_ids) == (("p-1", "p-2"), ("dead-1", "profile-1"),
                                                                                 ("complaints.raw.v1/0/1",))
    assert [v for v in (*PERSONAL, "+8613800138000", "li.wei", "C-10042") if v in value] == []

    # Again: nothing more to erase, and recorded again.
    again = (await http.post(f"/v1/customers/{PHONE}/erasure", headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})).json()
    assert (again["cases"], again["events"], again["raw_records"]) == (0, 0, 0)
    assert await repository.erasures.count_documents({}) == 2


async def test_only_a_supervisor_may_erase(http, repository):
    refused = await http.post(f"/v1/customers/{PHONE}/erasure", headers={"Authorization": f"Bearer {AGENT_KEY}"})
    assert refused.status_code == 403 and refused.json()["missing_right"] == "role:supervisor"
    assert (await http.post(f"/v1/customers/{PHONE}/erasure")).status_code == 401
    assert PHONE in await everything_stored(repository)
    assert await repository.erasures.count_documents({}) == 0


async def test_an_erasure_the_broker_does_not_acknowledge_erases_nothing_and_answers_503(repository, erasure_log):
    """Publish first, erase after: without the broker's acknowledgement nothing is erased (a rebuild would bring it back)."""
    await seed(repository)

    class BrokerAway:
        async def append(self, erased):
            raise KafkaTimeoutError()

    keys = [ApiKey(name="dpo-tool", sha256=hashlib.sha256(SUPERVISOR_KEY.encode()).hexdigest(), roles=frozenset({"supervisor"}))]
    app = create_app(auth=bearer_auth(lambda: None, lambda: keys), repository_dep=lambda: repository, readiness={}, max_page_size=50,
                     erasure_log_dep=BrokerAway)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as client:
        answer = await client.post(f"/v1/customers/{PHONE}/erasure", headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert PHONE in await everything_stored(repository)
    assert await repository.erasures.count_documents({}) == 0


async def test_a_bad_customer_is_a_422_naming_it(http):
    answer = await http.post(f"/v1/customers/{'x' * 321}/erasure", headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})
    assert answer.status_code == 422 and "customer" in answer.text


async def test_a_rebuild_from_the_log_erases_again_what_the_live_archive_erased(http, repository, backend_env):
    """The log still holds the erased records: a rebuild replays them, then applies the erasures again."""
    answer = await http.post(f"/v1/customers/{PHONE}/erasure", headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})
    assert answer.status_code == 200
    settings = ServiceSettings(**(backend_env | {"MONGODB_DATABASE": backend_env["MONGODB_DATABASE"] + "_rebuilt"}), service_name="t")
    client = mongo.make_client(settings)
    rebuilt = CaseRepository(mongo.database(client, settings))
    try:
        await seed(rebuilt)  # what the replay of every topic stores
        assert PHONE in await everything_stored(rebuilt)
        assert await reapply_erasures(repository, rebuilt) == 1
        stored = await everything_stored(rebuilt)
        assert [value for value in PERSONAL if value in stored] == []
        assert "+8613900000000" in stored
        first, last = date(2026, 11, 2), date(2026, 11, 2)
        assert await rebuilt.indicators(first_day=first, last_day=last, group_by="department") == \
            await repository.indicators(first_day=first, last_day=last, group_by="department")
    finally:
        await client.drop_database(settings.mongodb_database)
        await client.close()


async def test_erasure_deletes_the_files_they_sent_and_their_letters_ocr_jobs(http, repository):
    """Attachments and letter scans are in intake's GridFS bucket, letters' OCR jobs in intake's
    collection, all in the same database: the customer's go, the references stay marked erased, a
    file another customer sent too (intake stores equal bytes once) stays, and so does their job."""
    files = AttachmentStore(repository.db)
    receipt = await files.put(b"receipt no. 4711, Li Wei", content_type="application/pdf", filename="li-wei-receipt.pdf")
    leaflet = await files.put(b"the shop's leaflet", content_type="application/pdf", filename="leaflet.pdf")
    scan = await files.put(b"\x89PNG a letter from Li Wei", content_type="image/png", filename="letter-li-wei.png")
    letter = ev.LetterDetails(scan=scan, pages=2, postal_address="北京市朝阳区建国路 1 号", ocr_confidence=88.0)
    await repository.store_batch([
        envelope(ev.ComplaintReceived(case_id="p-9", channel="letter", text="热水壶漏水", received_at=T0, letter=letter,
                                      attachments=(receipt, leaflet), customer=ev.CustomerContact(phone=PHONE, name=NAME)), "p-9-r", 0),
        envelope(ev.ComplaintReceived(case_id="o-9", channel="email", text="包装破损", received_at=T0, attachments=(leaflet,),
                                      customer=ev.CustomerContact(email="other@example.com")), "o-9-r", 0),
    ])
    jobs = MongoLetterJobs(repository.db["intake_letter_jobs"])
    await jobs.add(LetterJob(case_id="p-9", scan=scan, form=LetterForm(sender_name=NAME, postal_address="北京市朝阳区建国路 1 号"),
                             received_at=T0, fingerprint="f1"), now=T0)
    await jobs.add(LetterJob(case_id="o-8", scan=leaflet, form=LetterForm(sender_name="王芳"), received_at=T0, fingerprint="f2"), now=T0)

    answer = await http.post(f"/v1/customers/{PHONE}/erasure", headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert (record["attachments"], record["attachments_shared"], record["letter_jobs"]) == (2, 1, 1)

    for gone in (receipt, scan):
        with pytest.raises(NoFile):
            await files.get(gone.reference)
    assert await files.get(leaflet.reference) == b"the shop's leaflet"
    assert await repository.db["attachments.chunks"].count_documents({}) == 1  # the leaflet's only
    assert [job["_id"] async for job in repository.db["intake_letter_jobs"].find({})] == ["o-8"]

    # The references stay, marked erased, with the type and size: no name, no hash, no address.
    [received] = [entry for entry in (await repository.get_case("p-9"))["timeline"] if entry["event_id"] == "p-9-r"]
    erased = lambda a: {"reference": a.reference, "content_type": a.content_type, "size": a.size, "erased": True}  # noqa: E731
    assert received["data"]["attachments"] == [erased(receipt), erased(leaflet)]
    assert received["data"]["letter"] == {"scan": erased(scan), "pages": 2, "ocr_confidence": 88.0, "needs_review": False}
    stored = await everything_stored(repository)
    stored += json.dumps([doc async for doc in repository.db["attachments.files"].find({})], default=str)
    for personal in ("li-wei-receipt.pdf", "letter-li-wei.png", receipt.sha256, scan.sha256, "建国路"):
        assert personal not in stored
    [kept] = [doc async for doc in repository.erasures.find({})]
    assert kept["attachment_references"] == sorted([receipt.reference, scan.reference])

    # What the customer sends to the erased case later is erased as it arrives, its file too.
    photo = await files.put(b"a photo of the kettle", content_type="image/jpeg", filename="li-wei-kettle.jpg")
    await repository.store_batch([envelope(ev.CustomerFollowedUp(case_id="p-9", actor="customer", at=T0 + timedelta(hours=7),
                                                                 text="see the photo", channel="email", attachments=(photo,)), "p-9-f2", 7)])
    with pytest.raises(NoFile):
        await files.get(photo.reference)
    assert "li-wei-kettle.jpg" not in await everything_stored(repository)
    assert await files.get(leaflet.reference) == b"the shop's leaflet"
