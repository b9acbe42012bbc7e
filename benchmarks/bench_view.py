"""Benchmark of ``kg view``: page generation time and time-to-stable in headless Chromium, at 200 and 2,000 nodes.

Usage::

    .venv/bin/python benchmarks/bench_view.py [--build DIR] [--sizes 200,2000] [--repeat 3] [--no-browser]

Without ``--build`` the views are overviews of a synthetic graph (kg.viz.synthetic, fixed seed) large enough for
the biggest size; with ``--build`` they are overviews of that build directory. Figures go to stdout, with the
machine they were measured on (CPU, cores, load average, versions), since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        chromium = "absent"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    import numpy
    import pyvis

    return (
        f"machine: {cpu}; {os.cpu_count()} logical CPUs; load average {load}\n"
        f"python {platform.python_version()} on {platform.system()} {platform.release()}; numpy {numpy.__version__}; "
        f"pyvis {pyvis.__version__}; {chromium}"
    )


def settle(browser, path: Path, cap_s: float = 300.0) -> tuple[float, float, int]:
    """(seconds from navigation to stable, in-page ms to stable, node count) for one page load."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(path.resolve().as_uri())
        while not page.evaluate("!!(window.kgViews && kgViews['kg-view'] && kgViews['kg-view'].stable)"):
            if time.perf_counter() - t0 > cap_s:
                raise RuntimeError(f"{path} did not settle within {cap_s} s")
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        return wall, float(page.evaluate("kgViews['kg-view'].stableMs")), int(page.evaluate("kgViews['kg-view'].nodes.length"))
    finally:
        ctx.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, help="a build directory (default: a synthetic graph)")
    ap.add_argument("--sizes", default="200,2000", help="node counts of the overview (comma-separated)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size (the median is reported)")
    ap.add_argument("--no-browser", action="store_true", help="only time page generation")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    from kg.graph.io import load_graph
    from kg.viz import render_view
    from kg.viz.synthetic import synthetic_graph

    print(machine())
    if args.build:
        graph = load_graph(args.build)
        source = f"build {args.build}"
    else:
        graph = synthetic_graph(max(sizes), max(sizes) // 5, seed=1)
        source = "synthetic graph (kg.viz.synthetic, seed 1)"
    print(f"graph: {source}: {len(graph.entities)} entities, {len(graph.papers)} papers, {len(graph.relations)} relations")

    browser = None
    pw = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
    print(f"{'nodes':>6} {'edges':>6} {'MB':>5} {'generate s':>11} {'load->stable s':>15} {'in-page stable ms':>18}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for size in sizes:
                gen: list[float] = []
                walls: list[float] = []
                inpage: list[float] = []
                for i in range(args.repeat):
                    out = Path(tmp) / f"view-{size}-{i}.html"
                    t0 = time.perf_counter()
                    res = render_view(graph, out, top=size)
                    gen.append(time.perf_counter() - t0)
                    if browser is not None:
                        wall, ms, n = settle(browser, out)
                        assert n == res.nodes, (n, res.nodes)
                        walls.append(wall)
                        inpage.append(ms)
                mb = out.stat().st_size / 1e6
                wall_s = f"{statistics.median(walls):.2f}" if walls else "-"
                page_s = f"{statistics.median(inpage):.0f}" if inpage else "-"
                print(f"{res.nodes:>6} {res.edges:>6} {mb:>5.1f} {statistics.median(gen):>11.2f} {wall_s:>15} {page_s:>18}")
    finally:
        if browser is not None:
            browser.close()
        if pw is not None:
            pw.stop()
    print(f"(median of {args.repeat} runs; load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
