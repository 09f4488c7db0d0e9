from __future__ import annotations

import json
from collections import Counter

import pytest

from alignkit.data.formats.base import AdaptContext
from alignkit.data.formats.labelstudio import LABELSTUDIO
from alignkit.data.formats.trl import TRL_PREFERENCE
from alignkit.data.schema import Comparison, Drop, Vote

CTX = AdaptContext(source="ls")


def _annotation(selected, completed_by=1, cancelled=False, ann_id=1, to_name="comparison"):
    return {
        "id": ann_id,
        "completed_by": completed_by,
        "was_cancelled": cancelled,
        "result": [
            {
                "type": "pairwise",
                "value": {"selected": selected},
                "from_name": "comparison",
                "to_name": to_name,
            }
        ],
    }


def _task(*annotations, data=None):
    data = data or {"prompt": "Q?", "answer1": "first", "answer2": "second"}
    return {"id": 7, "data": data, "annotations": list(annotations), "predictions": []}


def test_real_export(shared_data):
    tasks = json.loads((shared_data / "labelstudio-pairwise-export.json").read_text())
    assert LABELSTUDIO.detect(tasks[:20], CTX)
    out = [LABELSTUDIO.adapt(t, CTX) for t in tasks]
    adapted = [o for o in out if not isinstance(o, Drop)]
    dropped = [o for o in out if isinstance(o, Drop)]
    assert (len(adapted), len(dropped), len(tasks)) == (32, 0, 32)
    votes = [v for o in adapted for v in o[0].votes]
    assert Counter(v.pick for v in votes) == {"a": 18, "b": 14}
    assert {v.annotator for v in votes} == {"2"}
    first = adapted[0][0]
    assert isinstance(first, Comparison)
    assert first.id == "401635"
    assert first.prompt == "What is the latest news on the stock market?"
    assert first.a.startswith("Let the spotlight shine on something big")
    assert first.b.startswith("Here are 5 things you should know about the market")
    assert first.votes == [Vote("2", "a")]
    assert first.source == "ls"


def test_left_right_mapping():
    (left,) = LABELSTUDIO.adapt(_task(_annotation("left")), CTX)
    (right,) = LABELSTUDIO.adapt(_task(_annotation("right")), CTX)
    assert (left.a, left.b, left.votes[0].pick) == ("first", "second", "a")
    assert (right.a, right.b, right.votes[0].pick) == ("first", "second", "b")


def test_to_name_names_the_answer_order():
    data = {"prompt": "Q?", "x": "shown left", "y": "shown right", "other": "z"}
    task = _task(_annotation("left", to_name="y,x"), data=data)
    (c,) = LABELSTUDIO.adapt(task, CTX)
    assert (c.a, c.b) == ("shown right", "shown left")
    assert c.metadata["other"] == "z"


def test_cancelled_ignored_and_disagreement_gives_two_votes():
    task = _task(
        _annotation("left", completed_by=1, ann_id=10),
        _annotation("right", completed_by={"id": 5, "email": "b@x.org"}, ann_id=11),
        _annotation("right", completed_by=3, cancelled=True, ann_id=12),
    )
    (c,) = LABELSTUDIO.adapt(task, CTX)
    assert c.votes == [Vote("1", "a"), Vote("b@x.org", "b")]
    assert c.metadata["annotation_ids"] == [10, 11]


@pytest.mark.parametrize(
    "task",
    [
        _task(),
        _task(_annotation("left", cancelled=True)),
        _task({"id": 1, "completed_by": 1, "result": []}),
        _task({"id": 1, "completed_by": 1, "result": [{"type": "choices", "value": {}}]}),
        _task(_annotation("up")),
        _task({"result": "garbage"}, "not a dict"),
    ],
)
def test_no_usable_annotation_drops(task):
    out = LABELSTUDIO.adapt(task, CTX)
    assert isinstance(out, Drop) and out.reason == "no_annotations"


def test_malformed_rows_drop():
    no_prompt = LABELSTUDIO.adapt(_task(_annotation("left"), data={"answer1": "a"}), CTX)
    assert isinstance(no_prompt, Drop) and no_prompt.reason == "missing_prompt"
    three = {"prompt": "Q?", "r1": "a", "r2": "b", "r3": "c"}
    unknown = LABELSTUDIO.adapt(_task(_annotation("left"), data=three), CTX)
    assert isinstance(unknown, Drop) and unknown.reason == "missing_responses"
    junk = LABELSTUDIO.adapt({"foo": 1}, CTX)
    assert isinstance(junk, Drop) and junk.reason == "not_a_task"


def test_json_min_row():
    row = {
        "id": 3,
        "prompt": "Q?",
        "answer1": "first",
        "answer2": "second",
        "comparison": {"selected": "right"},
        "annotator": "a@x.org",
        "annotation_id": 99,
        "lead_time": 4.2,
    }
    assert LABELSTUDIO.detect([row], CTX)
    (c,) = LABELSTUDIO.adapt(row, CTX)
    assert (c.prompt, c.a, c.b, c.id) == ("Q?", "first", "second", "3")
    assert c.votes == [Vote("a@x.org", "b")]
    assert c.metadata == {"annotation_ids": [99]}


def test_detection_is_specific():
    trl = [{"prompt": "p", "chosen": "c", "rejected": "r"}]
    argilla = [{"fields": {"prompt": "p"}, "responses": {"pref": [{"value": "a"}]}}]
    assert not LABELSTUDIO.detect(trl, CTX)
    assert not LABELSTUDIO.detect(argilla, CTX)
    # a Label Studio project without pairwise results is some other project
    assert not LABELSTUDIO.detect([_task({"result": [{"type": "choices"}]})], CTX)
    assert not TRL_PREFERENCE.detect([_task(_annotation("left"))], CTX)
