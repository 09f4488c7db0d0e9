"""How a reward model reads a pair (alignkit.models.tokenize): one list of encoder types, shared
by loading (an encoder is never a policy), training and evaluation."""

from __future__ import annotations

from types import SimpleNamespace

from alignkit.models import loading
from alignkit.models.tokenize import ENCODER_TYPES, is_encoder, truncate


def test_one_list_of_encoder_types():
    assert loading.ENCODER_TYPES is ENCODER_TYPES
    assert is_encoder(SimpleNamespace(config=SimpleNamespace(model_type="bert")))
    assert not is_encoder(SimpleNamespace(config=SimpleNamespace(model_type="llama")))
    assert not is_encoder(object())


def test_truncation_keeps_an_encoders_leading_token():
    assert truncate([1, 2, 3, 4], 3, "left", encoder=True) == ([1, 3, 4], True)
    assert truncate([1, 2, 3, 4], 3, "left", encoder=False) == ([2, 3, 4], True)
    assert truncate([1, 2, 3, 4], 3, "right", encoder=True) == ([1, 2, 3], True)
    assert truncate([1, 2], 3, "right", encoder=False) == ([1, 2], False)
