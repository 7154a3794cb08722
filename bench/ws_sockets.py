#!/usr/bin/env python3
"""Holds N WebSocket connections open against a running gateway and reports its memory.

Usage: bench/ws_sockets.py [--base http://127.0.0.1:3000] [--sockets 5000] [--pid PID]
Needs `pip install websockets` and a running stack (`make dev`). Only talks to loopback.
Registers one throwaway user, opens N sockets with a ticket each, pings every socket once,
reads the gateway's resident memory from /proc, then closes everything.
"""
import argparse, asyncio, json, os, subprocess, time, urllib.request, uuid

import websockets


def call(base, method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, method=method, data=data, headers=headers)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def gateway_pid(port):
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(out.split("pid=")[1].split(",")[0])


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:3000")
    p.add_argument("--sockets", type=int, default=5000)
    p.add_argument("--pid", type=int)
    a = p.parse_args()
    host = a.base.split("//")[1]
    assert host.startswith("127.") or host.startswith("localhost"), "loopback only"
    pid = a.pid or gateway_pid(int(host.split(":")[1]))
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    s = call(a.base, "POST", "/api/auth/register",
             {"email": email, "password": "bench-password", "display_name": "Bench"})
    token = s["access_token"]
    before = rss_mb(pid)
    loop = asyncio.get_running_loop()
    sem = asyncio.Semaphore(32)
    ws_base = a.base.replace("http", "ws", 1)

    async def open_one():
        async with sem:
            t = await loop.run_in_executor(None, call, a.base, "POST", "/api/ws/ticket", None, token)
            return await websockets.connect(f"{ws_base}/ws?ticket={t['ticket']}", max_size=2**16)

    start = time.monotonic()
    socks = await asyncio.gather(*[open_one() for _ in range(a.sockets)])
    opened = time.monotonic() - start
    start = time.monotonic()

    async def ping(ws):
        await ws.send('{"action":"ping"}')
        while json.loads(await ws.recv()).get("type") != "pong":
            pass

    await asyncio.gather(*[ping(ws) for ws in socks])
    pinged = time.monotonic() - start
    held = rss_mb(pid)
    await asyncio.gather(*[ws.close() for ws in socks])
    print(json.dumps({
        "sockets": a.sockets,
        "open_seconds": round(opened, 1),
        "ping_all_seconds": round(pinged, 1),
        "gateway_rss_mb_before": round(before, 1),
        "gateway_rss_mb_with_sockets": round(held, 1),
        "kib_per_socket": round((held - before) * 1024 / a.sockets, 1),
    }))


asyncio.run(main())
