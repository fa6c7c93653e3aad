"""The lab's speed, as a page sees it: updates per second while playing, and step latency.

Starts the real server (uvicorn on 127.0.0.1, a free port) on a 2-8-8-1 tanh network and
500 points, connects a real WebSocket client (the ``websockets`` package) and:

1. plays for ``--seconds`` seconds, counting the frames that arrive -- each one carrying the
   losses, the 100×100 output heatmap and every hidden neuron's 50×50 heatmap -- and the
   steps trained between them (the target: at least 20 updates a second);
2. pauses, then sends ``{"cmd": "step", "count": 1, "id": i}`` ``--steps`` times, one after
   the other, timing each from the moment it is sent to the moment its frame arrives
   (p50 and p99).

Each is measured ``--runs`` times, each run on a fresh server and session; the median and
the spread (lowest to highest run) are printed.  Run with ``python benchmarks/bench_lab.py``
(needs the ``lab`` extra and ``websockets``).  It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

from websockets.sync.client import connect
from workers import spread

from neuronlab.lab.launch import LabServer
from neuronlab.lab.session import LabSession
from neuronlab.lab.settings import LabSettings

SETTINGS = LabSettings(hidden=(8, 8), activations=("tanh", "tanh"), points=500)


def ws_url(server: LabServer) -> str:
    return f"ws://127.0.0.1:{server.port}/ws?token={server.token}"


def check_frame(frame: dict) -> None:
    """A frame carries what the page draws: the loss and every heatmap, at full size."""
    assert frame["train"]["loss"] is not None
    assert frame["output"]["size"] == 100
    assert len(frame["output"]["confidence"]) > 13_000
    assert len(frame["neurons"]) == 16
    assert all(n["size"] == 50 for n in frame["neurons"])


def play(ws, seconds: float) -> dict[str, float]:
    """Frames and steps per second while playing."""
    ws.send(json.dumps({"cmd": "play"}))
    frames, sizes, steps = 0, [], []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        text = ws.recv()
        message = json.loads(text)
        if message["type"] != "frame":
            continue
        check_frame(message)
        frames += 1
        sizes.append(len(text))
        steps.append(message["step"])
    elapsed = time.perf_counter() - started
    ws.send(json.dumps({"cmd": "pause"}))
    while json.loads(ws.recv()) != {"type": "status", "playing": False}:
        pass
    return {
        "updates_per_second": frames / elapsed,
        "steps_per_second": (steps[-1] - steps[0]) / elapsed if len(steps) > 1 else 0.0,
        "steps_per_update": (steps[-1] - steps[0]) / max(1, len(steps) - 1),
        "kb_per_update": statistics.mean(sizes) / 1024 if sizes else 0.0,
    }


def latencies(ws, count: int) -> list[float]:
    """Seconds from sending a step command to its frame arriving, for each of ``count``."""
    times = []
    for i in range(count):
        sent = time.perf_counter()
        ws.send(json.dumps({"cmd": "step", "count": 1, "id": i}))
        while True:
            message = json.loads(ws.recv())
            if message.get("id") == i:
                break
        times.append(time.perf_counter() - sent)
        check_frame(message)
    return times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def one_run(seconds: float, steps: int) -> dict[str, float]:
    """A fresh server and session: what playing gave, and the step latencies' p50 and p99."""
    server = LabServer("127.0.0.1", 0, LabSession(SETTINGS)).start()
    try:
        with connect(ws_url(server), max_size=2**24) as ws:
            while json.loads(ws.recv())["type"] != "status":  # the State, then the status
                pass
            played = play(ws, seconds)
            times = latencies(ws, steps)
    finally:
        server.stop()
    return {**played, "p50": 1000 * percentile(times, 50), "p99": 1000 * percentile(times, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to play")
    parser.add_argument("--steps", type=int, default=200, help="step commands to time")
    parser.add_argument("--runs", type=int, default=3, help="runs (median and spread)")
    args = parser.parse_args()
    runs = [one_run(args.seconds, args.steps) for _ in range(args.runs)]

    def figure(key: str, digits: int = 1) -> str:
        return spread([r[key] for r in runs], digits)

    print(f"neuronlab lab benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print("network 2-8-8-1 tanh, 500 points (250 for training), batch 10, SGD")
    print(f"{args.runs} runs; median (lowest-highest)")
    print(f"playing {args.seconds:g} s:")
    print(f"  updates per second      {figure('updates_per_second')}  (target >= 20)")
    print(f"  steps per second        {figure('steps_per_second', 0)}")
    print(f"  steps per update        {figure('steps_per_update')}  (at most an epoch: 25)")
    print(f"  size of an update       {figure('kb_per_update', 0)} KB of JSON")
    print(f"step command -> its frame ({args.steps} in a row):")
    print(f"  p50                     {figure('p50')} ms")
    print(f"  p99                     {figure('p99')} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
