"""Where one intake process spends its CPU under load: intake runs under cProfile while N
unique SMS (JSON route) go to it over 32 connections (bench/sms_intake.py's load), then it is
stopped with SIGINT (a graceful stop writes the profile) and the top functions are printed.

Usage: [PROFILE=0] [PACED=50,200,400] python bench/intake_profile.py [N=3000] [route=json|complaints|email|healthz]
(PROFILE=0: no profile, only the rate and intake's CPU a request; PACED: instead of flat out,
N requests at each of these rates (open loop, sms_intake.paced), with p50/p99 and the CPU a
request at that rate)
"""

from __future__ import annotations

import asyncio
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from backends import backends
from processes import ServiceProcess, free_port, wait_ready
from sms_intake import KEY, complaint_request, flat_out, json_request, paced


def email_request(host: str, n: int, run: str) -> bytes:
    body = (f"From: customer{n}@example.cn\r\nTo: complaints@example.com\r\nSubject: kettle {n}\r\n"
            f"Message-ID: <{run}-{n}@example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "热水壶用了两周就漏水，要求退款。\r\n").encode()
    return (f"POST /v1/complaints/email HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {KEY}\r\n"
            f"Content-Type: message/rfc822\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (/proc/<pid>/stat, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def healthz_request(host: str, n: int, run: str) -> bytes:
    """The floor: a route that does nothing (the HTTP stack and middleware alone)."""
    return f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


def main(n: int, route: str) -> None:
    with backends() as found, tempfile.TemporaryDirectory() as workdir:
        token = uuid.uuid4().hex[:8]
        port = free_port()
        profile = Path(workdir) / "intake.prof"
        env = os.environ | {
            "KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "MONGODB_URL": found.mongodb_url,
            "COMPLAINTS_TOPIC_PREFIX": f"prof{token}.", "MONGODB_DATABASE": f"prof_{token}", "COMPLAINTS_API_KEY": KEY,
            "INTAKE_CONSUME_RAW_TOPIC": "false", "INTAKE_LETTER_OCR_WORKER": "false", "INTAKE_SMTP_ENABLED": "false",
            "LOG_LEVEL": "WARNING", "INTAKE_PORT": str(port), "INTAKE_HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1",
        }
        log = (Path(workdir) / "intake.log").open("wb")
        profiled = os.environ.get("PROFILE", "1") != "0"  # PROFILE=0: the CPU a request takes, without cProfile's own
        command = ["-m", "cProfile", "-o", str(profile)] if profiled else []
        process = subprocess.Popen([sys.executable, *command, "-m", "intake", "serve"],
                                   cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        intake = ServiceProcess("intake", port, process, Path(workdir) / "intake.log")
        try:
            wait_ready(intake)
            host = f"127.0.0.1:{port}"
            make = {"json": json_request, "complaints": complaint_request, "email": email_request, "healthz": healthz_request}[route]
            asyncio.run(flat_out(port, [make(host, i, f"warm{token}") for i in range(300)]))
            for rate in [float(r) for r in os.environ.get("PACED", "").split(",") if r]:
                requests = [make(host, i, f"{route}{rate:g}{token}") for i in range(n)]
                intake_cpu = cpu_seconds(process.pid)
                latencies, statuses = asyncio.run(paced(port, requests, rate))
                intake_cpu = cpu_seconds(process.pid) - intake_cpu
                latencies.sort()
                print(f"{route} paced at {rate:g}/s: p50 {latencies[n // 2] * 1000:.1f} ms, p99 {latencies[int(n * 0.99)] * 1000:.1f} ms, "
                      f"max {latencies[-1] * 1000:.1f} ms; statuses {statuses}; intake CPU {intake_cpu / n * 1000:.2f} ms a request")
            if not os.environ.get("PACED"):
                requests = [make(host, i, f"{route}{token}") for i in range(n)]
                started, intake_cpu = time.process_time(), cpu_seconds(process.pid)
                seconds, statuses = asyncio.run(flat_out(port, requests))
                intake_cpu = cpu_seconds(process.pid) - intake_cpu
                print(f"{route}: {n} in {seconds:.2f} s = {n / seconds:,.0f}/s; statuses {statuses}; intake CPU {intake_cpu:.1f} s "
                      f"({intake_cpu / n * 1000:.2f} ms a request{', under cProfile' if profiled else ''}); load client CPU {time.process_time() - started:.1f} s")
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(60)
            log.close()
        if not profiled:
            return
        stats = pstats.Stats(str(profile))
        if os.environ.get("PROFILE_SAVE"):
            stats.dump_stats(os.environ["PROFILE_SAVE"])
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000, sys.argv[2] if len(sys.argv) > 2 else "json")
