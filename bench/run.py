"""Side-by-side speed benchmark: writes latest.json and latest.md into _build/bench/ (or --output).

Everything is measured in one run, on this machine, in throw-away copies of the repository (the
checkout's `_build/` and `data/` are never touched), so the ratios compare like with like even when the
machine is busy; each figure carries the load average read when it was taken.

- floor: every chapter's code cells in one Python process, no book machinery (bench/floor.py);
- baseline: a cold `make book` executing one notebook at a time (BOOK_EXECUTION_JOBS=1, Jupyter Book's
  default way), and the cold `make book` as the book ships; the ratios cold/baseline and cold/floor (with
  --repeat, the three are run in turns, round after round, and each figure is the median of its runs);
- rebuilds on that copy: no change, a prose-only edit of one chapter, one data file edited (then rehashed);
- `make test` in fresh copies of the built copy (PDFs not yet printed; median of the runs), with pytest's slowest
  tests, then `make test-fast` (no build; median of as many runs, one after the other in the built copy);
- page weight and the time until every chart of a page is drawn in headless Chromium (bench/pages.py);
- scale: validation, regional aggregates and network measures on the data ×1, ×10, ×100 (bench/scale.py).

Usage: python bench/run.py [--quick] [--skip-baseline] [--skip-tests] [--skip-browser] [--skip-scale]
                           [--scale 1,10,100] [--repeat N]
`make bench` runs it with BENCH_ARGS. The targets are checked here, never in the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from analysis.contract.env import EXECUTION_JOBS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "_build" / "bench"  # `make bench RECORD=1` writes bench/results/ (tracked) instead
VENV_BIN = Path(sys.executable).parent
PROSE_CHAPTER = "book/regions/mauricie.md"
DATA_EDIT = ("ties.csv", "note")  # the table and column the data-edit rebuild changes in the copy
sys.path.insert(0, str(ROOT / "bench"))


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def env_for(repo: Path, **extra: str | None) -> dict[str, str]:
    # The editable install points `analysis` at the checkout; the kernels and tests use the copy's.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")]))}
    env.pop(EXECUTION_JOBS, None)
    # the copy's make starts as typed, not as a child of `make bench RECORD=1` (make exports RECORD)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "RECORD"):
        env.pop(name, None)
    for key, value in extra.items():
        if value is not None:
            env[key] = value
    return env


class Seconds(float):
    """Wall-clock seconds of a command, carrying the CPU seconds (user + system) it and its children used."""

    cpu: float | None = None
    returncode: int = 0


def count_orphans() -> None:
    """Make this process the reaper of the commands' orphans (Chromium's renderers, a kernel's children), so
    that RUSAGE_CHILDREN counts their CPU too (Linux; elsewhere they go uncounted, as before)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap_orphans() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run(cmd: list[str], cwd: Path, env: dict | None = None, capture: bool = False,
        check: bool = True) -> tuple[float, str]:
    """Run a command; when `check`, fail loudly with its output if it fails; return (seconds, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env or env_for(cwd), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = Seconds(round(time.perf_counter() - start, 2))
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds.cpu = round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2)
    seconds.returncode = done.returncode
    if check and done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-40:])
        raise SystemExit(f"benchmark step failed ({' '.join(cmd)} in {cwd}, exit {done.returncode}):\n{tail}")
    return seconds, done.stdout if capture else ""


def figure(seconds: float | list[float]) -> dict:
    """Wall-clock seconds (median of the runs), the CPU seconds they used, and the load average now.

    CPU seconds count the command and every process it started (kernels, Chromium; see count_orphans): on a busy
    machine they move much less than wall-clock time, so compare them when the load is high.
    """
    values = seconds if isinstance(seconds, list) else [seconds]
    middle = sorted(values)[len(values) // 2]
    return {"seconds": round(statistics.median(values), 2), "cpu_seconds": getattr(middle, "cpu", None),
            "runs": [float(v) for v in values], "load": load()}


def install_stamp() -> str:
    """The file `make install` leaves in .venv; `make -o` it so a copy never reinstalls."""
    digest = hashlib.sha256((ROOT / "requirements.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    return f".venv/.installed-{digest.hexdigest()[:12]}"


def scratch_copy() -> Path:
    target = Path(tempfile.mkdtemp(prefix="alliances-bench-")) / "repo"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__",
                                                                ".jupyter_cache", ".pytest_cache", ".ruff_cache"))
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def built_copy(repo: Path) -> Path:
    """A copy of a built scratch checkout, its build included, in a scratch folder of its own."""
    target = Path(tempfile.mkdtemp(prefix="alliances-bench-")) / "repo"
    shutil.copytree(repo, target, symlinks=True)  # .venv stays a link to the checkout's environment
    return target


def make(repo: Path, target: str, capture: bool = False, check: bool = True,
         **env: str | None) -> tuple[float, str]:
    command = ["make", "--no-print-directory", "-o", install_stamp(), target]
    return run(command, repo, env_for(repo, **env), capture, check)


def pytest_args() -> str:
    """The PYTEST_ARGS default of the Makefile, so pytest runs as `make test` runs it."""
    match = re.search(r"^PYTEST_ARGS\s*\?=(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return match.group(1).strip() if match else ""


def edit_prose(repo: Path) -> None:
    """Add one sentence of prose (no code cell) at the end of a chapter."""
    path = repo / PROSE_CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + "\nPhrase ajoutée par le banc d'essai.\n", encoding="utf-8")


def edit_data(repo: Path) -> None:
    """Change one cell of one data file in the copy, then re-record its hash there."""
    table, column = DATA_EDIT
    path = repo / "data" / table
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    import csv
    import io

    rows = list(csv.reader(io.StringIO("".join(lines))))
    col = rows[0].index(column)
    rows[1][col] = (rows[1][col] + " Précision ajoutée par le banc d'essai.").strip()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    run([sys.executable, "-m", "analysis", "rehash", "data"], repo)


PYTEST_SUMMARY = re.compile(r"^=* ?(\d+ (?:passed|failed|error).*?) in ([\d.]+)s", re.MULTILINE)


def median_output(runs: list[tuple[Seconds, str]]) -> tuple[str, list[tuple[str, str]]]:
    """The output of the median run (by wall-clock time), and the pytest summaries in it: (counts, seconds)."""
    text = sorted(runs, key=lambda run: run[0])[len(runs) // 2][1]
    return text, PYTEST_SUMMARY.findall(text)


def slowest_tests(output: str) -> list[dict]:
    found = re.findall(r"^(\d+\.\d+)s (call|setup|teardown)\s+(\S+)", output, re.MULTILINE)
    return [{"seconds": float(s), "phase": phase, "test": name} for s, phase, name in found]


def measure(args) -> dict:
    out: dict = {}
    # The floor, the baseline and the cold build are run in turns, round after round, so the machine's slower and
    # quicker spells fall on all three alike: their ratios are what the targets judge.
    floor_repo = scratch_copy()
    floors, baselines, cold, repo = [], [], [], None
    for _ in range(args.repeat):
        seconds, text = run([sys.executable, str(floor_repo / "bench" / "floor.py"), str(floor_repo)], floor_repo,
                            capture=True)
        floors.append(seconds)
        detail = json.loads(text.strip().splitlines()[-1])
        if not args.skip_baseline:
            copy = scratch_copy()
            baselines.append(make(copy, "book", BOOK_EXECUTION_JOBS="1")[0])
            shutil.rmtree(copy.parent)
        if repo is not None:
            shutil.rmtree(repo.parent)
        repo = scratch_copy()
        cold.append(make(repo, "book")[0])
    shutil.rmtree(floor_repo.parent)
    out["floor"] = {**figure(floors), "chapters": detail["chapters"], "cells": detail["cells"],
                    "seconds_per_chapter": detail["seconds_per_chapter"]}
    print(f"floor: {out['floor']['seconds']} s", flush=True)
    if baselines:
        out["baseline_cold_build"] = figure(baselines)
        print(f"baseline: {out['baseline_cold_build']['seconds']} s", flush=True)
    out["cold_build"] = figure(cold)
    print(f"cold: {out['cold_build']['seconds']} s", flush=True)
    out["no_change_rebuild"] = figure([make(repo, "book")[0] for _ in range(max(3, args.repeat))])
    if not args.skip_tests:
        # Each run in a copy of the built checkout, as `make test` first meets it (the PDFs not yet printed); the
        # median run's figures are kept, every run's time is listed. A failing test is recorded (exit code,
        # summary), not fatal: the other figures still count.
        tests = []
        for _ in range(args.repeat):
            copy = built_copy(repo)
            tests.append(make(copy, "test", capture=True, check=False,
                              PYTEST_ARGS=f"{pytest_args()} --durations=15"))
            shutil.rmtree(copy.parent)
        text, passed = median_output(tests)
        # make test runs pytest twice: the browser checks followed by the PDFs' tests, then the other tests
        runs = "; ".join(f"{n} in {s} s" for n, s in passed)
        out["make_test"] = {**figure([run[0] for run in tests]), "pytest_summary": runs or None,
                            "pytest_seconds": round(sum(float(s) for _, s in passed), 2) if passed else None,
                            "exit_code": max(run[0].returncode for run in tests), "slowest": slowest_tests(text),
                            "cpu_seconds_per_run": [run[0].cpu for run in tests],
                            "failures": [line for _, out_text in tests for line in
                                         re.findall(r"^(?:FAILED|ERROR) (.*)$", out_text, re.MULTILINE)][:20]}
        print(f"make test: {out['make_test']['seconds']} s, runs {out['make_test']['runs']} "
              f"({out['make_test']['pytest_summary']})", flush=True)
        # In the built checkout, as a developer runs it again and again (the first run also compiles the tests'
        # bytecode); the median run's figures are kept, every run's time is listed.
        fast = [make(repo, "test-fast", capture=True, check=False) for _ in range(args.repeat)]
        _, passed = median_output(fast)
        out["make_test_fast"] = {**figure([run[0] for run in fast]),
                                 "pytest_summary": passed[-1][0] if passed else None,
                                 "exit_code": max(run[0].returncode for run in fast)}
        print(f"make test-fast: {out['make_test_fast']['seconds']} s, runs {out['make_test_fast']['runs']} "
              f"({out['make_test_fast']['pytest_summary']})", flush=True)

    import pages

    html = repo / "_build" / "html"
    out["page_weight"] = {**pages.weight(html), "load": load()}
    if not args.skip_browser:
        out["charts_drawn"] = {**pages.draw_times(html), "load": load()}
        print(f"charts drawn: median {out['charts_drawn']['median_ms']} ms", flush=True)
    edit_prose(repo)
    out["prose_edit_rebuild"] = figure(make(repo, "book")[0])
    edit_data(repo)
    out["data_edit_rebuild"] = figure(make(repo, "book")[0])
    print("rebuilds: " + ", ".join(f"{k} {out[k]['seconds']} s" for k in
                                   ("no_change_rebuild", "prose_edit_rebuild", "data_edit_rebuild")), flush=True)
    shutil.rmtree(repo.parent)

    if not args.skip_scale:
        import scale

        factors = tuple(int(f) for f in args.scale.split(","))
        out["scale"] = {**scale.measure(factors, timeout=args.scale_timeout), "load": load()}
        print(f"scale: {json.dumps(out['scale']['growth_exponent'])}", flush=True)
    return out


def ratio(a: dict | None, b: dict | None, key: str = "seconds") -> float | None:
    if not a or not b or not b.get(key) or a.get(key) is None:
        return None
    return round(a[key] / b[key], 2)


def targets(m: dict) -> list[dict]:
    """Each target with its measured value; met is None when the figure was skipped."""
    def row(name, value, limit, unit, met=None):
        ok = None if value is None else (value <= limit if met is None else met)
        return {"target": name, "value": value, "limit": limit, "unit": unit, "met": ok}

    scale = m.get("scale", {})
    biggest = scale.get("by_factor", {}).get(f"x{max(scale.get('factors', [0]))}", {}) if scale else {}
    exponent = scale.get("growth_exponent", {}).get("cpu_total_largest_step") if scale else None
    big = biggest.get("total") if scale and max(scale["factors"]) >= 100 else None
    return [
        row("cold build / floor", m["ratios"]["cold_over_floor"], 3.0, "×"),
        row("cold build / baseline (one notebook at a time)", m["ratios"]["cold_over_baseline"], 0.4, "×"),
        row("no-change `make book`", m["no_change_rebuild"]["seconds"], 2.0, "s"),
        row("`make test` on a built checkout (and passing)", m.get("make_test", {}).get("seconds"), 90.0, "s",
            None if not m.get("make_test") else
            m["make_test"]["seconds"] <= 90 and m["make_test"].get("exit_code") == 0),
        row("`make test-fast` (no build; and passing)", m.get("make_test_fast", {}).get("seconds"), 20.0, "s",
            None if not m.get("make_test_fast") else
            m["make_test_fast"]["seconds"] <= 20 and m["make_test_fast"].get("exit_code") == 0),
        row("median page: every chart drawn", (m.get("charts_drawn") or {}).get("median_ms"), 1000, "ms"),
        row("data ×100: validation + aggregates + networks", big, 10.0, "s"),
        row("data growth exponent, CPU, ×10→×100 (≤ 1.2: near-linear)", exponent, 1.2, ""),
    ]


def markdown(summary: dict) -> str:
    m = summary["figures"]

    def sec(key):
        f = m.get(key)
        return "skipped" if not f else f"{f['seconds']} s, CPU {f['cpu_seconds']} s (load {f['load'][0]})"

    machine = summary["machine"]
    lines = [
        "# Benchmark: latest run",
        "",
        f"Run at {summary['finished']} on {machine['cpus']} CPUs, Python {machine['python']}; "
        f"load average at start {machine['load_at_start']}, at end {machine['load_at_end']}. "
        "Timings are wall-clock seconds measured in one run; ratios compare figures of the same run, so they "
        "hold better than absolute times when the machine is busy. Written by `make bench` (bench/run.py).",
        "",
        "## Targets",
        "",
        "| Target | Measured | Limit | |",
        "|---|---|---|---|",
    ]
    for t in summary["targets"]:
        verdict = "skipped" if t["met"] is None else ("met" if t["met"] else "**not met**")
        value = "—" if t["value"] is None else f"{t['value']} {t['unit']}".strip()
        lines.append(f"| {t['target']} | {value} | {t['limit']} {t['unit']} | {verdict} |".replace("  |", " |"))
    r = m["ratios"]
    lines += [
        "",
        "## Builds",
        "",
        "| Figure | Time | Ratio |",
        "|---|---|---|",
        f"| floor: every chapter's code in one process ({m['floor']['chapters']} chapters, "
        f"{m['floor']['cells']} cells) | {sec('floor')} | 1 |",
        f"| cold `make book` (parallel pre-execution) | {sec('cold_build')} | {r['cold_over_floor']}× floor "
        f"(CPU: {r['cpu_cold_over_floor']}×) |",
        f"| baseline: cold `make book`, one notebook at a time | {sec('baseline_cold_build')} | "
        f"cold = {r['cold_over_baseline']}× baseline (CPU: {r['cpu_cold_over_baseline']}×) |",
        f"| no-change `make book` | {sec('no_change_rebuild')} | |",
        f"| prose-only edit of `{PROSE_CHAPTER}` | {sec('prose_edit_rebuild')} | |",
        f"| one data file edited (`data/{DATA_EDIT[0]}`, rehashed) | {sec('data_edit_rebuild')} | |",
    ]
    if m.get("make_test"):
        t = m["make_test"]
        status = "passed" if t.get("exit_code") == 0 else f"**failed** (exit {t.get('exit_code')}: " \
            + (", ".join(t.get("failures") or []) or "see `make test`") + ")"
        lines += ["", "## Tests", "", f"`make test` on a built checkout: {sec('make_test')}, {status}; "
                  f"each run in a fresh copy: {', '.join(f'{r} s' for r in t['runs'])} "
                  f"(CPU {', '.join(f'{c} s' for c in t.get('cpu_seconds_per_run', []))}); "
                  f"pytest in the median run: {t['pytest_summary']}. Slowest, outside the browser checks:", "",
                  "| Seconds | Phase | Test |", "|---|---|---|"]
        lines += [f"| {s['seconds']} | {s['phase']} | `{s['test']}` |" for s in t["slowest"][:15]]
    if m.get("make_test_fast"):
        t = m["make_test_fast"]
        status = "passed" if t.get("exit_code") == 0 else f"**failed** (exit {t.get('exit_code')})"
        lines += ["", f"`make test-fast` (no build): {sec('make_test_fast')}, {status}; "
                  f"runs in the built checkout, one after the other: {', '.join(f'{r} s' for r in t['runs'])}; "
                  f"pytest in the median run: {t['pytest_summary']}."]
    w = m["page_weight"]
    lines += ["", "## Pages", "",
              f"{w['pages']} pages; {w['shared_assets']} assets shared by several pages weigh "
              f"{w['shared_bytes'] / 1e6:.2f} MB in all (downloaded once). A page's own weight (HTML + assets "
              f"only it uses): median {w['median_page_bytes'] / 1e3:.0f} kB, largest "
              f"{w['largest_page_bytes'] / 1e3:.0f} kB (`{w['largest_page']}`)."]
    c = m.get("charts_drawn")
    if c:
        lines += ["", f"Every chart drawn in headless Chromium ({c['pages_with_charts']} pages with charts, warm "
                  f"HTTP cache): median {c['median_ms']} ms, max {c['max_ms']} ms (`{c['slowest_page']}`); "
                  f"not drawn: {c['not_drawn'] or 'none'}; load {c['load'][0]}. For comparison, the median page's "
                  f"DOMContentLoaded (its own scripts run, before any chart) came at "
                  f"{c.get('median_dom_content_loaded_ms')} ms."]
    s = m.get("scale")
    if s:
        lines += ["", "## Scale", "", "| Data | Rows | Validation | Regional aggregates | Networks | Total | "
                  "Problems |", "|---|---|---|---|---|---|---|"]
        for f in s["factors"]:
            b = s["by_factor"].get(f"x{f}", {})
            if "error" in b or not b:
                lines.append(f"| ×{f} | | | | | {b.get('error', 'not run')} | |")
                continue
            lines.append(f"| ×{f} | {b['rows']} | {b['validate']} s | {b['regions']} s | {b['networks']} s | "
                         f"{b['total']} s | {b['validation_problems']} |")
        g = s["growth_exponent"]
        lines.append(f"| growth exponent, wall (fit over all sizes) | | {g['validate']} | {g['regions']} | "
                     f"{g['networks']} | {g['total']} | |")
        lines.append(f"| growth exponent, CPU, two largest sizes | | {g.get('cpu_validate_largest_step')} | "
                     f"{g.get('cpu_regions_largest_step')} | {g.get('cpu_networks_largest_step')} | "
                     f"{g.get('cpu_total_largest_step')} | |")
        lines += ["", "CPU seconds per size (validation / aggregates / networks): " + "; ".join(
            f"×{f}: {b['cpu']['validate']} / {b['cpu']['regions']} / {b['cpu']['networks']}"
            for f in s["factors"] if "cpu" in (b := s["by_factor"].get(f"x{f}", {}))) + "."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of floor, baseline and cold build; runs of make test and test-fast (median)")
    parser.add_argument("--quick", action="store_true",
                        help="no baseline, no make test, no browser, scale ×1 and ×10 only")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-tests", action="store_true", help="no `make test`")
    parser.add_argument("--skip-browser", action="store_true", help="no chart timing in Chromium")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--scale", default="1,10,100", help="data scale factors, comma-separated")
    parser.add_argument("--scale-timeout", type=float, default=900, help="seconds allowed per scale factor")
    parser.add_argument("--output", type=Path, default=RESULTS, help="folder for latest.json and latest.md")
    args = parser.parse_args()
    if args.quick:
        args.skip_baseline = args.skip_tests = args.skip_browser = True
        args.scale = "1,10"
    started = load()
    count_orphans()
    figures = measure(args)
    cold, floor, baseline = figures.get("cold_build"), figures.get("floor"), figures.get("baseline_cold_build")
    figures["ratios"] = {"cold_over_floor": ratio(cold, floor), "cold_over_baseline": ratio(cold, baseline),
                         "cpu_cold_over_floor": ratio(cold, floor, "cpu_seconds"),
                         "cpu_cold_over_baseline": ratio(cold, baseline, "cpu_seconds")}
    summary = {
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform(),
                    "load_at_start": started, "load_at_end": load()},
        "options": {k: v for k, v in vars(args).items() if k != "output"},
        "figures": figures,
    }
    summary["targets"] = targets(figures)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "latest.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    (args.output / "latest.md").write_text(markdown(summary), encoding="utf-8")
    print(markdown(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
