"""Hand-written content for the alignkit demo preference dataset.

The demo dataset teaches a "house style": answer in ONE short, complete sentence
(at most 25 words), with no preamble and no filler. Each item below is a triple
``(question, answer, wrong_answer)``:

- ``question`` is phrased the way a user might ask a chatty assistant, so that an
  untuned model tends to reply at length.
- ``answer`` is a factually correct, single-sentence reply in the house style.
- ``wrong_answer`` is a single, confidently stated sentence that is false (a
  misconception or bad but harmless advice).

Every answer and wrong answer is one plain-ASCII sentence of 8-25 words ending in a
period. The three groups cover different question shapes:

- ``WHAT``: definitions and descriptions of concepts (science, technology, everyday
  life, geography, history, arts, health, economics).
- ``HOW``: practical how-to questions and requests for tips.
- ``WHY``: "Why ...?" and "How does ... work?" explanations.

``ITEMS`` is the concatenation of all three groups. The triples are data, so they live in
what.json, how.json and why.json beside this file (package data; one triple a line, in the
order the demo's seeded export draws them); turning them into preference pairs is left to the
dataset builder.
"""

import json
from importlib.resources import files


def _group(name: str) -> tuple[tuple[str, str, str], ...]:
    rows = json.loads(files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8"))
    return tuple(tuple(row) for row in rows)


WHAT = _group("what")
HOW = _group("how")
WHY = _group("why")
ITEMS = WHAT + HOW + WHY

__all__ = ["HOW", "ITEMS", "WHAT", "WHY"]
