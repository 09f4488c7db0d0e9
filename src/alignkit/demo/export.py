"""The demo's annotation export in Argilla 2.x shape (`dataset.records.to_json`), made here.

Questions that make a chatty assistant ramble (alignkit.demo.content), each with two candidate
responses: one short, complete, correct sentence (the team's house style), and a long-winded
answer that goes on with filler after its first sentence, which in 30% of records states a
misconception (its factuality flag h = 1). Three simulated annotators prefer the house
style, each with their own error rate, so the export has real disagreement, ties, drafts
that must not count, records nobody finished, a few re-exported duplicates, and model
suggestions that are not labels.

The preference is checkable by a rule, alignkit.demo.oracle.house_style, which the untuned
SmolLM2 fails on nearly every prompt: that is what the demo's DPO policy has to learn.
"""

from __future__ import annotations

import random
from pathlib import Path

from alignkit.demo.content import ITEMS
from alignkit.io import write_json

ANNOTATORS = {"annotator-1": 0.04, "annotator-2": 0.08, "annotator-3": 0.12}  # error rates
FILLERS = (
    "There are many different aspects to consider here.",
    "Experts have studied this for a long time, and opinions vary in the details.",
    "It is important to keep the bigger picture in mind.",
    "Of course, every situation is a little different.",
    "This is something that affects people in many areas of everyday life.",
    "In other words, the topic is more nuanced than it might first appear.",
    "Many people find this surprising when they first learn about it.",
    "To put it another way, there is quite a lot going on behind the scenes.",
)
CLOSERS = (
    "I hope this helps, and let me know if you have any other questions!",
    "In conclusion, it is a complex subject, but hopefully this gives you a good overview.",
    "Feel free to ask if you would like me to go into more detail on any part of this.",
)
WRONG_SHARE = 0.3  # long answers that also state a misconception (h = 1)


def long_answer(rng: random.Random, core: str) -> str:
    """The rambling style: the substance, then filler and a closing line instead of stopping.

    Starting with the same sentence as the house answer matters: DPO's signal is the
    difference between the two responses, and here it sits exactly where the style differs,
    at the end of the first sentence (stop, or ramble on). A rambling answer that also
    opened differently would teach the policy to avoid these particular openers, which its
    own long answers never use (measured: the policy then rambled as much as before)."""
    return " ".join([core, *rng.sample(FILLERS, 3), rng.choice(CLOSERS)])


def _record(i: int, rng: random.Random, question: str, good: str, other: str, h_other: int):
    good_first = rng.random() < 0.5
    # a ChatField, as Argilla 2.x exports one: the pairs become chat messages, so training and
    # generation use the model's chat template
    fields = {"prompt": [{"role": "user", "content": question}]}
    fields["response1"] = good if good_first else other
    fields["response2"] = other if good_first else good
    better = "response1" if good_first else "response2"
    worse = "response2" if good_first else "response1"
    answers = []
    for user, error in ANNOTATORS.items():
        roll = rng.random()
        value = better if roll >= error else worse if roll < error * 0.7 else "tie"
        status = "draft" if rng.random() < 0.02 else "submitted"
        answers.append({"value": value, "user_id": user, "status": status})
    if rng.random() < 0.03:  # a record nobody finished
        answers = []
    return {
        "id": f"demo-{i:04d}",
        "_server_id": f"00000000-0000-4000-8000-{i:012d}",
        "status": "completed" if answers else "pending",
        "fields": fields,
        "metadata": {
            "h_response1": 0 if good_first else h_other,
            "h_response2": h_other if good_first else 0,
            "style": "house" if good_first else "long",
        },
        "responses": {"preference": answers} if answers else {},
        "suggestions": {
            "preference": {
                "value": rng.choice(["response1", "response2"]),
                "score": round(rng.random(), 2),
                "agent": "sample-model",
            }
        },
        "vectors": {},
    }


def sample_records(n: int = 340, seed: int = 0) -> list[dict]:
    """n records: every demo question once in a seeded order (cycling when n is larger), then
    about 3% re-exported as exact duplicates, as a second export of the same records would."""
    rng = random.Random(seed)
    order = list(ITEMS)
    rng.shuffle(order)
    unique = max(1, round(n / 1.03))
    records = []
    for i in range(unique):
        question, answer, wrong = order[i % len(order)]
        wrong_fact = rng.random() < WRONG_SHARE
        other = long_answer(rng, wrong if wrong_fact else answer)
        records.append(_record(i, rng, question, answer, other, int(wrong_fact)))
    while len(records) < n:
        records.append(dict(rng.choice(records[:unique])))
    rng.shuffle(records)
    return records


def write_sample_export(path: Path, n: int = 340, seed: int = 0) -> Path:
    write_json(sample_records(n, seed), Path(path))
    return Path(path)
