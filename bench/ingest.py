"""Benchmark of `alignkit.data.ingest` against a straightforward pandas implementation.

Makes N synthetic TRL preference pairs (default 1,000,000; seeded), runs alignkit's full ingest
pipeline on them, then a plain pandas version of the same steps (read JSONL, validate, exact
dedup, seeded prompt-grouped split, write train/eval/test/dropped JSONL and a JSON report) on
the same file, checks that both keep and drop the same rows for the same reasons, and prints
wall time, peak RSS and the pandas/alignkit ratio against the goals:

    alignkit wall <= 15 s, alignkit peak RSS <= 3 GB, pandas/alignkit wall >= 5x

Run it with `.venv/bin/python bench/ingest.py` (or `make bench`); see bench/README.md.
It exits 0 when a goal is missed (it is a benchmark, not a test) and 1 only when the two
implementations disagree on the kept/dropped counts or one of them fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import forked  # bench/harness.py (a script's own folder is on sys.path)

# The parent process imports only the standard library: polars (and therefore alignkit),
# pandas and numpy are imported inside the forked children, so no child inherits a polars
# thread pool started before fork (which can deadlock) or the memory of another stage.

GOAL_WALL_S = 15.0
GOAL_PEAK_RSS = 3e9  # bytes ("3 GB", decimal: the stricter reading)
GOAL_RATIO = 5.0
SEED = 42
GENERATOR_VERSION = 2  # bump when the generated data changes (cached inputs are named by it)

TEXTS = ("prompt", "chosen", "rejected")
SPLITS = ("train", "eval", "test")
RATIOS = (0.9, 0.05, 0.05)
MIN_PROMPT_TOKS, MAX_PROMPT_TOKS = 3, 2048  # alignkit's defaults
CHARS_PER_TOKEN = 4

# Shares of the bad rows the generator plants (of all rows), and what the pipeline must do.
SHARES = {
    "duplicate": 0.010,  # an exact copy of an earlier or later clean pair
    "identical": 0.005,  # chosen == rejected (half of them differ by surrounding whitespace)
    "empty_prompt": 0.005,  # "", whitespace, NBSP, ideographic space
    "short_prompt": 0.002,  # under 3 approx. tokens (<= 8 stripped characters)
    "missing": 0.0006,  # a JSON null in prompt, chosen or rejected
    "empty_response": 0.0004,  # "" or whitespace in chosen or rejected
    "long_prompt": 0.0001,  # over 2048 approx. tokens
    "swapped": 0.001,  # a clean pair with chosen/rejected exchanged (kept; a contradiction)
    "near_duplicate": 0.0005,  # a clean pair with a trailing space added (kept: not exact)
}

WORDS = """
the a of to and in is that it for on with as was at by an be this from or have not are
you your we they can will would should could may might must data model answer question
example system user time people way day world life work part number group problem fact
water energy market money health school city country history science music language book
story code function value table file network light power change result reason method test
idea plan team project design process report policy price cost rate level area field
simple quick small large early late common clear strong important different possible
explain describe compare improve build write read learn teach use make take give find
because however therefore although while when where which who what how why also only
very often usually never always sometimes first second next last finally then again
""".split()
UNICODE_WORDS = [
    "café",
    "naïve",
    "über",
    "résumé",
    "München",
    "ñandú",
    "日本語",
    "中文",
    "Москва",
    "Ελλάδα",
    "🙂",
    "🚀",
    "👍🏽",
    "👩‍💻",
    "∑",
    "→",
]
OPENERS = [
    "Explain",
    "Summarize",
    "Describe",
    "Compare",
    "Write a short story about",
    "Give three tips on",
    "What is the difference between",
    "Can you help me understand",
    "List the pros and cons of",
    "Write a poem about",
    "How would you teach",
    "Why do people argue about",
    "Draft an email about",
    "Outline a plan for",
    "Translate into French:",
    "Critique this claim about",
]
NOUNS = sorted(
    set(
        """cats dogs taxes rivers bridges vaccines elections compilers databases gardens
        pianos volcanoes tides forests deserts batteries rockets satellites bees tomatoes coffee
        tea bread cheese chess football tennis marathons sleep dreams memory grammar poetry
        novels museums trains bicycles airports harbors glaciers earthquakes hurricanes rainbows
        magnets lasers microscopes telescopes galaxies comets atoms proteins enzymes viruses
        bacteria fungi mushrooms orchids cacti whales sharks octopuses penguins owls eagles
        ants termites spiders wolves horses camels elephants tigers pandas koalas kangaroos
        lions zebras giraffes rhinos hippos crocodiles turtles frogs salmon tuna coral reefs
        mangroves wetlands prairies canyons caves islands lakes oceans clouds storms winds snow
        ice fire smoke steel glass paper plastic cotton silk wool leather copper gold silver
        iron lithium uranium hydrogen oxygen carbon nitrogen helium neon wheat rice corn beans
        lentils olives grapes apples oranges bananas mangoes lemons spreadsheets algorithms
        recursion encryption passwords routers firewalls browsers keyboards printers cameras
        drones robots sensors""".split()
    )
)
CONNECTORS = ["and", "versus", "in the context of", "for beginners, using", "with", "without"]
EMPTY_PROMPTS = ["", " ", "   ", "\n", "\t\n ", "\u00a0", "\u3000 "]
SHORT_PROMPTS = ["Hi", "Why?", "ok", "Explain.", "  Help me  ", "🙂🙂", "Tell me", "Thanks!"]
EMPTY_RESPONSES = ["", " ", "\n\n"]


# --------------------------------------------------------------------------- data generation


def generate(path: Path, rows: int, seed: int) -> dict:
    """Write `rows` synthetic TRL preference pairs to `path` (JSONL) and return what was
    planted. Vectorised index draws with numpy; texts are slices of one seeded word corpus."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()

    # a corpus of ~2.5M characters: common words, ~2% unicode/emoji words, sentence ends
    vocab = WORDS + UNICODE_WORDS
    weights = np.full(len(vocab), 0.98 / len(WORDS))
    weights[len(WORDS) :] = 0.02 / len(UNICODE_WORDS)
    n_words = 400_000
    ids = rng.choice(len(vocab), size=n_words, p=weights)
    stops = rng.random(n_words) < 0.08
    tokens = [vocab[i] + "." if s else vocab[i] for i, s in zip(ids.tolist(), stops.tolist())]
    corpus = " ".join(tokens)
    word_len = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=n_words)
    word_start = np.concatenate([[0], np.cumsum(word_len + 1)[:-1]])
    word_end = word_start + word_len
    max_start = n_words - 200  # every slice below fits in the corpus

    def passages(count: int, lengths: np.ndarray) -> list[str]:
        """`count` corpus slices that start and end on word boundaries, about `lengths` long."""
        first = rng.integers(0, max_start, count)
        start = word_start[first]
        last = np.searchsorted(word_end, start + lengths, side="left")
        end = np.maximum(word_end[np.minimum(last, n_words - 1)], word_end[first])
        return [corpus[a:b] for a, b in zip(start.tolist(), end.tolist())]

    def skewed(count: int, low: int, high: int, power: float) -> np.ndarray:
        return (low + (high - low) * rng.random(count) ** power).astype(np.int64)

    # ~rows/4 distinct prompts: a unique (opener, noun, connector, noun) head + optional context
    n_prompts = max(1, rows // 4)
    combos = len(OPENERS) * len(NOUNS) * len(CONNECTORS) * len(NOUNS)
    pick = rng.choice(combos, size=n_prompts, replace=combos < n_prompts)
    o, rest = np.divmod(pick, len(NOUNS) * len(CONNECTORS) * len(NOUNS))
    a, rest = np.divmod(rest, len(CONNECTORS) * len(NOUNS))
    c, b = np.divmod(rest, len(NOUNS))
    has_context = rng.random(n_prompts) < 0.5
    context = passages(n_prompts, skewed(n_prompts, 20, 300, 2.0))
    prompts = [
        f"{OPENERS[oi]} {NOUNS[ai]} {CONNECTORS[ci]} {NOUNS[bi]}." + (f" {ctx}" if h else "")
        for oi, ai, ci, bi, h, ctx in zip(
            o.tolist(), a.tolist(), c.tolist(), b.tolist(), has_context.tolist(), context
        )
    ]
    # every prompt at least once, the rest drawn at random: several pairs per prompt
    pid = np.concatenate([np.arange(n_prompts), rng.integers(0, n_prompts, rows - n_prompts)])
    rng.shuffle(pid)
    prompt = [prompts[i] for i in pid.tolist()]
    chosen = passages(rows, skewed(rows, 20, 400, 3.0))
    rejected = passages(rows, skewed(rows, 20, 400, 3.0))

    # plant the bad rows on disjoint random positions; sources come from the clean rest
    order = rng.permutation(rows)
    planted: dict[str, np.ndarray] = {}
    at = 0
    for name, share in SHARES.items():
        k = int(round(rows * share))
        planted[name] = order[at : at + k]
        at += k
    clean = order[at:]

    def sources(k: int) -> list[int]:
        return rng.choice(clean, size=k, replace=False).tolist()

    for t, s in zip(planted["duplicate"].tolist(), sources(len(planted["duplicate"]))):
        prompt[t], chosen[t], rejected[t] = prompt[s], chosen[s], rejected[s]
    for t, s in zip(planted["swapped"].tolist(), sources(len(planted["swapped"]))):
        prompt[t], chosen[t], rejected[t] = prompt[s], rejected[s], chosen[s]
    for t, s in zip(planted["near_duplicate"].tolist(), sources(len(planted["near_duplicate"]))):
        prompt[t], chosen[t], rejected[t] = prompt[s], chosen[s] + " ", rejected[s]
    for j, t in enumerate(planted["identical"].tolist()):
        rejected[t] = chosen[t] if j % 2 == 0 else f" {chosen[t]}\n"
    for j, t in enumerate(planted["empty_prompt"].tolist()):
        prompt[t] = EMPTY_PROMPTS[j % len(EMPTY_PROMPTS)]
    for j, t in enumerate(planted["short_prompt"].tolist()):
        prompt[t] = SHORT_PROMPTS[j % len(SHORT_PROMPTS)]
    for j, t in enumerate(planted["missing"].tolist()):
        (prompt, chosen, rejected)[j % 3][t] = None
    for j, t in enumerate(planted["empty_response"].tolist()):
        (chosen, rejected)[j % 2][t] = EMPTY_RESPONSES[j % len(EMPTY_RESPONSES)]
    for t in planted["long_prompt"].tolist():
        prompt[t] = (prompt[t] + " ") * (8200 // max(len(prompt[t]), 1) + 1)

    frame = pl.DataFrame(
        {"prompt": prompt, "chosen": chosen, "rejected": rejected},
        schema={c: pl.String for c in TEXTS},
    )
    frame.write_ndjson(path)
    return {
        "rows": rows,
        "distinct_prompts": n_prompts,
        "planted": {k: len(v) for k, v in planted.items()},
        "bytes": path.stat().st_size,
        "seconds": round(time.perf_counter() - t0, 2),
    }


# --------------------------------------------------------------------------- implementations


def _rss_now() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_alignkit(inp: Path, out: Path, seed: int) -> dict:
    from alignkit.data import ingest

    rss0 = _rss_now()
    t0 = time.perf_counter()
    report = ingest(input=inp, output=out, shuffle_seed=seed)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "rss_after_import": rss0, "report": report}


def _split_counts(n: int) -> tuple[int, int, int]:
    """Prompts per split: exact counts from the ratios (the same rounding as alignkit)."""
    eval_n, test_n = round(n * RATIOS[1]), round(n * RATIOS[2])
    if n >= 3:
        eval_n, test_n = max(eval_n, 1), max(test_n, 1)
    eval_n = min(eval_n, n)
    test_n = min(test_n, n - eval_n)
    return n - eval_n - test_n, eval_n, test_n


def run_pandas(inp: Path, out: Path, seed: int) -> dict:
    """The same steps as a pandas user would write them."""
    import numpy as np
    import pandas as pd

    rss0 = _rss_now()
    timings: dict[str, float] = {}
    t0 = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    out.mkdir(parents=True, exist_ok=True)
    # dtype=False: keep every column as read (no guessing numbers out of text)
    df = pd.read_json(inp, lines=True, dtype=False)
    df["source"] = inp.name
    lap("read")

    # validation: the first failing rule names the reason
    stripped = {c: df[c].str.strip() for c in TEXTS}
    chars = {c: stripped[c].str.len() for c in TEXTS}
    prompt_toks = np.ceil(chars["prompt"] / CHARS_PER_TOKEN)
    conditions, choices = [], []
    for c in TEXTS:
        conditions += [df[c].isna(), (chars[c] == 0).fillna(False)]
        choices += [f"missing_{c}", f"empty_{c}"]
    conditions += [(prompt_toks < MIN_PROMPT_TOKS).fillna(False)]
    conditions += [(prompt_toks > MAX_PROMPT_TOKS).fillna(False)]
    conditions += [(stripped["chosen"] == stripped["rejected"]).fillna(False)]
    choices += ["prompt_too_short", "prompt_too_long", "identical_responses"]
    reason = pd.Series(
        np.select([np.asarray(m, dtype=bool) for m in conditions], choices, default=""),
        index=df.index,
    )
    valid = reason == ""
    # exact dedup on (prompt, chosen, rejected) among the valid rows, keeping the first
    dup = df.loc[valid].duplicated(subset=list(TEXTS), keep="first")
    reason.loc[dup.index[dup.to_numpy()]] = "duplicate"
    lap("validate")

    # split grouped by prompt: a seeded permutation of the distinct prompts, exact counts
    kept = df.loc[reason == ""].copy()
    prompts = kept["prompt"].unique()
    order = np.random.default_rng(seed).permutation(len(prompts))
    n_train, n_eval, _ = _split_counts(len(prompts))
    names = np.empty(len(prompts), dtype=object)
    names[order[:n_train]] = "train"
    names[order[n_train : n_train + n_eval]] = "eval"
    names[order[n_train + n_eval :]] = "test"
    kept["split"] = kept["prompt"].map(pd.Series(names, index=prompts))
    lap("split")

    columns = [*TEXTS, "source"]
    for split in SPLITS:
        part = kept.loc[kept["split"] == split, columns]
        part.to_json(out / f"{split}.jsonl", orient="records", lines=True, force_ascii=False)
    dropped = df.loc[reason != "", columns].assign(reason=reason[reason != ""])
    dropped = dropped.rename_axis("row").reset_index()
    dropped.to_json(out / "dropped.jsonl", orient="records", lines=True, force_ascii=False)
    lap("write")

    def stats(s: pd.Series) -> dict:
        return {
            "mean": round(float(s.mean()), 2),
            "min": int(s.min()),
            "p50": int(s.quantile(0.5, interpolation="nearest")),
            "p95": int(s.quantile(0.95, interpolation="nearest")),
            "max": int(s.max()),
        }

    kept_chars = {c: chars[c].loc[kept.index] for c in TEXTS}
    n = len(kept)
    pairs = kept[list(TEXTS)].drop_duplicates()
    swapped = pairs.rename(columns={"chosen": "rejected", "rejected": "chosen"})
    report = {
        "records": len(df),
        "kept": n,
        "dropped_total": int((reason != "").sum()),
        "dropped": {k: int(v) for k, v in reason[reason != ""].value_counts().items()},
        "splits": {s: int((kept["split"] == s).sum()) for s in SPLITS},
        "split_prompts": {s: int(kept.loc[kept["split"] == s, "prompt"].nunique()) for s in SPLITS},
        "lengths": {
            c: stats(np.ceil(kept_chars[c] / CHARS_PER_TOKEN).astype("int64")) for c in TEXTS
        },
        "length_bias": {
            "pairs": n,
            "chosen_longer_share": round(
                float((kept_chars["chosen"] > kept_chars["rejected"]).mean()), 4
            ),
            "chosen_shorter_share": round(
                float((kept_chars["chosen"] < kept_chars["rejected"]).mean()), 4
            ),
        },
        "contradictions": len(pairs.merge(swapped, on=list(TEXTS))),
    }
    with open(out / "schema_report.json", "w") as fh:
        json.dump(report, fh, indent=2)
    lap("report")
    wall = time.perf_counter() - t0
    report["timings_s"] = timings
    return {"wall_s": wall, "rss_after_import": rss0, "report": report}


# --------------------------------------------------------------------------- fork harness
#
# Why fork: ru_maxrss (getrusage RUSAGE_SELF) is a high-water mark for the whole process, so
# running both implementations in one process would report the larger of the two peaks for
# the second one (and the generator's for both). Each implementation therefore runs in its
# own child forked from this interpreter: same interpreter, same machine, same input file,
# started one after the other, and on Linux a forked child starts a fresh high-water mark (at
# its RSS at fork, a few MB here, since the parent holds only the standard library). The
# child's ru_maxrss at the end is its own peak, and includes importing polars/alignkit or
# pandas (reported separately as "RSS after import"). Sampling RSS with psutil in a thread
# could miss short spikes; the kernel's high-water mark cannot.


# --------------------------------------------------------------------------- report


def _gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


def _compare(ak: dict, pd_: dict) -> list[str]:
    """Mismatches in what must agree: kept count, dropped per reason, prompts per split."""
    problems = []
    if ak["kept"] != pd_["kept"]:
        problems.append(f"kept: alignkit {ak['kept']} vs pandas {pd_['kept']}")
    for r in sorted(set(ak["dropped"]) | set(pd_["dropped"])):
        a, p = ak["dropped"].get(r, 0), pd_["dropped"].get(r, 0)
        if a != p:
            problems.append(f"dropped[{r}]: alignkit {a} vs pandas {p}")
    if ak["split_prompts"] != pd_["split_prompts"]:
        problems.append(
            f"prompts per split: alignkit {ak['split_prompts']} vs pandas {pd_['split_prompts']}"
        )
    return problems


def _median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (the lower middle one for an even count), with the
    largest peak RSS of all runs."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    return {**ordered[(len(ordered) - 1) // 2], "peak_rss": max(r["peak_rss"] for r in runs)}


def _print_report(gen: dict, ak: dict, pdr: dict, problems: list[str]) -> bool:
    a, p = ak["report"], pdr["report"]
    ratio = pdr["wall_s"] / ak["wall_s"]
    goals = [
        (
            "alignkit wall",
            f"{ak['wall_s']:.2f} s",
            f"<= {GOAL_WALL_S:.0f} s",
            ak["wall_s"] <= GOAL_WALL_S,
        ),
        (
            "alignkit peak RSS",
            _gb(ak["peak_rss"]),
            f"<= {_gb(GOAL_PEAK_RSS)}",
            ak["peak_rss"] <= GOAL_PEAK_RSS,
        ),
        ("pandas / alignkit", f"{ratio:.2f}x", f">= {GOAL_RATIO:.0f}x", ratio >= GOAL_RATIO),
    ]
    w = 22
    print()
    print("=" * 78)
    print(f"alignkit ingest benchmark  (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print("=" * 78)
    print(
        f"{'input rows':<{w}} {gen['rows']:,}  ({gen['bytes'] / 1e6:.0f} MB JSONL, "
        f"{gen['distinct_prompts']:,} prompts before planting)"
    )
    print(f"{'order':<{w}} alignkit first, then pandas; each in its own forked child")
    (l0, _, _), (l1, _, _) = gen["load"]
    print(f"{'load average (1 min)':<{w}} {l0:.2f} before, {l1:.2f} after")
    if len(gen["walls"][0]) > 1:
        for name, walls in zip(("alignkit", "pandas"), gen["walls"]):
            runs = ", ".join(f"{x:.2f}" for x in walls)
            print(f"{name + ' runs (s)':<{w}} {runs}  (median reported)")
    print()
    print(f"{'':<{w}} {'alignkit':>18} {'pandas':>18}")
    print(f"{'wall (s)':<{w}} {ak['wall_s']:>18.2f} {pdr['wall_s']:>18.2f}")
    print(f"{'peak RSS':<{w}} {_gb(ak['peak_rss']):>18} {_gb(pdr['peak_rss']):>18}")
    print(
        f"{'RSS after import':<{w}} {_gb(ak['rss_after_import']):>18} "
        f"{_gb(pdr['rss_after_import']):>18}"
    )
    print(f"{'kept':<{w}} {a['kept']:>18,} {p['kept']:>18,}")
    print(f"{'dropped':<{w}} {a['dropped_total']:>18,} {p['dropped_total']:>18,}")
    for r in sorted(set(a["dropped"]) | set(p["dropped"])):
        print(f"{'  ' + r:<{w}} {a['dropped'].get(r, 0):>18,} {p['dropped'].get(r, 0):>18,}")
    for s in SPLITS:
        print(f"{s + ' rows':<{w}} {a['splits'][s]:>18,} {p['splits'][s]:>18,}")
    for s in SPLITS:
        print(f"{s + ' prompts':<{w}} {a['split_prompts'][s]:>18,} {p['split_prompts'][s]:>18,}")
    print(f"{'approx. tokens':<{w}} {'mean/min/p50/p95/max':>18}")
    for c in TEXTS:
        la, lp = a["lengths"][c], p["lengths"][c]
        fmt = "{mean}/{min}/{p50}/{p95}/{max}"
        print(f"{c + ' toks':<{w}} {fmt.format(**la):>18} {fmt.format(**lp):>18}")
    print(
        f"{'chosen longer share':<{w}} {a['length_bias']['chosen_longer_share']:>18} "
        f"{p['length_bias']['chosen_longer_share']:>18}"
    )
    print(f"{'contradictions':<{w}} {a['contradictions']:>18,} {p['contradictions']:>18,}")
    print()
    stages = list(dict.fromkeys([*a["timings_s"], *p["timings_s"]]))
    # what the wall time holds beyond alignkit's own laps (imports, the report file)
    laps = sum(v for k, v in a["timings_s"].items() if k != "total")
    a["timings_s"]["outside laps"] = ak["wall_s"] - laps
    stages.append("outside laps")
    print(f"{'stage timings (s)':<{w}} {'alignkit':>18} {'pandas':>18}")
    for st in stages:
        va, vp = a["timings_s"].get(st), p["timings_s"].get(st)
        print(
            f"{'  ' + st:<{w}} {'-' if va is None else f'{va:.3f}':>18} "
            f"{'-' if vp is None else f'{vp:.3f}':>18}"
        )
    print()
    print(f"{'goal':<{w}} {'measured':>18} {'target':>18}  result")
    for name, value, target, ok in goals:
        print(f"{name:<{w}} {value:>18} {target:>18}  {'PASS' if ok else 'FAIL'}")
    print()
    misses = [name for name, *_, ok in goals if not ok]
    if misses:
        print("goal misses: " + ", ".join(misses))
    if problems:
        print("COUNT MISMATCH between alignkit and pandas:")
        for line in problems:
            print("  " + line)
    else:
        print("kept / dropped-per-reason / prompts-per-split counts agree.")
    return not problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic pairs to make")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="folder for the input and outputs (kept; an input made before with the same "
        "rows and seed is reused); default: a temporary folder, removed unless --keep",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--seed", type=int, default=SEED, help="data and split seed")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each implementation (alignkit, pandas, alignkit, ...); the median run "
        "of each is reported, with the largest peak RSS",
    )
    args = parser.parse_args(argv)
    if args.rows < 10:
        parser.error("--rows must be >= 10")
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="alignkit-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    remove = args.workdir is None and not args.keep
    try:
        inp = workdir / f"pairs-{args.rows}-s{args.seed}-v{GENERATOR_VERSION}.jsonl"
        if inp.exists():
            print(f"reusing {inp}")
            gen = {
                "rows": args.rows,
                "bytes": inp.stat().st_size,
                "distinct_prompts": args.rows // 4,
            }
        else:
            print(f"generating {args.rows:,} pairs -> {inp}")
            gen = forked(None, generate, inp, args.rows, args.seed)
            print(f"  {gen['bytes'] / 1e6:.0f} MB in {gen['seconds']} s; planted {gen['planted']}")
        # write the input back to disk now, so that its writeback does not land in a timing
        os.sync()
        load_before = os.getloadavg()
        aks, pds = [], []
        for i in range(args.repeat):
            for name in ("out-alignkit", "out-pandas"):
                shutil.rmtree(workdir / name, ignore_errors=True)
            tag = f" (run {i + 1}/{args.repeat})" if args.repeat > 1 else ""
            print(f"running alignkit{tag} ...", flush=True)
            aks.append(forked(None, run_alignkit, inp, workdir / "out-alignkit", args.seed))
            print(f"  {aks[-1]['wall_s']:.2f} s")
            print(f"running pandas{tag} ...", flush=True)
            pds.append(forked(None, run_pandas, inp, workdir / "out-pandas", args.seed))
            print(f"  {pds[-1]['wall_s']:.2f} s")
        ak, pdr = _median_run(aks), _median_run(pds)
        gen["load"] = (load_before, os.getloadavg())
        gen["walls"] = ([r["wall_s"] for r in aks], [r["wall_s"] for r in pds])
        problems = _compare(ak["report"], pdr["report"])
        agree = _print_report(gen, ak, pdr, problems)
        if not remove:
            print(f"\nfiles: {workdir}")
        return 0 if agree else 1
    finally:
        if remove:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
