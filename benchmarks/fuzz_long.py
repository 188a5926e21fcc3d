"""A long fuzz run: the properties of tests/test_fuzz_stages.py with many more
examples and a fresh random seed each run, plus (with --heavy) the generated
huge cases through every usable stage, timed.

    python benchmarks/fuzz_long.py                    # 2,000 examples a property
    python benchmarks/fuzz_long.py --examples 20000 --seed 7 --heavy

Prints one line per property (examples, seconds, ok or the shrunk failing
input and its error) and exits 1 if any property failed. Hypothesis keeps
failing examples in .hypothesis/, so the CI run replays them afterwards.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.hostile import generate, properties  # noqa: E402
from tests.hostile.stages import usable_stages  # noqa: E402
from tests.hostile.strategies import articles, number_phrases  # noqa: E402


def run_property(name, check, examples: int, run_seed: int, max_pieces: int,
                 dense: bool = False) -> bool:
    count = 0
    strategy = number_phrases(max_pieces) if dense else articles(max_pieces=max_pieces)

    @seed(run_seed)
    @settings(max_examples=examples, deadline=None, database=None, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def prop(text):
        nonlocal count
        count += 1
        check(text)

    started = time.perf_counter()
    try:
        prop()
        ok, detail = True, "ok"
    except Exception as exc:  # noqa: BLE001 - the report is the point
        ok = False
        detail = "FAILED\n" + "".join(traceback.format_exception_only(exc)).strip()
    print(f"{name:<40} {count:>7} examples {time.perf_counter() - started:8.1f} s  {detail}",
          flush=True)
    return ok


def run_heavy(stages: tuple[str, ...], big_mb: int) -> bool:
    """The generated huge cases through the CLI with every usable stage, timed."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        expected = {**generate.write_all(folder), **generate.write_heavy(folder, big_mb)}
        out = Path(tmp) / "out.jsonl"
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pipeline", "annotate", str(folder), "-o",
                               str(out), "--no-progress", "--stages", ",".join(stages)],
                              cwd=REPO, capture_output=True)
        seconds = time.perf_counter() - started
        stderr = proc.stderr.decode("utf-8", "replace")
        got = [line for line in out.read_bytes().decode("utf-8").split("\n") if line] \
            if out.exists() else []
        want = sum(len(v) for v in expected.values())
        ok = proc.returncode == 1 and len(got) == want and "Traceback" not in stderr
        print(f"{'heavy cases via CLI (' + '+'.join(stages) + ')':<40} {want:>7} articles "
              f"{seconds:8.1f} s  {'ok' if ok else 'FAILED'}: {stderr.strip()[-300:]}")
        return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="examples per property")
    parser.add_argument("--seed", type=int, default=None, help="default: a random seed")
    parser.add_argument("--max-pieces", type=int, default=200,
                        help="words per generated article (CI uses 60)")
    parser.add_argument("--heavy", action="store_true",
                        help="also run the generated huge cases through every usable stage")
    parser.add_argument("--big-mb", type=int, default=20)
    args = parser.parse_args()
    run_seed = args.seed if args.seed is not None else random.randrange(2**32)
    stages = usable_stages()
    print(f"seed {run_seed}; stages that build here: {', '.join(stages)}")
    checks = [("tokenizer + sentence splitter", properties.tokenizer_and_splitter),
              ("normalizer offset map", properties.normalizer)]
    checks += [(f"stages {'+'.join(stages[:i])}",
                lambda text, names=stages[:i]: properties.stage_chain(names, text))
               for i in range(2, len(stages) + 1)]
    checks.append(("whole pipeline -> output line",
                   lambda text: properties.output_line(stages, text)))
    ok = all([run_property(name, check, args.examples, run_seed, args.max_pieces)
              for name, check in checks])
    ok = run_property("number-dense text -> output line",
                      lambda text: properties.output_line(stages, text), args.examples,
                      run_seed, args.max_pieces, dense=True) and ok
    if args.heavy:
        ok = run_heavy(stages, args.big_mb) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
