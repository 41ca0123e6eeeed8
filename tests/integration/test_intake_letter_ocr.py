"""Letters through the real endpoint, the real OCR worker (Debian's Tesseract) and the real
broker: pages rendered with a CJK font (Noto Sans CJK) from Simplified and Traditional
Chinese, Korean and English text, clean, rotated a few degrees, noisy, and as a 3-page PDF,
come back as text close to the source. A job a crashed process left is read at start."""

from __future__ import annotations

import difflib
import io
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from complaints_shared import events as ev
from complaints_shared import mongo
from complaints_shared.topics import RECEIVED
from fastapi import FastAPI
from intake.adapters.attachments import AttachmentStore
from intake.bootstrap import Intake
from intake.domain.letters import LetterForm, letter_event_id
from intake.settings import IntakeSettings
from PIL import Image, ImageDraw, ImageFont
from topic_records import records_on
from waiting import async_wait_for

pytestmark = pytest.mark.integration

KEY = "letter-integration-key"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

PAGES = {
    "zh-Hans": [
        "尊敬的客服部门：我于十一月三日在贵公司网店购买了一台电热水壶，使用两周后底部开始漏水，插电时还有明显的焦味，存在安全隐患。",
        "我曾两次拨打客服电话，每次都被告知会有专人回电，但至今没有任何答复。这种处理方式让我非常失望。",
        "我要求全额退款，并希望贵公司检查同一批次产品的质量问题。请在收到此信后尽快书面答复。此致敬礼。",
    ],
    "zh-Hant": [
        "敬啟者：本人於十一月三日在貴公司網店購買一台電熱水壺，使用兩週後底部開始漏水，插電時還有燒焦的味道，存在安全隱患。",
        "本人曾兩次致電客服，每次都被告知會有專人回覆，但至今仍無任何消息。這樣的處理方式令人非常失望。",
        "本人要求全額退款，並希望貴公司檢查同批產品的品質問題。請於收到此信後儘快以書面回覆。此致。",
    ],
    "ko": [
        "고객센터 담당자님께. 십일월 삼일에 온라인 매장에서 구입한 전기주전자가 이주일 만에 바닥에서 물이 새기 시작했고 전원을 연결하면 타는 냄새가 납니다.",
        "고객센터에 두 번 전화했지만 담당자가 다시 연락하겠다는 말만 들었고 지금까지 아무런 답변을 받지 못했습니다.",
        "전액 환불을 요청하며 같은 제품의 품질을 점검해 주시기 바랍니다. 이 편지를 받으시면 서면으로 답변해 주십시오.",
    ],
    "en": [
        "Dear customer service, the electric kettle I bought from your online shop on 3 November started leaking from its base after two weeks, and it smells of burning when plugged in.",
        "I have called your service line twice and was told both times that someone would call me back, but nobody has replied so far.",
        "I ask for a full refund and that you check the quality of the same batch. Please answer in writing as soon as you receive this letter.",
    ],
}
# Similarity (difflib ratio, whitespace ignored for CJK) each language's readings must reach.
THRESHOLDS = {"zh-Hans": 0.93, "zh-Hant": 0.90, "ko": 0.93, "en": 0.95}


def render(text: str, language: str, *, angle: float = 0.0, noise: float = 0.0, seed: int = 1) -> Image.Image:
    """An A4 page at 200 dpi with `text` set in 40 px Noto Sans CJK, wrapped to the margins."""
    font = ImageFont.truetype(FONT, 40)
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    words = text.split(" ") if language == "en" else list(text)
    joiner = " " if language == "en" else ""
    lines, line = [], ""
    for word in words:
        candidate = f"{line}{joiner}{word}" if line else word
        if draw.textlength(candidate, font=font) > 1654 - 2 * 150:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    for number, text_line in enumerate(lines):
        draw.text((150, 200 + number * 72), text_line, font=font, fill=0)
    if angle:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if noise:
        rng = random.Random(seed)
        pixels = page.load()
        for _ in range(int(page.width * page.height * noise)):
            pixels[rng.randrange(page.width), rng.randrange(page.height)] = rng.choice((0, 255))
    return page


def encoded(pages: list[Image.Image], kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "pdf":
        pages[0].save(buffer, "PDF", resolution=200, save_all=True, append_images=pages[1:])
    else:
        pages[0].save(buffer, kind.upper())
    return buffer.getvalue()


def similarity(source: str, read: str, language: str) -> float:
    if language == "en":
        return difflib.SequenceMatcher(None, " ".join(source.split()), " ".join(read.split())).ratio()
    return difflib.SequenceMatcher(None, "".join(source.split()), "".join(read.split())).ratio()


def scans() -> list[tuple[str, str, str, bytes]]:
    """(language, variant, source text, file) for every page set the test reads."""
    found = []
    for language, paragraphs in PAGES.items():
        letter = " ".join(paragraphs) if language == "en" else "".join(paragraphs)
        found += [
            (language, "clean png", letter, encoded([render(letter, language)], "png")),
            (language, "rotated 3.5° jpeg", letter, encoded([render(letter, language, angle=3.5)], "jpeg")),
            (language, "noisy png (2% salt and pepper)", letter, encoded([render(letter, language, noise=0.02)], "png")),
            (language, "3-page pdf (clean, rotated -2.5°, noisy)", "\n".join(paragraphs), encoded(
                [render(paragraphs[0], language), render(paragraphs[1], language, angle=-2.5), render(paragraphs[2], language, noise=0.02)],
                "pdf",
            )),
        ]
    return found


@asynccontextmanager
async def running(env: dict[str, str], **settings) -> AsyncIterator[tuple[Intake, httpx.AsyncClient]]:
    intake = Intake(IntakeSettings(
        **env, COMPLAINTS_API_KEY=KEY, consume_raw_topic=False, smtp_enabled=False, letter_poll_seconds=0.5, **settings
    ))
    app = intake.app()
    async with intake.lifespan(FastAPI()):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://i", headers={"Authorization": f"Bearer {KEY}"}) as http:
            yield intake, http


async def letters_on(env: dict[str, str], count: int) -> dict[str, dict]:
    topic = IntakeSettings(**env).topic(RECEIVED.key)

    async def enough() -> dict[str, dict] | None:
        found = {record["data"]["case_id"]: record for record in await records_on(env["KAFKA_BOOTSTRAP_SERVERS"], topic)}
        return found if len(found) >= count else None

    return await async_wait_for(enough, timeout=600, interval=1.0, message=f"{count} letters read and published on {topic}")


async def test_rendered_letters_are_read_close_to_their_source(backend_env):
    pages = scans()
    async with running(backend_env) as (_intake, http):
        answers = []
        for _language, variant, _text, scan in pages:
            kind = "pdf" if variant.endswith("pdf (clean, rotated -2.5°, noisy)") else variant.split()[-1]
            response = await http.post(
                "/v1/complaints/letter", files={"scan": (f"letter.{kind}", scan, "application/octet-stream")},
                data={"sender_name": "Test Sender", "received_on": "2026-12-01"},
            )
            assert response.status_code == 202, response.text
            answers.append(response.json())
        published = await letters_on(backend_env, len(pages))
    failures = []
    for (language, variant, text, _scan), answer in zip(pages, answers, strict=True):
        record = published[answer["case_id"]]
        data = record["data"]
        assert record["id"] == letter_event_id(answer["case_id"])
        ratio = similarity(text, data["text"], language)
        letter = data["letter"]
        print(f"{language:8} {variant:42} similarity {ratio:.3f}  confidence {letter['ocr_confidence']:5.1f}  "
              f"pages {letter['pages']}  language {data['language']}  needs_review {letter['needs_review']}")
        expected_pages = 3 if "pdf" in variant else 1
        if ratio < THRESHOLDS[language] or data["language"] != language or letter["pages"] != expected_pages or letter["needs_review"]:
            failures.append((language, variant, round(ratio, 3), data["language"], letter["pages"], data["text"][:80]))
        assert data["channel"] == "letter" and data["attachments"] == [letter["scan"]]
    assert failures == []


async def test_a_job_left_by_a_crashed_process_is_read_when_intake_starts(backend_env):
    settings = IntakeSettings(**backend_env)
    client = mongo.make_client(settings)
    text = PAGES["en"][0]
    try:
        db = mongo.database(client, settings)
        scan = await AttachmentStore(db).put(encoded([render(text, "en")], "png"), content_type="image/png", filename="left.png")
        now = ev.utcnow()
        # As a process leaves it when it dies mid-read: taken once, its lease run out.
        await db[settings.letter_jobs_collection].insert_one({
            "_id": "case-left-by-a-crash", "state": "pending", "scan": scan.model_dump(mode="json"),
            "form": LetterForm(sender_name="A. Customer").model_dump(mode="json"), "received_at": now - timedelta(minutes=5),
            "fingerprint": "f", "attempts": 1, "available_at": now - timedelta(minutes=4), "created_at": now - timedelta(minutes=5),
        })
        async with running(backend_env):
            published = await letters_on(backend_env, 1)

            async def done() -> bool:
                job = await db[settings.letter_jobs_collection].find_one({"_id": "case-left-by-a-crash"})
                return job is not None and job["state"] == "done"

            await async_wait_for(done, timeout=30, message="the job marked done")
    finally:
        await client.drop_database(settings.mongodb_database)
        await client.close()
    data = published["case-left-by-a-crash"]["data"]
    assert similarity(text, data["text"], "en") >= THRESHOLDS["en"]
    assert data["customer"]["name"] == "A. Customer"

