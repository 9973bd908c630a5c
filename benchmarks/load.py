"""Concurrent HTTP clients and latency statistics, on the standard library only (no new dependency).

Each client is a thread with its own http.client connection. It cycles through the endpoints in turn, starting
at a different one than its neighbours, so every endpoint is measured in the same seconds, under the same
load, against the same server: a slow moment (a checkpoint, the machine's other work) hits them all alike, and
the ratio of an endpoint to the trivial one stays meaningful on a noisy machine.
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Endpoint:
    name: str
    paths: tuple[str, ...]  # cycled, so that e.g. the queue is read for several areas
    token: str


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: int = 0
    first_error: str = ""


@dataclass(frozen=True)
class Stats:
    name: str
    requests: int
    errors: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    first_error: str


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q of the samples at or below it."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(name: str, samples: Samples) -> Stats:
    values = sorted(samples.latencies)
    mean = sum(values) / len(values) if values else math.nan
    return Stats(name=name, requests=len(values) + samples.errors, errors=samples.errors,
                 median_ms=percentile(values, 0.5) * 1000, p95_ms=percentile(values, 0.95) * 1000,
                 p99_ms=percentile(values, 0.99) * 1000, mean_ms=mean * 1000, first_error=samples.first_error)


def fetch(host: str, port: int, path: str, token: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """One GET, for checks outside the measured phase."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Token {token}", "Accept": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class _Client(threading.Thread):
    def __init__(self, host: str, port: int, endpoints: Sequence[Endpoint], offset: int, stop: threading.Event,
                 rounds: int | None) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.endpoints, self.offset = host, port, endpoints, offset
        self.stop, self.rounds = stop, rounds
        self.record = threading.Event()  # set when the warm-up is over
        self.samples = {endpoint.name: Samples() for endpoint in endpoints}
        self.recorded_rounds = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        step = self.offset
        while not self.stop.is_set():
            recording = self.record.is_set()
            for i in range(len(self.endpoints)):
                endpoint = self.endpoints[(self.offset + i) % len(self.endpoints)]
                path = endpoint.paths[step % len(endpoint.paths)]
                headers = {"Authorization": f"Token {endpoint.token}", "Accept": "application/json"}
                started = time.perf_counter()
                error = ""
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()  # the whole body: the client waits for the last byte
                    if response.status != 200:
                        error = f"{endpoint.name}: HTTP {response.status} {body[:200]!r}"
                    if response.will_close:
                        conn.close()  # gunicorn's sync workers close after every response; reconnect next time
                except (OSError, http.client.HTTPException) as exc:
                    error = f"{endpoint.name}: {type(exc).__name__}: {exc}"
                    conn.close()
                elapsed = time.perf_counter() - started
                if recording:
                    samples = self.samples[endpoint.name]
                    if error:
                        samples.errors += 1
                        samples.first_error = samples.first_error or error
                    else:
                        samples.latencies.append(elapsed)
            step += 1
            if recording:
                self.recorded_rounds += 1
                if self.rounds is not None and self.recorded_rounds >= self.rounds:
                    break
        conn.close()


def run_load(host: str, port: int, endpoints: Sequence[Endpoint], *, clients: int, seconds: float,
             warmup: float, requests: int | None = None,
             log: Callable[[str], None] = print) -> tuple[list[Stats], float]:
    """Warm up, then measure for `seconds` (or until each endpoint has had `requests`). Returns stats, duration."""
    stop = threading.Event()
    rounds = math.ceil(requests / clients) if requests else None
    threads = [_Client(host, port, endpoints, offset=i % len(endpoints), stop=stop, rounds=rounds)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    log(f"warming up for {warmup:g} s with {clients} clients ...")
    time.sleep(warmup)
    started = time.monotonic()
    for thread in threads:
        thread.record.set()
    if rounds is None:
        log(f"measuring for {seconds:g} s ...")
        time.sleep(seconds)
        stop.set()
    else:
        log(f"measuring {rounds * clients} requests per endpoint ...")
    for thread in threads:
        thread.join()
    duration = time.monotonic() - started
    stats = []
    for endpoint in endpoints:
        merged = Samples()
        for thread in threads:
            samples = thread.samples[endpoint.name]
            merged.latencies += samples.latencies
            merged.errors += samples.errors
            merged.first_error = merged.first_error or samples.first_error
        stats.append(summarise(endpoint.name, merged))
    return stats, duration
