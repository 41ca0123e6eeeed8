"""Time from POST /v1/complaints to the routed case being readable from archive's API.

Starts the four services as processes against the local Kafka and MongoDB-wire servers
(or KAFKA_BOOTSTRAP_SERVERS/MONGODB_URL), posts complaints one at a time and polls archive.
Prints the median and the spread. Usage: python bench/pipeline_latency.py [N=20]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from backends import backends
from processes import SERVICES, start_service, wait_ready

KEY = "bench-key"
ROUTED = "org.complaints.complaint.routed.v1"


def main(n: int) -> None:
    with backends() as found, tempfile.TemporaryDirectory() as workdir:
        token = uuid.uuid4().hex[:8]
        env = {"KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "MONGODB_URL": found.mongodb_url,
               "COMPLAINTS_TOPIC_PREFIX": f"bench{token}.", "MONGODB_DATABASE": f"bench_{token}", "COMPLAINTS_API_KEY": KEY}
        started = time.monotonic()
        services = {name: start_service(name, env=env, workdir=Path(workdir)) for name in SERVICES}
        try:
            for service in services.values():
                wait_ready(service)
            print(f"backends: {found.kind}; four services ready in {time.monotonic() - started:.1f} s")
            headers = {"Authorization": f"Bearer {KEY}"}
            latencies = []
            with httpx.Client(headers=headers, timeout=10) as http:
                for i in range(n + 1):
                    t0 = time.monotonic()
                    case_id = http.post(f"{services['intake'].url}/v1/complaints",
                                        json={"channel": "web", "text": f"The blender lid cracked on first use, order B-{i}."}).json()["case_id"]
                    while True:
                        response = http.get(f"{services['archive'].url}/v1/cases/{case_id}")
                        if response.status_code == 200 and any(e["type"] == ROUTED for e in response.json()["timeline"]):
                            break
                        if time.monotonic() - t0 > 60:
                            tails = "\n".join(f"--- {s.name}\n{s.log_tail(15)}" for s in services.values())
                            raise SystemExit(f"complaint #{i}: case {case_id} not routed within 60 s\n{tails}")
                        time.sleep(0.02)
                    if i:  # the first one warms the consumers up
                        latencies.append(time.monotonic() - t0)
            ms = sorted(x * 1000 for x in latencies)
            print(f"POST → routed case readable, n={n}: median {statistics.median(ms):.0f} ms, "
                  f"min {ms[0]:.0f} ms, p90 {ms[int(0.9 * (n - 1))]:.0f} ms, max {ms[-1]:.0f} ms")
        finally:
            for service in services.values():
                service.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
