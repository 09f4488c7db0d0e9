"""Argilla 1.x / 2.x adapters.

The fixtures mirror what the SDKs write (argilla-io/argilla):
- 2.x nested: `Record.to_dict` (argilla/src/argilla/records/_resource.py), written by
  `records.to_json` / `to_list(flatten=False)`: responses as `{question: [{value, user_id}]}`
  (no per-response status), suggestions as `{question: {value, score, agent}}`.
- 2.x flat: `GenericIO._record_to_dict(flatten=True)` (records/_io/_generic.py):
  `<q>.responses`, `<q>.responses.users`, `<q>.responses.status`, `<q>.suggestion[.score|.agent]`;
  `to_list` pads keys other records have with None.
- 1.x: `HuggingFaceDatasetMixin._huggingface_format`
  (src/argilla/client/feedback/integrations/huggingface/dataset.py): `<q>` as
  `[{user_id, value, status}]`, `<q>-suggestion`, `<q>-suggestion-metadata`, `external_id`,
  `metadata` as a JSON string; ranking values as `Sequence({rank, value})`.
"""

from __future__ import annotations

import json

import pytest

from alignkit.data.formats.argilla1 import ARGILLA1
from alignkit.data.formats.argilla2 import ARGILLA2
from alignkit.data.formats.argilla2_flat import ARGILLA2_FLAT
from alignkit.data.formats.base import AdaptContext
from alignkit.data.schema import Comparison, Drop, Vote

U1 = "5f8b1c3e-1111-4a5b-9c7d-000000000001"
U2 = "5f8b1c3e-2222-4a5b-9c7d-000000000002"
U3 = "5f8b1c3e-3333-4a5b-9c7d-000000000003"
CTX = AdaptContext(source="export.json")

PROMPT = "What is the capital of Australia?"
R1 = "Canberra is the capital of Australia."
R2 = "Sydney is the capital of Australia."


def _nested(responses, **extra):
    row = {
        "id": "rec-1",
        "fields": {"prompt": PROMPT, "response1": R1, "response2": R2},
        "metadata": {"topic": "geography"},
        "suggestions": {
            "preference": {"value": "response2", "score": 0.83, "agent": "judge-llm-v1"}
        },
        "responses": responses,
        "vectors": {},
        "status": "completed",
        "_server_id": "0c1d2e3f-aaaa-bbbb-cccc-000000000042",
    }
    row.update(extra)
    return row


NESTED = _nested(
    {
        "preference": [
            {"value": "response1", "user_id": U1},
            {"value": "response1", "user_id": U2},
            {"value": "response2", "user_id": U3},
        ],
        "response2_factual_error": [{"value": "yes", "user_id": U1}],
    }
)
NESTED_UNANNOTATED = _nested({}, id="rec-2", status="pending")

FLAT = {
    "id": "rec-1",
    "status": "completed",
    "_server_id": "0c1d2e3f-aaaa-bbbb-cccc-000000000042",
    "prompt": PROMPT,
    "response1": R1,
    "response2": R2,
    "topic": "geography",
    "preference.responses": ["response2", "response2", "response1"],
    "preference.responses.users": [U1, U2, U3],
    "preference.responses.status": ["submitted", "draft", "discarded"],
    "preference.suggestion": "response1",
    "preference.suggestion.score": 0.91,
    "preference.suggestion.agent": "judge-llm-v1",
}
FLAT_UNANNOTATED = {
    **FLAT,
    "id": "rec-2",
    "status": "pending",
    "preference.responses": None,
    "preference.responses.users": None,
    "preference.responses.status": None,
}

V1 = {
    "instruction": PROMPT,
    "response-1": R1,
    "response-2": R2,
    "preference": [
        {"user_id": U1, "value": "Response 2", "status": "submitted"},
        {"user_id": U2, "value": "Response 1", "status": "discarded"},
        {"user_id": U3, "value": "Tie", "status": "submitted"},
    ],
    "preference-suggestion": "Response 1",
    "preference-suggestion-metadata": {"type": "model", "score": 0.7, "agent": "gpt-4"},
    "external_id": "ext-7",
    "metadata": json.dumps({"split": "train", "response1_factual": False}),
}

TRL_ROWS = [{"prompt": "p", "chosen": "c", "rejected": "r"}]
LABEL_STUDIO_ROWS = [{"id": 1, "data": {"prompt": "p"}, "annotations": [{"result": []}]}]
FORMATS = {"argilla2": ARGILLA2, "argilla2-flat": ARGILLA2_FLAT, "argilla1": ARGILLA1}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([NESTED, NESTED_UNANNOTATED], "argilla2"),
        ([FLAT, FLAT_UNANNOTATED], "argilla2-flat"),
        ([V1], "argilla1"),
        (TRL_ROWS, None),
        (LABEL_STUDIO_ROWS, None),
    ],
)
def test_detection_is_exclusive(rows, expected):
    claimed = [name for name, fmt in FORMATS.items() if fmt.detect(rows, CTX)]
    assert claimed == ([expected] if expected else [])


def test_nested_votes_suggestion_and_flags():
    [comp] = ARGILLA2.adapt(NESTED, CTX)
    assert isinstance(comp, Comparison)
    assert (comp.prompt, comp.a, comp.b) == (PROMPT, R1, R2)
    assert comp.votes == [Vote(U1, "a"), Vote(U2, "a"), Vote(U3, "b")]
    assert comp.id == "rec-1" and comp.source == "export.json"
    assert (comp.h_a, comp.h_b) == (None, 1)
    assert comp.metadata["topic"] == "geography"
    assert comp.metadata["argilla_status"] == "completed"
    # the suggestion is kept for reference and is not a vote
    assert comp.metadata["suggestion"]["agent"] == "judge-llm-v1"
    assert len(comp.votes) == 3


def test_nested_status_when_present_filters_drafts():
    row = _nested(
        {
            "preference": [
                {"value": "response2", "user_id": U1, "status": "submitted"},
                {"value": "response1", "user_id": U2, "status": "draft"},
                {"value": "response1", "user_id": U3, "status": "discarded"},
            ]
        }
    )
    [comp] = ARGILLA2.adapt(row, CTX)
    assert comp.votes == [Vote(U1, "b")]
    only_drafts = _nested(
        {"preference": [{"value": "response1", "user_id": U2, "status": "draft"}]}
    )
    assert ARGILLA2.adapt(only_drafts, CTX).reason == "no_submitted_responses"


def test_nested_unannotated_record_drops():
    drop = ARGILLA2.adapt(NESTED_UNANNOTATED, CTX)
    assert isinstance(drop, Drop) and drop.reason == "no_submitted_responses"


def test_nested_ranking_question_gives_comparisons():
    row = _nested(
        {
            "ranking": [
                {"value": ["response3", "response1", "response2"], "user_id": U1},
                {"value": ["response3", "response2", "response1"], "user_id": U2},
            ]
        },
        id="rec-9",
        suggestions={},
    )
    row["fields"]["response3"] = "Canberra, in the ACT."
    best = ARGILLA2.adapt(row, CTX)
    assert [(c.a, c.b) for c in best] == [
        ("Canberra, in the ACT.", R1),
        ("Canberra, in the ACT.", R2),
    ]
    assert all(c.votes == [Vote(U1, "a"), Vote(U2, "a")] for c in best)
    assert best[0].id == "rec-9:response3>response1"
    pairs = ARGILLA2.adapt(row, AdaptContext(ranking_pairs="all"))
    assert len(pairs) == 3
    r1_r2 = next(c for c in pairs if (c.a, c.b) == (R1, R2))
    assert r1_r2.votes == [Vote(U1, "a"), Vote(U2, "b")]


def test_label_values_override_and_unknown_value():
    row = _nested({"preference": [{"value": "X", "user_id": U1}, {"value": "Y", "user_id": U2}]})
    assert ARGILLA2.adapt(row, CTX).reason == "unknown_label_value"
    ctx = AdaptContext(label_values={"X": "b", "Y": "tie"}, question="preference")
    [comp] = ARGILLA2.adapt(row, ctx)
    assert comp.votes == [Vote(U1, "b"), Vote(U2, "tie")]
    assert ARGILLA2.adapt(row, AdaptContext(question="preference")).reason == "unknown_label_value"


@pytest.mark.parametrize(
    ("value", "pick"),
    [("chosen-A", "a"), ("B", "b"), ("1", "a"), ("2", "b"), ("equal", "tie"), ("both", "tie")],
)
def test_common_label_spellings(value, pick):
    row = _nested({"preference": [{"value": value, "user_id": U1}]})
    [comp] = ARGILLA2.adapt(row, CTX)
    assert comp.votes == [Vote(U1, pick)]


def test_column_map_and_question_choice():
    row = {
        "id": "r",
        "fields": {"query": PROMPT, "left": R2, "right": R1, "notes": "n"},
        "responses": {
            "quality": [{"value": 4, "user_id": U1}],
            "better": [{"value": "right", "user_id": U1}],
        },
        "suggestions": {},
        "metadata": {},
    }
    ctx = AdaptContext(column_map={"prompt": "query", "a": "left", "b": "right"})
    [comp] = ARGILLA2.adapt(row, ctx)
    assert (comp.prompt, comp.a, comp.b, comp.votes) == (PROMPT, R2, R1, [Vote(U1, "b")])
    assert comp.metadata == {"notes": "n"}
    # the rating question is skipped in auto mode; named explicitly, a 4 is no a/b/tie
    rating = AdaptContext(column_map={**ctx.column_map, "question": "quality"})
    assert ARGILLA2.adapt(row, rating).reason == "unknown_label_value"
    # without the map there is no telling which of three text fields are the responses
    assert ARGILLA2.adapt(row, CTX).reason == "missing_responses"


def test_flat_only_submitted_count():
    [comp] = ARGILLA2_FLAT.adapt(FLAT, CTX)
    assert comp.votes == [Vote(U1, "b")]
    assert (comp.prompt, comp.a, comp.b, comp.id) == (PROMPT, R1, R2, "rec-1")
    assert comp.metadata["topic"] == "geography"
    assert comp.metadata["suggestion"] == {
        "value": "response1",
        "score": 0.91,
        "agent": "judge-llm-v1",
    }
    assert ARGILLA2_FLAT.adapt(FLAT_UNANNOTATED, CTX).reason == "no_submitted_responses"


def test_flat_through_parquet(tmp_path):
    pl = pytest.importorskip("polars")
    path = tmp_path / "flat.parquet"
    pl.DataFrame([FLAT, FLAT_UNANNOTATED]).write_parquet(path)
    rows = pl.read_parquet(path).to_dicts()
    assert ARGILLA2_FLAT.detect(rows, CTX) and not ARGILLA1.detect(rows, CTX)
    [comp] = ARGILLA2_FLAT.adapt(rows[0], CTX)
    assert comp.votes == [Vote(U1, "b")]
    assert ARGILLA2_FLAT.adapt(rows[1], CTX).reason == "no_submitted_responses"


def test_flat_ranking_and_factual_fields():
    row = {
        "id": "r5",
        "status": "completed",
        "_server_id": None,
        "instruction": PROMPT,
        "generation-1": R1,
        "generation-2": R2,
        "h_a": 0,
        "h_b": 1,
        "rank.responses": [["generation-2", "generation-1"], ["generation-1", "generation-2"]],
        "rank.responses.users": [U1, U2],
        "rank.responses.status": ["submitted", "submitted"],
    }
    [comp] = ARGILLA2_FLAT.adapt(row, CTX)
    # equal mean ranks: the first field is "best"; each ranking still gives its own vote
    assert (comp.a, comp.b) == (R1, R2)
    assert comp.votes == [Vote(U1, "b"), Vote(U2, "a")]
    assert (comp.h_a, comp.h_b) == (0, 1)


def test_v1_votes_metadata_json_and_flags():
    [comp] = ARGILLA1.adapt(V1, CTX)
    assert (comp.prompt, comp.a, comp.b) == (PROMPT, R1, R2)
    assert comp.votes == [Vote(U1, "b"), Vote(U3, "tie")]
    assert comp.id == "ext-7"
    assert comp.metadata["split"] == "train"
    assert comp.metadata["suggestion"]["agent"] == "gpt-4"
    assert (comp.h_a, comp.h_b) == (1, None)  # response1_factual = False -> has an error


def test_v1_dict_of_lists_and_ranking():
    row = {
        "prompt": PROMPT,
        "response_a": R1,
        "response_b": R2,
        "ranking": {
            "user_id": [U1, U2, U3],
            "value": [
                {"rank": [1, 2], "value": ["response_b", "response_a"]},
                {"rank": [1, 1], "value": ["response_a", "response_b"]},
                {"rank": [1, 2], "value": ["response_b", "response_a"]},
            ],
            "status": ["submitted", "submitted", "draft"],
        },
        "ranking-suggestion": None,
        "ranking-suggestion-metadata": {"type": None, "score": None, "agent": None},
        "external_id": None,
        "metadata": "{}",
    }
    assert ARGILLA1.detect([row], CTX)
    [comp] = ARGILLA1.adapt(row, CTX)
    assert (comp.a, comp.b) == (R2, R1)
    assert comp.votes == [Vote(U1, "a"), Vote(U2, "tie")]
    assert comp.metadata is None


def test_v1_through_datasets_and_unannotated():
    datasets = pytest.importorskip("datasets")
    from datasets import Features, Sequence, Value

    ranking = Sequence({"rank": Value("uint8"), "value": Value("string")})
    response = {"user_id": Value("string"), "value": ranking, "status": Value("string")}
    meta = {"type": Value("string"), "score": Value("float32"), "agent": Value("string")}
    features = Features(
        {
            "prompt": Value("string"),
            "response-1": Value("string"),
            "response-2": Value("string"),
            "ranking": [response],
            "ranking-suggestion": ranking,
            "ranking-suggestion-metadata": meta,
            "external_id": Value("string"),
            "metadata": Value("string"),
        }
    )
    none_meta = {"type": None, "score": None, "agent": None}
    data = {
        "prompt": [PROMPT, PROMPT],
        "response-1": [R1, R1],
        "response-2": [R2, R2],
        "ranking": [
            [
                {
                    "user_id": U1,
                    "value": {"rank": [1, 2], "value": ["response-1", "response-2"]},
                    "status": "submitted",
                }
            ],
            [],
        ],
        "ranking-suggestion": [None, {"rank": [1, 2], "value": ["response-2", "response-1"]}],
        "ranking-suggestion-metadata": [none_meta, {"type": "model", "score": 0.5, "agent": "m"}],
        "external_id": ["e1", "e2"],
        "metadata": [json.dumps({"batch": 3}), "{}"],
    }
    rows = list(datasets.Dataset.from_dict(data, features=features))
    assert ARGILLA1.detect(rows, CTX)
    assert not ARGILLA2.detect(rows, CTX) and not ARGILLA2_FLAT.detect(rows, CTX)
    [comp] = ARGILLA1.adapt(rows[0], CTX)
    assert (comp.a, comp.b, comp.votes) == (R1, R2, [Vote(U1, "a")])
    assert comp.id == "e1:response-1>response-2" and comp.metadata == {"batch": 3}
    # a suggestion alone is no annotation
    assert ARGILLA1.adapt(rows[1], CTX).reason == "no_submitted_responses"


def test_bad_rows_drop_without_raising():
    no_prompt = _nested({"preference": [{"value": "response1", "user_id": U1}]})
    no_prompt["fields"] = {"response1": R1, "response2": R2}
    assert ARGILLA2.adapt(no_prompt, CTX).reason == "missing_prompt"
    assert ARGILLA2.adapt({"fields": None, "responses": {}}, CTX).reason == "missing_fields"
    bad_rank = _nested({"ranking": [{"value": ["response9", "response1"], "user_id": U1}]})
    assert ARGILLA2.adapt(bad_rank, CTX).reason == "unknown_ranking_value"


def test_chat_prompt_and_multilabel_question_not_taken_for_a_ranking():
    chat = [{"role": "user", "content": PROMPT}]
    row = {
        "id": "c1",
        "fields": {"chat": chat, "response_a": R1, "response_b": R2},
        "responses": {
            "issues": [{"value": ["verbose", "off-topic"], "user_id": U1}],
            "which_is_better": [{"value": "response_b", "user_id": U1}],
        },
        "suggestions": {},
        "metadata": {},
    }
    [comp] = ARGILLA2.adapt(row, CTX)
    assert comp.prompt == chat and comp.votes == [Vote(U1, "b")]
