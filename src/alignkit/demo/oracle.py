"""The demo's oracle judge: the team's house style, as a rule anyone can read.

A response passes when it is one short, complete answer on the question's topic:
- 3 to 40 words (the house answers are one sentence of at most 25 words; 40 leaves slack);
- it ends a sentence (., ! or ?), so an answer cut off at the token limit fails;
- one paragraph: no line breaks, so no lists or headings.

It does not check that the answer is right or on topic (a good how-to answer often shares no
word with its question, so word overlap is no test of that); the demo's reward-model judge and
the side-by-side generations in the report are there for that.

The untuned SmolLM2-135M-Instruct writes a long paragraph or a list to nearly all the demo's
questions and fails; that is what the DPO policy has to learn from the annotators' preferences.
`--judge rule:house-style`: declared as an entry point of the `alignkit.judges` group in
pyproject.toml, so the judges find it in any process (a job's included) without importing the
demo by name, and this module needs nothing from them.
"""

from __future__ import annotations

MAX_WORDS = 40


def house_style(prompt: str, response: str) -> float:
    """1.0 for one short, complete answer (the demo's house style), else 0.0."""
    text = response.strip()
    if not 3 <= len(text.split()) <= MAX_WORDS or "\n" in text or text[-1:] not in ".!?":
        return 0.0
    return 1.0
