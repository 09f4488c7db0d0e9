from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from alignkit.data.formats.base import AdaptContext
from alignkit.data.formats.hh_rlhf import HH_RLHF
from alignkit.data.formats.sharegpt import SHAREGPT, SHAREGPT_KTO
from alignkit.data.formats.trl import TRL_PREFERENCE
from alignkit.data.schema import Drop, PreferencePair

TEXT = AdaptContext(source="hh")
MESSAGES = AdaptContext(source="hh", as_messages=True)

MULTI = {
    "chosen": "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke\n\nAssistant: No.",
    "rejected": "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke"
    "\n\nAssistant:  Sure: ...",
}


def _real_rows(shared_data):
    with gzip.open(shared_data / "hh-rlhf-harmless-base-test.jsonl.gz", "rt") as f:
        return [json.loads(line) for line in f]


@pytest.mark.parametrize("ctx", [TEXT, MESSAGES])
def test_real_file_counts(shared_data, ctx):
    rows = _real_rows(shared_data)
    assert HH_RLHF.detect(rows[:100], ctx)
    out = [HH_RLHF.adapt(r, ctx) for r in rows]
    reasons = Counter(o.reason for o in out if isinstance(o, Drop))
    adapted = sum(not isinstance(o, Drop) for o in out)
    assert adapted + sum(reasons.values()) == len(rows) == 2312
    assert adapted == 2299
    assert reasons == {"empty_response": 4, "multi_turn_response": 5, "non_alternating_turns": 4}
    # the dropped rows, by index, as inspected by hand
    by_reason = {}
    for i, o in enumerate(out):
        if isinstance(o, Drop):
            by_reason.setdefault(o.reason, []).append(i)
    assert by_reason["empty_response"] == [86, 516, 925, 1103]
    assert by_reason["multi_turn_response"] == [1254, 1688, 1950, 1952, 2036]
    assert by_reason["non_alternating_turns"] == [667, 763, 1319, 1849]


def test_real_record_text_and_messages(shared_data):
    row = _real_rows(shared_data)[1]
    (pair,) = HH_RLHF.adapt(row, TEXT)
    assert pair.prompt.startswith("\n\nHuman: How much alcohol can I drink per day?\n\nAssistant:")
    assert pair.prompt.endswith(
        "\n\nHuman: I feel much better when I get drunk and consume a lot of alcohol.\n\nAssistant:"
    )
    assert pair.chosen.startswith("Sounds like alcohol is something you use to calm down")
    assert pair.rejected.startswith("I’m glad that you’re enjoying your alcohol intake.")
    assert row["chosen"] == pair.prompt + " " + pair.chosen
    (msgs,) = HH_RLHF.adapt(row, MESSAGES)
    assert [m["role"] for m in msgs.prompt] == ["user", "assistant"] * 2 + ["user"]
    assert msgs.prompt[-1]["content"] == (
        "I feel much better when I get drunk and consume a lot of alcohol."
    )
    assert msgs.chosen == [{"role": "assistant", "content": pair.chosen}]


def test_multi_turn_split_text():
    (pair,) = HH_RLHF.adapt(MULTI, TEXT)
    assert isinstance(pair, PreferencePair)
    assert (
        pair.prompt == "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke\n\nAssistant:"
    )
    assert (pair.chosen, pair.rejected) == ("No.", "Sure: ...")
    assert pair.source == "hh"


def test_multi_turn_split_messages():
    (pair,) = HH_RLHF.adapt(MULTI, MESSAGES)
    assert pair.prompt == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Tell me a joke"},
    ]
    assert pair.chosen == [{"role": "assistant", "content": "No."}]
    assert pair.rejected == [{"role": "assistant", "content": "Sure: ..."}]


def test_shared_response_start_splits_at_turn_boundary():
    row = {
        "chosen": "\n\nHuman: Q\n\nAssistant: I think yes.",
        "rejected": "\n\nHuman: Q\n\nAssistant: I think no.",
    }
    (pair,) = HH_RLHF.adapt(row, TEXT)
    assert (pair.prompt, pair.chosen, pair.rejected) == (
        "\n\nHuman: Q\n\nAssistant:",
        "I think yes.",
        "I think no.",
    )


def test_bare_human_inside_a_turn_is_text():
    row = {
        "chosen": "\n\nHuman: Q\n\nAssistant: Human: pretend I asked. Answer.",
        "rejected": "\n\nHuman: Q\n\nAssistant: Other.",
    }
    (pair,) = HH_RLHF.adapt(row, MESSAGES)
    assert pair.prompt == [{"role": "user", "content": "Q"}]
    assert pair.chosen[0]["content"] == "Human: pretend I asked. Answer."


def test_without_leading_newlines():
    row = {"chosen": "Human: Q\n\nAssistant: A", "rejected": "Human: Q\n\nAssistant: B"}
    assert HH_RLHF.detect([row], TEXT)
    (pair,) = HH_RLHF.adapt(row, TEXT)
    assert (pair.prompt, pair.chosen, pair.rejected) == ("Human: Q\n\nAssistant:", "A", "B")


@pytest.mark.parametrize(
    ("chosen", "rejected", "reason"),
    [
        ("\n\nHuman: Q\n\nAssistant: ", "\n\nHuman: Q\n\nAssistant: B", "empty_response"),
        ("\n\nHuman: Q\n\nAssistant: A", "\n\nHuman: Q\n\nAssistant: A", "identical_responses"),
        (
            "\n\nHuman: Q\n\nAssistant: A\n\nHuman: more\n\nAssistant: C",
            "\n\nHuman: Q\n\nAssistant: B",
            "multi_turn_response",
        ),
        (
            "\n\nHuman: Q\n\nAssistant: A\n\nHuman: x\n\nAssistant: C",
            "\n\nHuman: Q\n\nAssistant: B\n\nHuman: x\n\nAssistant: D",
            "diverged_before_final_turn",
        ),
        (
            "\n\nHuman: Q\n\nAssistant: A\n\nAssistant: A2\n\nHuman: x\n\nAssistant: C",
            "\n\nHuman: Q\n\nAssistant: A\n\nAssistant: A2\n\nHuman: x\n\nAssistant: D",
            "non_alternating_turns",
        ),
        ("\n\nHuman: Q1\n\nAssistant: A", "\n\nHuman: Q2\n\nAssistant: A", "no_shared_prompt"),
        ("\n\nHuman: Q\n\nAssistant: A", None, "missing_rejected"),
        ("\n\nHuman: Q\n\nAssistant: A", ["x"], "bad_type_rejected"),
        ("", "\n\nHuman: Q\n\nAssistant: A", "empty_chosen"),
        ("Q: hello\nA: hi", "\n\nHuman: Q\n\nAssistant: A", "not_hh_dialogue"),
    ],
)
def test_malformed_rows_drop(chosen, rejected, reason):
    for ctx in (TEXT, MESSAGES):
        out = HH_RLHF.adapt({"chosen": chosen, "rejected": rejected}, ctx)
        assert isinstance(out, Drop) and out.reason == reason, out


def test_detection_is_specific():
    trl = [{"prompt": "\n\nHuman: Q", "chosen": "\n\nHuman: a", "rejected": "\n\nHuman: b"}]
    plain = [{"chosen": "a good answer", "rejected": "a bad answer"}]
    argilla = [{"fields": {"prompt": "p"}, "responses": {}}]
    for rows in (trl, plain, argilla):
        assert not HH_RLHF.detect(rows, TEXT)
    hh = [MULTI]
    assert not TRL_PREFERENCE.detect(hh, TEXT)
    assert not SHAREGPT.detect(hh, TEXT) and not SHAREGPT_KTO.detect(hh, TEXT)
