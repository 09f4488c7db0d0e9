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

``ITEMS`` is the concatenation of all three groups. This module holds data only;
turning the triples into preference pairs is left to the dataset builder.
"""

from alignkit.demo.content.how import HOW
from alignkit.demo.content.what import WHAT
from alignkit.demo.content.why import WHY

ITEMS = WHAT + HOW + WHY

__all__ = ["HOW", "ITEMS", "WHAT", "WHY"]
