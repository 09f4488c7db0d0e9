"""A sample annotation export in Argilla 2.x shape (`dataset.records.to_json`), made here.

Fact-checking prompts with two candidate answers: one states the fact, the other gets it
wrong (its factuality flag h = 1), or both are right and one is curt. Three simulated annotators
prefer the factual, complete answer, each with their own noise, so the export has real
disagreement, ties, a draft that must not count, and model suggestions that are not labels.
`make demo` ingests it until the full demo lands.
"""

from __future__ import annotations

import random
from pathlib import Path

from alignkit.data.write import write_json

CAPITALS = [
    ("France", "Paris", "Lyon"),
    ("Japan", "Tokyo", "Osaka"),
    ("Canada", "Ottawa", "Toronto"),
    ("Australia", "Canberra", "Sydney"),
    ("Brazil", "Brasilia", "Rio de Janeiro"),
    ("Turkey", "Ankara", "Istanbul"),
    ("Switzerland", "Bern", "Zurich"),
    ("Nigeria", "Abuja", "Lagos"),
    ("Morocco", "Rabat", "Casablanca"),
    ("Vietnam", "Hanoi", "Ho Chi Minh City"),
    ("New Zealand", "Wellington", "Auckland"),
    ("Pakistan", "Islamabad", "Karachi"),
    ("Kenya", "Nairobi", "Mombasa"),
    ("Spain", "Madrid", "Barcelona"),
    ("Italy", "Rome", "Milan"),
    ("Egypt", "Cairo", "Giza"),
]
ELEMENTS = [
    ("gold", "Au", "Ag"),
    ("iron", "Fe", "Ir"),
    ("sodium", "Na", "So"),
    ("lead", "Pb", "Le"),
    ("potassium", "K", "P"),
    ("silver", "Ag", "Si"),
    ("tin", "Sn", "Ti"),
    ("copper", "Cu", "Co"),
]
ANNOTATORS = {"annotator-1": 0.05, "annotator-2": 0.12, "annotator-3": 0.2}  # error rates


def _item(rng: random.Random) -> tuple[str, str, str, int]:
    """prompt, good answer, other answer, h of the other answer."""
    kind = rng.random()
    if kind < 0.25:
        country, right, wrong = rng.choice(CAPITALS)
        prompt = rng.choice(
            [f"What is the capital of {country}?", f"Which city is the capital of {country}?"]
        )
        good = f"The capital of {country} is {right}."
        if rng.random() < 0.75:
            return prompt, good, f"The capital of {country} is {wrong}.", 1
        return prompt, good, f"{right}.", 0
    a, b = rng.randint(2, 40), rng.randint(2, 40)
    if kind < 0.4:
        element, right, wrong = rng.choice(ELEMENTS)
        prompt = f"What is the chemical symbol for {element}?"
        return prompt, f"The chemical symbol for {element} is {right}.", f"It is {wrong}.", 1
    prompt = f"What is {a} times {b}?"
    wrong = a * b + rng.choice([-10, -2, -1, 1, 2, 10])
    return prompt, f"{a} times {b} is {a * b}.", f"{a} times {b} is {wrong}.", 1


def sample_records(n: int = 300, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        prompt, good, other, h_other = _item(rng)
        good_first = rng.random() < 0.5
        fields = {"prompt": prompt, "response1": good if good_first else other}
        fields["response2"] = other if good_first else good
        better = "response1" if good_first else "response2"
        worse = "response2" if good_first else "response1"
        answers = []
        for user, error in ANNOTATORS.items():
            roll = rng.random()
            value = better if roll >= error else worse if roll < error * 0.6 else "tie"
            status = "draft" if rng.random() < 0.03 else "submitted"
            answers.append({"value": value, "user_id": user, "status": status})
        if rng.random() < 0.04:  # a record nobody finished
            answers = []
        records.append(
            {
                "id": f"sample-{i:04d}",
                "_server_id": f"00000000-0000-4000-8000-{i:012d}",
                "status": "completed" if answers else "pending",
                "fields": fields,
                "metadata": {
                    "h_response1": 0 if good_first else h_other,
                    "h_response2": h_other if good_first else 0,
                    "topic": "facts",
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
        )
    return records


def write_sample_export(path: Path, n: int = 300, seed: int = 0) -> Path:
    write_json(sample_records(n, seed), Path(path))
    return Path(path)
