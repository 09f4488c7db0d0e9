from __future__ import annotations

import json
from collections import Counter

import pytest

from alignkit.data.formats.base import AdaptContext
from alignkit.data.formats.hh_rlhf import HH_RLHF
from alignkit.data.formats.labelstudio import LABELSTUDIO
from alignkit.data.formats.sharegpt import SHAREGPT, SHAREGPT_KTO
from alignkit.data.formats.trl import TRL_PREFERENCE, TRL_UNPAIRED
from alignkit.data.schema import Drop, Feedback, PreferencePair

CTX = AdaptContext(source="sg")


def _pref(**over):
    row = {
        "conversations": [
            {"from": "human", "value": "Hi"},
            {"from": "gpt", "value": "Hello"},
            {"from": "human", "value": "2+2?"},
        ],
        "chosen": {"from": "gpt", "value": "4"},
        "rejected": {"from": "gpt", "value": "5"},
    }
    row.update(over)
    return row


def _kto(label=True, **over):
    row = {
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"},
            {"role": "user", "content": "2+2?"},
            {"role": "assistant", "content": "4"},
        ],
        "label": label,
    }
    row.update(over)
    return row


def test_real_dpo_file(shared_data):
    rows = json.loads((shared_data / "llamafactory-dpo-en-demo.json").read_text())
    assert SHAREGPT.detect(rows[:50], CTX) and not SHAREGPT_KTO.detect(rows[:50], CTX)
    out = [SHAREGPT.adapt(r, CTX) for r in rows]
    adapted = [o[0] for o in out if not isinstance(o, Drop)]
    assert len(adapted) + sum(isinstance(o, Drop) for o in out) == len(rows) == 300
    assert len(adapted) == 300
    # 80 rows open with a system message
    assert sum(p.prompt[0]["role"] == "system" for p in adapted) == 80
    assert Counter(len(p.prompt) for p in adapted)[1] == 114
    first = adapted[0]
    assert first.prompt == [
        {
            "role": "user",
            "content": "Hi! I'd like to create a new language game simulating the first person "
            "perspective of a character named Angela.",
        }
    ]
    assert first.chosen[0]["role"] == "assistant"
    assert first.chosen[0]["content"].startswith("That sounds like a fun and engaging idea!")
    assert first.rejected[0]["content"].startswith("Hello! I'd be happy to help you create")


def test_real_kto_file(shared_data):
    rows = json.loads((shared_data / "llamafactory-kto-en-demo.json").read_text())
    assert SHAREGPT_KTO.detect(rows[:50], CTX) and not SHAREGPT.detect(rows[:50], CTX)
    out = [SHAREGPT_KTO.adapt(r, CTX) for r in rows]
    adapted = [o[0] for o in out if not isinstance(o, Drop)]
    assert len(adapted) + sum(isinstance(o, Drop) for o in out) == len(rows) == 300
    assert len(adapted) == 300
    assert Counter(f.label for f in adapted) == {True: 150, False: 150}
    first = adapted[0]
    assert isinstance(first, Feedback) and first.label is True
    assert first.prompt[0]["content"].startswith(
        "The Federal Trade Commission is going after spyware"
    )
    assert first.completion[0]["content"].startswith("Ooh ooh ah ah! *giggle*")


def test_preference_multi_turn_is_messages():
    for ctx in (CTX, AdaptContext(as_messages=True)):
        (pair,) = SHAREGPT.adapt(_pref(system="Be brief."), ctx)
        assert isinstance(pair, PreferencePair)
        assert pair.prompt == [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"},
            {"role": "user", "content": "2+2?"},
        ]
        assert pair.chosen == [{"role": "assistant", "content": "4"}]
        assert pair.rejected == [{"role": "assistant", "content": "5"}]


def test_role_content_tags_and_extra_columns():
    row = _pref(
        conversations=[{"role": "user", "content": "Q"}],
        chosen={"role": "assistant", "content": "A"},
        rejected={"role": "assistant", "content": "B"},
        id=4,
        tools="[]",
    )
    (pair,) = SHAREGPT.adapt(row, CTX)
    assert pair.prompt == [{"role": "user", "content": "Q"}]
    assert (pair.id, pair.metadata) == ("4", {"tools": "[]"})


def test_kto_label_mapping():
    for raw, label in ((True, True), (False, False), (1, True), (0, False), ("false", False)):
        (fb,) = SHAREGPT_KTO.adapt(_kto(raw), CTX)
        assert fb.label is label
        assert fb.prompt == [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"},
            {"role": "user", "content": "2+2?"},
        ]
        assert fb.completion == [{"role": "assistant", "content": "4"}]


def test_sharegpt_kto_tag_variant():
    row = {
        "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}],
        "kto_tag": False,
    }
    assert SHAREGPT_KTO.detect([row], CTX)
    (fb,) = SHAREGPT_KTO.adapt(row, CTX)
    assert (fb.prompt, fb.completion, fb.label) == (
        [{"role": "user", "content": "Q"}],
        [{"role": "assistant", "content": "A"}],
        False,
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (_pref(conversations=[]), "missing_conversations"),
        (_pref(conversations="hi"), "missing_conversations"),
        (_pref(conversations=[{"from": "human", "value": "Q"}, "x"]), "bad_message"),
        (_pref(conversations=[{"from": "human", "value": 3}]), "bad_message"),
        (_pref(conversations=[{"from": "human", "value": "  "}]), "empty_message"),
        (_pref(conversations=[{"from": "observation", "value": "{}"}]), "tool_turn"),
        (_pref(conversations=[{"from": "narrator", "value": "x"}]), "unknown_role"),
        (
            _pref(conversations=[{"from": "human", "value": "a"}, {"from": "human", "value": "b"}]),
            "non_alternating_turns",
        ),
        (
            _pref(conversations=[{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]),
            "last_turn_not_user",
        ),
        (_pref(chosen=None), "missing_chosen"),
        (_pref(rejected={"from": "human", "value": "x"}), "bad_rejected"),
        (_pref(chosen={"from": "function_call", "value": "{}"}), "bad_chosen"),
    ],
)
def test_preference_malformed_rows_drop(row, reason):
    out = SHAREGPT.adapt(row, CTX)
    assert isinstance(out, Drop) and out.reason == reason, out


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (_kto(label="maybe"), "bad_label"),
        (_kto(label=None), "bad_label"),
        (_kto(messages=[{"role": "user", "content": "Q"}]), "last_turn_not_assistant"),
        (_kto(messages=[{"role": "assistant", "content": "A"}]), "non_alternating_turns"),
        (
            _kto(
                messages=[{"role": "system", "content": "S"}, {"role": "assistant", "content": "A"}]
            ),
            "non_alternating_turns",
        ),
        (_kto(messages=[{"role": "tool", "content": "{}"}]), "tool_turn"),
        (_kto(messages=None), "missing_conversations"),
    ],
)
def test_kto_malformed_rows_drop(row, reason):
    out = SHAREGPT_KTO.adapt(row, CTX)
    assert isinstance(out, Drop) and out.reason == reason, out


def test_detection_is_specific():
    trl = [{"prompt": "p", "chosen": "c", "rejected": "r"}]
    trl_chat = [
        {
            "chosen": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
            "rejected": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "b"}],
        }
    ]
    trl_kto = [{"prompt": "p", "completion": "c", "label": True}]
    argilla = [{"fields": {"prompt": "p"}, "responses": {}}]
    sft = [{"messages": [{"role": "user", "content": "q"}]}]
    for rows in (trl, trl_chat, trl_kto, argilla, sft):
        assert not SHAREGPT.detect(rows, CTX)
        assert not SHAREGPT_KTO.detect(rows, CTX)
    for fmt in (TRL_PREFERENCE, TRL_UNPAIRED, HH_RLHF, LABELSTUDIO, SHAREGPT_KTO):
        assert not fmt.detect([_pref()], CTX), fmt.name
    for fmt in (TRL_PREFERENCE, TRL_UNPAIRED, HH_RLHF, LABELSTUDIO, SHAREGPT):
        assert not fmt.detect([_kto()], CTX), fmt.name
