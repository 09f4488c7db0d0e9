"""A learnable preference set made here: the chosen answer is polite and on topic, the rejected
one rude; a reward model should separate them within a few dozen steps."""

from __future__ import annotations

import json
import random
from pathlib import Path

from alignkit.data import ingest

TOPICS = ["rivers", "mountains", "cities", "stars", "oceans", "forests", "deserts", "islands"]


def preference_rows(n: int = 160, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        topic = rng.choice(TOPICS)
        prompt = f"Tell me something about {topic}, please. ({i})"
        chosen = f"Happy to help: {topic} are fascinating and worth learning about."
        rejected = f"No. {rng.choice(['Go away', 'Stop asking', 'Figure it out'])}, that is boring."
        rows.append({"prompt": prompt, "chosen": chosen, "rejected": rejected})
    return rows


def make_dataset(tmp: Path, n: int = 160) -> Path:
    src = tmp / "pairs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in preference_rows(n)))
    out = tmp / "data"
    ingest(input=src, output=out, train_ratio=0.8, eval_ratio=0.2, test_ratio=0.0)
    return out


def read_metrics(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def tiny_rm_run(data: Path, out: Path) -> Path:
    """A reward model run on tiny-bert, two steps: enough to serve as an `rm:PATH` reward."""
    from alignkit.train import rm

    settings = dict(
        base_model="tiny-bert", dataset_dir=data, output_dir=out, max_steps=2, batch_size=4,
        eval_steps=1000, save_steps=1000, max_length=32,
    )  # fmt: skip
    rm.train(rm.RMSettings(**settings))
    return out
