"""The test suite's wall and CPU time, this checkout against a baseline commit, side by side.

    .venv/bin/python benchmarks/bench_suite.py --baseline 66ed3ab --pairs 2
    .venv/bin/python benchmarks/bench_suite.py --by-process      # where this checkout's CPU goes
    .venv/bin/python benchmarks/bench_suite.py --timeline        # how busy each worker and core is, and
                                                                 # how much of it is the cleaning

Each side runs what `make test` runs after ruff: `python -m pytest -q` with the project's
settings (two xdist workers), from its own checkout. The baseline is a clone of the named commit
whose `src/` is imported through PYTHONPATH (the notebook kernels and subprocesses inherit it);
both use this checkout's virtual environment. `CI=1`, so that hypothesis tries the same examples
on both sides. The sides alternate, baseline first, so that each pair shares the machine's load;
the ratio is taken within each pair. CPU time is that of pytest and every process it started
(workers, kernels, subprocesses), user plus system.

`--by-process` runs this checkout's suite once and says which processes used its CPU: the pytest
workers, the notebook kernels, the report's workers, the browser, the `analysis` commands, and the
rest by their script. It reads /proc every 50 ms (Linux), so a process loses at most the last 50 ms
before it ends; a process left running when the suite ends (a browser's helper) is counted here but
not in the CPU the system counted for the suite, which it prints first.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_kit import ROOT, baseline_checkout, timed  # the same baseline clone and timing as `make report`'s


def suite(code: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, pytest's last line) of the suite of the checkout at `code`."""
    wall, cpu, done = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            {**os.environ, "PYTHONPATH": str(code / "src"), "CI": "1"}, cwd=code)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
    if done.returncode:
        raise SystemExit(f"the suite failed ({code}): {last}")
    return wall, cpu, re.sub(r"=+", "", last).strip()


KINDS = (("notebook kernels", "ipykernel_launcher"), ("pytest workers", "import sys;exec(eval("),
         ("pytest workers", "[pytest-xdist"),  # the title a worker gives itself
         # a kernel forked from the kernel server has the server's command line
         ("notebook kernels (forked) and the servers they are forked from", "multiprocessing.forkserver"),
         ("report workers", "multiprocessing"), ("browser", "chrom"), ("browser", "playwright"),
         ("`analysis` commands", "-m analysis"))


def _kind(pid: int, suite: int) -> str:
    """What the process is, from its command line; "" once it has ended (a zombie has none)."""
    if pid == suite:
        return "pytest (main process)"
    command = (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    if not command.strip():
        return ""
    for kind, mark in KINDS:
        if mark in command:
            return kind
    words = command.split()
    script = next((Path(w).name for w in words[1:] if w.endswith(".py")), "")
    return f"other: {Path(words[0]).name if words else '?'} {script}".strip()


def _cpu_seconds(pid: int) -> tuple[str, float, int]:
    """(start time, user + system seconds, parent pid) of a process, from /proc."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), int(fields[1])


def by_process() -> None:
    """Run the suite once; print its CPU seconds by kind of process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    output = tempfile.TemporaryFile("w+")
    suite = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                             env={**os.environ, "CI": "1"}, stdout=output, stderr=subprocess.STDOUT, text=True)
    seen: dict[tuple[int, str], list] = {}  # (pid, start) -> [kind, CPU seconds]
    parents: dict[int, int] = {}
    while suite.poll() is None:
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            try:
                started, cpu, parents[pid] = _cpu_seconds(pid)
                key = (pid, started)
                if key in seen:  # its command as it runs now (a fork runs its parent's until it execs)
                    seen[key][1] = cpu
                    seen[key][0] = _kind(pid, suite.pid) or seen[key][0]
                    continue
                ancestor = pid
                while ancestor not in (suite.pid, 0, 1) and ancestor in parents:
                    ancestor = parents[ancestor] if parents[ancestor] != ancestor else 0
                if ancestor == suite.pid:
                    seen[key] = [_kind(pid, suite.pid) or "other (ended before it was read)", cpu]
            except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
                continue  # ended meanwhile
        time.sleep(0.05)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    counted = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    output.seek(0)
    last = output.read().strip().splitlines()[-1]
    totals, processes = collections.Counter(), collections.Counter()
    for kind, cpu in seen.values():
        totals[kind] += cpu
        processes[kind] += 1
    print(f"{re.sub(r'=+', '', last).strip()}; wall {wall:.1f} s, CPU {counted:.1f} s "
          f"(load average at the end {os.getloadavg()[0]:.1f})")
    print("processes | kind | CPU | share")
    for kind, cpu in totals.most_common():
        print(f"{processes[kind]} | {kind} | {cpu:.1f} s | {cpu / counted:.0%}")
    print(f"  | read here, all kinds | {sum(totals.values()):.1f} s |")


def timeline() -> None:
    """Run the suite once; say how long each worker ran tests, how much of the two cores stood idle
    while they did (from /proc/stat, sampled each second), and each module's worker seconds."""
    def idle_total() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        return values[3] + values[4], sum(values)  # idle + iowait, all

    with tempfile.TemporaryDirectory(prefix="suite-timeline-") as folder:
        env = {**os.environ, "CI": "1", "SUITE_TIMELINE": folder,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH")]))}
        start = time.time()
        output = tempfile.TemporaryFile("w+")
        suite = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                                  "timeline_plugin"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        samples = []
        while suite.poll() is None:
            samples.append((time.time(), *idle_total()))
            time.sleep(1)
        wall = time.time() - start
        spans, modules = {}, collections.Counter()  # worker -> (first start, last end, seconds in a test)
        cleanings, cleaning_modules = [], collections.Counter()
        logs = sorted(Path(folder).glob("*.tsv"))
        workers = [log for log in logs if log.stem != "main"]  # under xdist the main process hears of each test too
        for log in workers or logs:
            started, busy, first, last = {}, 0.0, None, None
            for kind, at, nodeid in (line.rstrip("\n").split("\t") for line in log.open(encoding="utf-8")):
                at = float(at)
                if kind == "clean":  # `at` is how long the cleaning took
                    cleanings.append(at)
                    cleaning_modules[nodeid.split("::")[0]] += at
                    continue
                first, last = first or at, at
                if kind == "start":
                    started[nodeid] = at
                elif nodeid in started:
                    seconds = at - started.pop(nodeid)
                    busy += seconds
                    modules[nodeid.split("::")[0]] += seconds
            spans[log.stem] = (first, last, busy)
    first = min(s[0] for s in spans.values())
    last = max(s[1] for s in spans.values())
    during = [(a, b) for a, b in zip(samples, samples[1:]) if a[0] >= first and b[0] <= last]
    idle = sum((b[1] - a[1]) / max(b[2] - a[2], 1) * os.cpu_count() * (b[0] - a[0]) for a, b in during)
    output.seek(0)
    print(f"{re.sub(r'=+', '', output.read().strip().splitlines()[-1]).strip()}; wall {wall:.1f} s; "
          f"first test after {first - start:.1f} s, last ended {start + wall - last:.1f} s before the end")
    for name, (a, b, busy) in sorted(spans.items()):
        print(f"{name}: ran tests from {a - start:.0f} s to {b - start:.0f} s, {busy:.0f} s of them in a test")
    print(f"idle core-seconds while tests ran: {idle:.0f} of {os.cpu_count() * (last - first):.0f}")
    print("module | worker seconds")
    for module, seconds in modules.most_common(12):
        print(f"{module} | {seconds:.0f} s")
    busy = sum(s[2] for s in spans.values())
    cleaning = sum(cleanings)
    median = sorted(cleanings)[len(cleanings) // 2] if cleanings else 0.0
    print(f"run_clean in the pytest processes: {len(cleanings)} calls, {cleaning:.0f} s "
          f"({100 * cleaning / max(busy, 1):.0f}% of the worker seconds in a test), median {median:.2f} s a call")
    print("module | run_clean seconds")
    for module, seconds in cleaning_modules.most_common(6):
        print(f"{module} | {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="main", help="the commit or branch to compare with (default main)")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--by-process", action="store_true", help="this checkout's suite once, its CPU by process")
    parser.add_argument("--timeline", action="store_true", help="this checkout's suite once, how busy workers and "
                                                                "cores are")
    args = parser.parse_args()
    if args.by_process:
        return by_process()
    if args.timeline:
        return timeline()
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        base = Path(tmp) / "baseline"
        baseline_checkout(args.baseline, base)
        print("pair | baseline wall | baseline CPU | candidate wall | candidate CPU | wall ratio | CPU ratio")
        ratios = []
        for pair in range(1, args.pairs + 1):
            (bw, bc, bl), (cw, cc, cl) = suite(base), suite(ROOT)
            ratios.append((cw / bw, cc / bc))
            print(f"{pair} | {bw:.1f} s | {bc:.1f} s | {cw:.1f} s | {cc:.1f} s | {cw / bw:.2f}x | {cc / bc:.2f}x"
                  f"   ({bl}; {cl})", flush=True)
        walls, cpus = sorted(r[0] for r in ratios), sorted(r[1] for r in ratios)
        print(f"median ratios: wall {walls[len(walls) // 2]:.2f}x, CPU {cpus[len(cpus) // 2]:.2f}x; "
              f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
