"""Run every hostile input of issue 13 through the real CLI and print exit code, time and peak memory.

    .venv/bin/python benchmarks/hostile_inputs.py [--keep DIR] [--only SUBSTRING]

Each case runs in a fresh ``seamline`` process under a watchdog (killed past 60 s or 2 GB, so a regression
cannot take the machine down). The goal per case: exit 2 with a message naming the file and the problem
(or exit 0 with a correct answer where the input is valid), within 30 s and 1 GB peak RSS, with no traceback,
no "internal error" and no NaN or Infinity in the output. The last case kills a pool worker in the middle of
a ``seamline scan`` and counts the records. The hostile documents come from
``scripts/make_hostile_documents.py``; the structured files are written here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from harness import HOSTILE_SCRIPT, ROOT, SEAMLINE, hostile_corpus, run_measured

GOAL_SECONDS = 30.0
GOAL_RSS_MB = 1024.0
WATCHDOG_SECONDS = 60.0
WATCHDOG_RSS_MB = 2048.0

SITUATION = """\
name: {name}
stage: {stage}
work: {{type: product_development, core: true, scope: evolving, duration_months: 6, engineers: {engineers}}}
team: {{technical_leadership: strong, product_manager: false}}
preferences: {{involvement: daily_direction, pricing: monthly_retainer, ip_in_house: true,
  share_business_context: true}}
{extra}
"""


def situation(name: str = "Hostile", stage: str = "pre_seed", engineers: str = "2", extra: str = "") -> str:
    return SITUATION.format(name=name, stage=stage, engineers=engineers, extra=extra)


def alias_bomb(levels: int = 9) -> str:
    """The 'billion laughs': each anchor lists the previous one nine times."""
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join(f"*a{i - 1}" for _ in range(9)) + "]")
    return "\n".join(lines)


@dataclass
class Outcome:
    case: str
    code: int
    seconds: float
    rss_mb: float
    message: str
    ok: bool
    why: str


def judge(case: str, args: list[str], cwd: Path, expect: int, must_say: str = "") -> Outcome:
    run = run_measured(args, cwd, watchdog_seconds=WATCHDOG_SECONDS, watchdog_mb=WATCHDOG_RSS_MB)
    code, seconds, rss, stdout, stderr = run.code, run.seconds, run.rss_mb, run.stdout, run.stderr
    text = stdout + stderr
    message = (stderr.strip().splitlines() or stdout.strip().splitlines() or [""])[0][:110]
    problems = []
    if code != expect:
        problems.append(f"exit {code}, expected {expect}")
    if "Traceback" in text or "internal error" in text:
        problems.append("traceback or internal error")
    if any(bad in stdout for bad in ("NaN", "Infinity", "$nan", "$inf")):
        problems.append("NaN or Infinity in the output")
    if any(ch in text for ch in ("\x1b", "\x07", "\x9b", "\x9d")):
        problems.append("a raw escape sequence reached the terminal")
    if expect == 2 and must_say and must_say.lower() not in stderr.lower():
        problems.append(f"message does not mention {must_say!r}")
    if seconds > GOAL_SECONDS:
        problems.append(f"{seconds:.1f} s over {GOAL_SECONDS:.0f} s")
    if rss > GOAL_RSS_MB:
        problems.append(f"{rss:.0f} MB over {GOAL_RSS_MB:.0f} MB")
    return Outcome(case, code, seconds, rss, message, not problems, "; ".join(problems))


def structured_cases(folder: Path) -> list[tuple[str, list[str], int, str]]:
    """(case, command, expected exit code, a word the message must hold) for the structured inputs."""
    files: dict[str, str] = {
        "alias_bomb_stage.yaml": alias_bomb() + "\n" + situation(stage="*a9"),
        "alias_bomb_parameters.yaml": alias_bomb()
        + "\n"
        + situation(extra="costs:\n  parameters:\n    hiring_days: *a9"),
        "nested_25k.yaml": "[" * 25_000 + "]" * 25_000 + "\n",
        "deep_1000.json": "[" * 1000 + "]" * 1000,
        "list_key.yaml": situation(extra="? [a, b]\n: 1"),
        "map_key.yaml": situation(extra="? {a: 1}\n: 1"),
        "huge_int.yaml": situation(engineers="9" * 5000),
        "nan_weights.yaml": situation(extra="weights: {cost: .nan}"),
        "inf_weights.yaml": situation(extra="weights: {cost: .inf}"),
        "nan_fixed_bid.yaml": situation(extra="costs: {fixed_bid: .nan}"),
        "markup_name.yaml": situation(name='"Plan [/] [bold]B[/bold] [link=http://x]y[/link]"'),
        "escape_name.yaml": situation(name='"Plan \\e[2J\\e]8;;http://evil\\e\\\\click\\e]8;;\\e\\\\"'),
        "vendor_rates_inverted.yaml": "name: Inverted\nmodels: [staff_augmentation]\n"
        "rates: {currency: USD, hourly: {low: 90, high: 30}}\nanswers: {}\n",
        "vendor_markup_name.yaml": "name: '[/] Vendor [bold]'\nmodels: [staff_augmentation]\n"
        "answers: {attrition: '[red]Low[/red] turnover'}\n",
        "portfolio_alias_bomb.yaml": alias_bomb()
        + "\nname: P\nworkstreams:\n  - name: a\n    vendor: *a9\n    work: {type: product_development}\n",
        "portfolio_deep_model.yaml": "name: P\nworkstreams:\n  - name: a\n    model: "
        + "[" * 1000
        + "]" * 1000
        + "\n",
        "portfolio_markup_name.yaml": (ROOT / "examples/portfolio_scale_up.yaml")
        .read_text(encoding="utf-8")
        .replace("name: Core product", "name: '[/] Core [bold]product'"),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    s = SEAMLINE
    return [
        ("situation: alias bomb in stage", [s, "advise", "alias_bomb_stage.yaml"], 2, "alias"),
        ("costs.parameters: alias bomb", [s, "cost", "alias_bomb_parameters.yaml"], 2, "alias"),
        ("situation: 25,000 nested [", [s, "advise", "nested_25k.yaml"], 2, "nest"),
        ("situation: 1,000-deep JSON", [s, "advise", "deep_1000.json"], 2, "nest"),
        ("situation: a list as a key", [s, "advise", "list_key.yaml"], 2, "key"),
        ("situation: a map as a key", [s, "advise", "map_key.yaml"], 2, "key"),
        ("situation: a 5,000-digit integer", [s, "advise", "huge_int.yaml"], 2, "engineers"),
        ("weights: .nan", [s, "advise", "nan_weights.yaml", "--json"], 2, "weights"),
        ("weights: .inf", [s, "advise", "inf_weights.yaml"], 2, "weights"),
        ("costs.fixed_bid: .nan", [s, "cost", "nan_fixed_bid.yaml", "--json"], 2, "fixed_bid"),
        ("situation name with [/] (valid)", [s, "advise", "markup_name.yaml"], 0, ""),
        ("situation name with escapes (valid)", [s, "advise", "escape_name.yaml"], 0, ""),
        ("vendor rates low > high", [s, "vendors", "score", "vendor_rates_inverted.yaml"], 2, "rates"),
        ("vendor name with [/] (valid)", [s, "vendors", "score", "vendor_markup_name.yaml"], 0, ""),
        ("portfolio: alias bomb in vendor", [s, "portfolio", "portfolio_alias_bomb.yaml"], 2, "alias"),
        ("portfolio: 1,000-deep model", [s, "portfolio", "portfolio_deep_model.yaml"], 2, "nest"),
        ("workstream name with [/] (valid)", [s, "portfolio", "portfolio_markup_name.yaml"], 0, ""),
    ]


def document_cases(folder: Path) -> list[tuple[str, list[str], int, str]]:
    """Every document the corpus script writes, plus a FIFO and links to /dev/zero made here."""
    corpus = hostile_corpus()
    docs = folder / "documents"
    # written by a child process, so that this one stays small: a child's peak memory (from wait4)
    # starts from its parent's size at the fork
    subprocess.run(
        [sys.executable, str(HOSTILE_SCRIPT), str(docs)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    expectations = {
        name: (0 if case.expect == "ok" else 2, "" if case.expect == "ok" else case.words)
        for name, (_, case) in corpus.CASES.items()
    }
    os.mkfifo(docs / "fifo.txt")
    os.symlink("/dev/zero", docs / "zero.txt")
    expectations["fifo.txt"] = (2, "FIFO")
    expectations["zero.txt"] = (2, "device")
    cases = [
        (f"check {name}", [SEAMLINE, "check", str(docs / name)], code, says)
        for name, (code, says) in sorted(expectations.items())
    ]
    cases.append(("check /dev/zero", [SEAMLINE, "check", "/dev/zero"], 2, "device"))
    return cases


def killed_worker_scan(folder: Path, files: int = 300) -> Outcome:
    """Scan ``files`` documents on 2 workers, SIGKILL one worker mid-run; every file must appear once."""
    source = sorted((Path(ROOT).parent / "shared/data/cuad").rglob("*.txt"))[:20]
    docs = folder / "scan"
    docs.mkdir()
    for i in range(files):
        text = source[i % len(source)].read_text(encoding="utf-8", errors="replace")
        (docs / f"doc{i:04d}.txt").write_text(f"Copy {i}\n{text[:20_000]}", encoding="utf-8")
    out = folder / "scan.jsonl"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [SEAMLINE, "scan", str(docs), "--out", str(out), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    killed = False
    while proc.poll() is None and time.perf_counter() - start < WATCHDOG_SECONDS * 3:
        lines = out.read_text(encoding="utf-8").count("\n") if out.exists() else 0
        if not killed and lines >= files // 3:
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            if children:
                os.kill(int(children[0]), signal.SIGKILL)
                killed = True
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        return Outcome("scan with a killed worker", -9, time.perf_counter() - start, 0, "hung", False, "hung")
    seconds = time.perf_counter() - start
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    paths = [r["path"] for r in records]
    errors = [r for r in records if "error" in r]
    once = len(paths) == files and len(set(paths)) == files
    why = "" if once and killed else f"{len(paths)} records, {len(set(paths))} distinct, killed={killed}"
    message = f"{len(paths)} records for {files} files, {len(errors)} errors"
    if errors:
        message += f": {errors[0]['error'][:60]}"
    return Outcome("scan with a killed worker", proc.returncode, seconds, 0, message, not why, why)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--keep", type=Path, help="write the cases here and keep them")
    parser.add_argument("--only", default="", help="run only the cases whose name holds this text")
    opts = parser.parse_args()
    folder = opts.keep or Path(tempfile.mkdtemp(prefix="seamline-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        cases = structured_cases(folder)
        if not opts.only or "check" in opts.only.lower() or "." in opts.only:
            cases += document_cases(folder)
        outcomes = [
            judge(case, args, folder, expect, says)
            for case, args, expect, says in cases
            if opts.only.lower() in case.lower()
        ]
        if opts.only.lower() in "scan with a killed worker":
            outcomes.append(killed_worker_scan(folder))
    finally:
        if opts.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    width = max(len(o.case) for o in outcomes)
    print(f"{'case':<{width}}  exit  seconds  peak MB  verdict  message")
    for o in outcomes:
        verdict = "ok" if o.ok else "FAIL"
        print(f"{o.case:<{width}}  {o.code:>4}  {o.seconds:7.2f}  {o.rss_mb:7.0f}  {verdict:<7}  {o.message}")
        if not o.ok:
            print(f"{'':<{width}}  -> {o.why}")
    failed = sum(not o.ok for o in outcomes)
    worst_rss = max(o.rss_mb for o in outcomes)
    worst_time = max(o.seconds for o in outcomes)
    print(
        f"\n{len(outcomes) - failed} of {len(outcomes)} cases meet the goal; "
        f"worst peak {worst_rss:.0f} MB, slowest {worst_time:.1f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
