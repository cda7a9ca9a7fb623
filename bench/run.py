"""The benchmark: data set → ledgerport (one worker) and the asyncpg baseline → wrk → table.

    make bench                      # both databases, 10 s per scenario
    .venv/bin/python bench/run.py --duration 20 --backends postgresql

Both servers speak plain HTTP on 127.0.0.1 under uvicorn (same stack, access log off on both),
so the comparison is of the application, not of TLS. Scenarios (issue 5):
R1 first 100 associates by key · R2 $filter=city eq 'Oslo' top 100 · R3 one associate by
random key · R4 the page of rows 90,001-90,100 through the cursor · R5 $count of a filter ·
R6 orders?$expand=lines top 50 · W1 POST one associate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from auth import (  # noqa: E402
    PASSWORD,
    USER,
    Client,
    authorization,
    password_login,
    register_client,
)
from dataset import load  # noqa: E402

from ledgerport.auth.passwords import hash_password  # noqa: E402

WORK = HERE / ".work"
PG_ADMIN = os.environ.get("LEDGERPORT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_NAME = "ledgerport_bench"
LEDGERPORT = ROOT / ".venv" / "bin" / "ledgerport"
PYTHON = ROOT / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    """Path for ledgerport; ``{token}`` is R4's skip token."""
    baseline: str
    script: str | None = None


SCENARIOS = [
    Scenario("R1", "/api/9999/associates?$top=100", "/r1"),
    Scenario("R2", "/api/9999/associates?$filter=city%20eq%20'Oslo'&$top=100", "/r2"),
    Scenario("R3", "/api/9999/associates/%d", "/r3/%d", "r3.lua"),
    Scenario("R4", "{r4}", "/r4"),
    Scenario("R5", "/api/9999/associates/$count?$filter=city%20eq%20'Oslo'", "/r5"),
    Scenario("R6", "/api/9999/orders?$expand=lines&$top=50", "/r6"),
    Scenario("W1", "/api/9999/associates", "/w1", "w1.lua"),
]


@dataclass(frozen=True)
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        assert isinstance(port, int)
        return port


def prepare_database(backend: str) -> str:
    if backend == "sqlite":
        folder = WORK / "sqlite"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return f"sqlite:///{folder / 'bench.db'}"
    import asyncpg

    async def recreate() -> None:
        conn = await asyncpg.connect(PG_ADMIN.replace("postgresql://", "postgres://"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{PG_NAME}"')
        finally:
            await conn.close()

    asyncio.run(recreate())
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"


def write_config(backend: str, url: str) -> Path:
    folder = WORK / backend
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "ledgerport.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n'
        # Both servers run without uvicorn's access log (a tenth of a read's time).
        "[server]\naccess_log = false\n\n"
        # The limiter stays on the request path; its limit is set past what the bench sends.
        "[limits]\nrequests_per_minute = 100000000\n\n"
        f'[[users]]\nusername = "{USER}"\npassword_hash = "{hash_password(PASSWORD)}"\n'
        "companies = [{ company_no = 9999 }, { company_no = 1000 }, { company_no = 2000 }]\n",
        encoding="utf-8",
    )
    return config


def start(command: list[str], log: Path, ready: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(ready, timeout=2).status_code < 500:
                return process
        if process.poll() is not None:
            raise RuntimeError(f"server exited: see {log}")
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"server did not become ready: see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def peak_rss_mb(pid: int, field: str = "VmHWM") -> float:
    """VmHWM: the process's peak resident set size (VmRSS: the current one)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wrk(url: str, script: str | None, duration: int, connections: int, auth: str | None) -> Result:
    lua = (HERE / "wrk" / script).read_text() if script else ""
    lua += (HERE / "wrk" / "report.lua").read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["-s", handle.name]
    if auth:
        command += ["-H", f"Authorization: {auth}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(handle.name)
    match = re.search(r"RESULT (\S+) (\d+) (\d+) (\d+) (\d+)", output)
    if match is None:
        raise RuntimeError(output)
    rps, p50, p99, errors, requests = match.groups()
    # errors counts socket errors, timeouts and statuses >= 400.
    return Result(float(rps), int(p50) / 1000, int(p99) / 1000, int(errors), int(requests))


def r4_path(base: str, auth: str) -> str:
    """The next link after row 90,000, reached by walking the cursor (pages of 1000)."""
    headers = {"Authorization": auth, "Prefer": "odata.maxpagesize=1000"}
    link = f"{base}/api/9999/associates"
    with httpx.Client(timeout=60) as client:
        for _ in range(90):
            body = client.get(link, headers=headers).json()
            link = body["@odata.nextLink"]
    return link.removeprefix(base) + "&$top=100"


def existing_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{WORK / 'sqlite' / 'bench.db'}"
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"


def serve_ledgerport(
    backend: str, url: str, keep: bool
) -> tuple[subprocess.Popen[bytes], str, Client]:
    config = write_config(backend, url)
    if not keep:
        init = [str(LEDGERPORT), "init", "--config", str(config)]
        subprocess.run(init, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        started = time.monotonic()
        asyncio.run(load(url))
        print(f"  {backend}: data set loaded in {time.monotonic() - started:.0f} s", flush=True)
    client = register_client(LEDGERPORT, config)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(LEDGERPORT), "serve", "--config", str(config), "--port", str(port)]
    log = WORK / f"{backend}-server.log"
    return start([*command, "--insecure-http"], log, base + "/readyz"), base, client


def serve_baseline(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    dsn = url.replace("postgresql://", "postgres://")
    command = [str(PYTHON), str(HERE / "baseline.py"), "--dsn", dsn, "--port", str(port)]
    return start(command, WORK / "baseline-server.log", base + "/r5"), base


def measure(
    backend: str, url: str, duration: int, connections: int, keep: bool
) -> tuple[dict[str, Result], float, dict[str, Result] | None, float | None]:
    """Each scenario on ledgerport, then at once on the baseline, so both meet the same noise."""
    server, base, client = serve_ledgerport(backend, url, keep)
    baseline = baseline_base = None
    try:
        if backend == "postgresql":
            baseline, baseline_base = serve_baseline(url)
        auth = authorization(base, client)
        chosen = {s.path for s in SCENARIOS}
        paths = {"{r4}": r4_path(base, auth)} if "{r4}" in chosen else {}
        ours: dict[str, Result] = {}
        theirs: dict[str, Result] = {}
        for scenario in SCENARIOS:
            path = base + paths.get(scenario.path, scenario.path)
            wrk(path, scenario.script, 2, connections, auth)  # warm-up
            ours[scenario.name] = wrk(path, scenario.script, duration, connections, auth)
            print(f"  {backend} {scenario.name}: {ours[scenario.name]}", flush=True)
            if baseline_base is not None:
                other = baseline_base + scenario.baseline
                wrk(other, scenario.script, 2, connections, None)
                theirs[scenario.name] = wrk(other, scenario.script, duration, connections, None)
                print(f"  baseline {scenario.name}: {theirs[scenario.name]}", flush=True)
        if RUN_BATCH[0]:
            BATCH_LINES.append(batch_vs_singles(backend, base, auth))
            print(f"  {BATCH_LINES[-1]}", flush=True)
        rss = peak_rss_mb(server.pid)
        END_RSS[backend] = peak_rss_mb(server.pid, "VmRSS")
        password_login(base)
        LOGIN_RSS[backend] = peak_rss_mb(server.pid)
        baseline_rss = None if baseline is None else peak_rss_mb(baseline.pid)
        return ours, rss, theirs or None, baseline_rss
    finally:
        stop(server)
        if baseline is not None:
            stop(baseline)


BATCH_LINES: list[str] = []
END_RSS: dict[str, float] = {}
"""ledgerport's resident set at the end of the scenarios, per backend."""
LOGIN_RSS: dict[str, float] = {}
"""ledgerport's peak after one password login more: argon2id with RFC 9106's parameters
holds 64 MiB while it verifies (at most two verifications run at once)."""
RUN_BATCH = [True]
BATCH_SIZE = 1000


def batch_vs_singles(backend: str, base: str, auth: str) -> str:
    """Issue 7: 1,000 associate creates as single POSTs over keep-alive, then as one $batch.

    Keys are sent (as W1 does): the data set is loaded past the number series' counters.
    """
    first = 50_000_000 + int(time.time()) % 100_000 * 5_000  # 5,000 keys a run, a second apart
    headers = {"Authorization": auth}

    def body(name: str, number: int) -> dict[str, object]:
        return {"associateNo": number, "name": name, "supplierNo": number}

    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        # Warm-up, as each wrk scenario has one: both paths' statements prepared once.
        warm = first + 3 * BATCH_SIZE
        assert client.post("/api/9999/associates", json=body("Warm", warm)).status_code == 201
        warm_up = [
            {"id": str(i), "method": "POST", "url": "9999/associates", "body": body("W", warm + i)}
            for i in range(1, 11)
        ]
        assert client.post("/api/$batch", json={"requests": warm_up}).status_code == 200
        started = time.perf_counter()
        for i in range(BATCH_SIZE):
            answer = client.post("/api/9999/associates", json=body(f"Single {i}", first + i))
            assert answer.status_code == 201, answer.text
        singles = time.perf_counter() - started
        requests = [
            {
                "id": str(i),
                "method": "POST",
                "url": "9999/associates",
                "body": body(f"Batch {i}", first + BATCH_SIZE + i),
            }
            for i in range(BATCH_SIZE)
        ]
        started = time.perf_counter()
        answer = client.post("/api/$batch", json={"requests": requests})
        batched = time.perf_counter() - started
    assert answer.status_code == 200, answer.text[:300]
    statuses = {r["status"] for r in answer.json()["responses"]}
    assert statuses == {201}, answer.text[:300]
    return (
        f"{backend} batch of {BATCH_SIZE} creates: {batched:.2f} s; {BATCH_SIZE} single POSTs: "
        f"{singles:.2f} s; batch {singles / batched:.1f}x faster"
    )


def table(
    backend: str,
    ours: dict[str, Result],
    rss: float,
    baseline: dict[str, Result] | None,
    baseline_rss: float | None,
) -> str:
    lines = [
        f"### {backend} (plain HTTP, 1 worker, {os.cpu_count()} cores shared)",
        "",
        "| | ledgerport req/s | p50 ms | p99 ms | errors | baseline req/s | p50 ms | p99 ms"
        " | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in ours.items():
        cells = [name, f"{result.rps:.0f}", f"{result.p50_ms:.1f}", f"{result.p99_ms:.1f}"]
        cells.append(str(result.errors))
        if baseline is not None:
            base = baseline[name]
            cells += [f"{base.rps:.0f}", f"{base.p50_ms:.1f}", f"{base.p99_ms:.1f}"]
            cells.append(f"{result.rps / base.rps:.2f}x")
        else:
            cells += ["-", "-", "-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    shown = f"{baseline_rss:.0f} MB" if baseline_rss is not None else "-"
    nan = float("nan")
    lines.append(
        f"Peak RSS: ledgerport {rss:.0f} MB (at the end {END_RSS.get(backend, nan):.0f} MB;"
        f" {LOGIN_RSS.get(backend, nan):.0f} MB after one password login), baseline {shown}."
    )
    if baseline is not None and "R1" in ours and "R4" in ours:
        r1, r4 = ours["R1"].p50_ms, ours["R4"].p50_ms
        lines.append(f"R4/R1 p50 latency: {r4 / r1:.2f}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument(
        "--keep-data", action="store_true", help="reuse the data set of the last run"
    )
    parser.add_argument(
        "--scenarios", default="", help="only these, comma-separated (R1,R3,...; batch)"
    )
    args = parser.parse_args()
    if args.scenarios:
        chosen = set(args.scenarios.split(","))
        SCENARIOS[:] = [s for s in SCENARIOS if s.name in chosen]
        RUN_BATCH[0] = "batch" in chosen
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    WORK.mkdir(exist_ok=True)
    report = []
    for backend in args.backends.split(","):
        url = existing_url(backend) if args.keep_data else prepare_database(backend)
        ours, rss, baseline, baseline_rss = measure(
            backend, url, args.duration, args.connections, args.keep_data
        )
        report.append(table(backend, ours, rss, baseline, baseline_rss))
    text = "\n\n".join([*report, "\n".join(BATCH_LINES)])
    (WORK / "results.md").write_text(text + "\n", encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()
