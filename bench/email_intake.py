"""E-mails accepted per second by one intake process, over the webhook and over SMTP.

Starts `python -m intake serve` against the local Kafka and MongoDB-wire servers (or
KAFKA_BOOTSTRAP_SERVERS/MONGODB_URL) with its SMTP listener on a free port, then delivers N
distinct e-mails (each its own Message-ID, so every one is a new complaint: GB2312-labelled
Chinese text in base64 with a quoted earlier message and a signature, about 1.5 kB), first
with POST /v1/complaints/email (C concurrent requests), then for 15 s at half that rate
(p50 and p99 latency), then over SMTP (C connections, each
delivering its share one transaction after another, as a mail server does). A 202 or 250 is
given only once the broker acknowledged, so the rate is of recorded complaints.

`hey` cannot vary the body and one Message-ID gives one case, so the load comes from this
script's own client (asyncio + httpx, smtplib threads) on the same cores: the intake's CPU
seconds per e-mail are printed too, the figure that does not depend on what shares the machine,
and the JSON endpoint is measured first at the same moment, as the reference.

    .venv/bin/python bench/email_intake.py [--emails 3000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import smtplib
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import httpx
from backends import backends
from measure import cpu_seconds
from processes import free_port, start_service, wait_ready

KEY = "bench-key"
TO = "complaints@example.com"
TEXT = ("您好，我上周在贵店购买的电热水壶使用三天后底部开始漏水，插头附近也有焦味。"
        "订单号 A-20261124-0042。请尽快安排更换或全额退款。\n\n"
        "在 2026年11月20日 10:00, 客服 <service@example.com> 写道:\n"
        "> 感谢您的来信，我们已收到您的订单。\n> 祝好\n\n--\n王芳\n上海市浦东新区\n")


def email(n: int, run: str) -> bytes:
    body = base64.encodebytes(TEXT.encode("gb2312")).decode().replace("\n", "\r\n")
    return (f"From: =?UTF-8?B?546L6Iqz?= <wang.fang{n}@example.cn>\r\nTo: {TO}\r\n"
            f"Subject: =?GB2312?B?{base64.b64encode('电热水壶漏水'.encode('gb2312')).decode()}?=\r\n"
            f"Date: Tue, 24 Nov 2026 09:30:00 +0800\r\nMessage-ID: <bench.{run}.{n}@mail.example.cn>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=GB2312\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}").encode()


async def over_http(url: str, messages: list[bytes], concurrency: int, *, path: str = "/v1/complaints/email",
                    content_type: str = "message/rfc822") -> dict[int, int]:
    codes: dict[int, int] = {}
    queue = iter(messages)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60,
                                 headers={"Authorization": f"Bearer {KEY}", "Content-Type": content_type}) as http:
        async def worker() -> None:
            for message in queue:
                response = await http.post(path, content=message)
                codes[response.status_code] = codes.get(response.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return codes


async def paced_http(url: str, messages: list[bytes], rate: float) -> list[float]:
    """Posts `messages` at `rate` a second (each on its own schedule, whatever the answers do)
    and returns each one's latency in seconds."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=256),
                                 headers={"Authorization": f"Bearer {KEY}", "Content-Type": "message/rfc822"}) as http:
        async def one(message: bytes, due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            sent = time.monotonic()
            response = await http.post("/v1/complaints/email", content=message)
            if response.status_code == 202:
                latencies.append(time.monotonic() - sent)

        start = time.monotonic()
        await asyncio.gather(*(one(m, start + i / rate) for i, m in enumerate(messages)))
    return latencies


def over_smtp(port: int, messages: list[bytes]) -> dict[int, int]:
    codes: dict[int, int] = {}
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        smtp.ehlo("bench.example.net")
        for message in messages:
            smtp.mail("mta@bench.example.net")
            smtp.rcpt(TO)
            code, _text = smtp.data(message)
            codes[code] = codes.get(code, 0) + 1
    return codes


def report(label: str, n: int, seconds: float, cpu: float, codes: dict[int, int]) -> None:
    print(f"{label:>5}: {n} complaints in {seconds:.1f} s = {n / seconds:.0f}/s accepted; intake CPU {cpu:.1f} s "
          f"= {1000 * cpu / n:.2f} ms each ({n / cpu:.0f}/s a core); answers {dict(sorted(codes.items()))}", flush=True)


def main(emails: int, concurrency: int) -> None:
    with backends() as found, tempfile.TemporaryDirectory() as workdir:
        token = uuid.uuid4().hex[:8]
        smtp_port = free_port()
        env = {"KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "MONGODB_URL": found.mongodb_url,
               "COMPLAINTS_TOPIC_PREFIX": f"bench{token}.", "MONGODB_DATABASE": f"bench_{token}", "COMPLAINTS_API_KEY": KEY,
               "LOG_LEVEL": "WARNING", "INTAKE_CONSUME_RAW_TOPIC": "false", "INTAKE_LETTER_OCR_WORKER": "false",
               "INTAKE_ARCHIVE_URL": "http://127.0.0.1:9", "INTAKE_SMTP_PORT": str(smtp_port), "INTAKE_SMTP_HOST": "127.0.0.1",
               "INTAKE_SMTP_RECIPIENTS": TO}
        intake = start_service("intake", env=env, workdir=Path(workdir))
        try:
            wait_ready(intake)
            asyncio.run(over_http(intake.url, [email(n, f"warm{token}") for n in range(200)], concurrency))  # warm-up
            # The JSON endpoint at the same moment, for reference: what any complaint costs here.
            complaints = [json.dumps({"channel": "email", "text": TEXT, "external_id": f"json{token}.{n}"}).encode() for n in range(emails)]
            cpu, started = cpu_seconds(intake.process.pid), time.monotonic()
            codes = asyncio.run(over_http(intake.url, complaints, concurrency, path="/v1/complaints", content_type="application/json"))
            report("json", emails, time.monotonic() - started, cpu_seconds(intake.process.pid) - cpu, codes)

            messages = [email(n, f"http{token}") for n in range(emails)]
            cpu, started = cpu_seconds(intake.process.pid), time.monotonic()
            codes = asyncio.run(over_http(intake.url, messages, concurrency))
            elapsed = time.monotonic() - started
            report("http", emails, elapsed, cpu_seconds(intake.process.pid) - cpu, codes)

            rate = max(1.0, emails / elapsed / 2)
            paced = [email(n, f"paced{token}") for n in range(int(rate * 15))]
            latencies = sorted(asyncio.run(paced_http(intake.url, paced, rate)))
            if latencies:
                p50, p99 = latencies[len(latencies) // 2], latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
                print(f"http at half that rate ({rate:.0f}/s for 15 s): {len(latencies)} accepted, "
                      f"p50 {1000 * p50:.0f} ms, p99 {1000 * p99:.0f} ms", flush=True)

            messages = [email(n, f"smtp{token}") for n in range(emails)]
            shares = [messages[i::concurrency] for i in range(concurrency)]
            cpu, started = cpu_seconds(intake.process.pid), time.monotonic()
            with ThreadPoolExecutor(concurrency) as pool:
                results = list(pool.map(lambda share: over_smtp(smtp_port, share), shares))
            codes = {}
            for result in results:
                for code, count in result.items():
                    codes[code] = codes.get(code, 0) + count
            report("smtp", emails, time.monotonic() - started, cpu_seconds(intake.process.pid) - cpu, codes)
        finally:
            intake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    arguments = parser.parse_args()
    main(arguments.emails, arguments.concurrency)
