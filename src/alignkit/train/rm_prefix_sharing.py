"""Prefix sharing for reward-model training on decoder backbones: a pair's chosen and rejected
sequences share their prompt, so the prompt is encoded once (as train/prefix_sharing.py does
for DPO, after Wang et al. 2024, arXiv:2410.20305).

TRL's RewardTrainer.compute_loss runs `model(**inputs)` on `[chosen rows; rejected rows]`, right
padded by its collator, and splits the (2B, 1) logits with `torch.chunk(logits, 2)`. The
sequence classifier's score is its head on the hidden state of each row's last token that is
not the pad id (transformers' GenericForSequenceClassification). Here that one call is
intercepted at the classifier's forward (below PEFT and DDP, so adapters and gradient sync see
an ordinary forward) and each pair becomes one row:

    [shared prefix (positions 0..n-1)] [chosen tail (n..Lc-1)] [rejected tail (n..Lr-1)]

with position ids as in the unpacked rows and a 4D mask under which each tail sees the prefix
and itself, causally (train/packing.py). A reward model reads hidden states, not next-token
predictions, so unlike DPO's rows the rejected tail repeats no token; the prefix is capped at
min(Lc, Lr) - 1 so that each tail keeps a token. The base model runs the packed rows, the
hidden state of each unpacked row's scored token is gathered from where that token sits in the
packed row (in the prefix, or in its tail), and the score head gives the (2B, 1) logits in
TRL's order, so TRL's loss, margin, centring and metrics run unchanged.

Only decoders that packing.supported accepts, as transformers' generic sequence classifiers
with a pad id, are packed; anything else (BERT-style encoders, whose attention is
bidirectional, so nothing can be shared) runs TRL's path as it is.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import torch
from transformers import TrainerCallback

from alignkit.train import packing

log = logging.getLogger("alignkit.train")
# what TRL's compute_loss passes besides the rows: `margin` is the batch's column (the model
# ignores it), `use_cache` is False; PEFT adds `return_dict` and unused arguments as None
_PASSED = frozenset({"input_ids", "attention_mask", "margin", "return_dict"})


def supported(model) -> str | None:
    """Why the reward model `model` (not PEFT-wrapped) cannot be packed (None: it can)."""
    from transformers.modeling_layers import GenericForSequenceClassification

    why = packing.supported(model.config)
    if why:
        return why
    if not isinstance(model, GenericForSequenceClassification):
        return f"{type(model).__name__} is not a sequence classifier prefix sharing handles"
    if model.config.get_text_config().pad_token_id is None:
        return "the model has no pad token id"
    return None


def install(model) -> None:
    """Wrap the forward of the sequence classifier `model`; its calls inside packing.active()
    that are TRL's reward-model batches are packed."""
    if getattr(model, "_alignkit_rm_prefix_sharing", False):
        return
    plain_forward = model.forward
    counts = model._alignkit_token_counts = {"packed": 0, "unpacked": 0}
    pad = model.config.get_text_config().pad_token_id

    @functools.wraps(plain_forward)
    def forward(*args, **kwargs):
        batch = _packable(args, kwargs, pad) if packing.is_active() else None
        if batch is None:
            return plain_forward(*args, **kwargs)
        packed = pack(*batch, pad)
        counts["packed"] += int(packed.input_ids.numel())
        counts["unpacked"] += int(batch[0].numel())
        return score(model, packed)

    model.forward = forward
    model._alignkit_rm_prefix_sharing = True


def _packable(args, kwargs, pad: int):
    """(input_ids, lengths, scored) of a RewardTrainer call, or None for any other call."""
    if args:
        return None
    given = {k for k, v in kwargs.items() if v is not None and v is not False}
    if given - _PASSED:
        return None  # labels, a cache, hidden states or attentions asked for: not TRL's call
    ids, attention = kwargs.get("input_ids"), kwargs.get("attention_mask")
    if ids is None or attention is None or ids.ndim != 2 or attention.ndim != 2:
        return None
    if ids.shape[0] % 2 or ids.shape[0] == 0:
        return None
    lengths = attention.sum(dim=1)
    columns = torch.arange(attention.shape[1], device=attention.device)
    if not torch.equal(attention.bool(), columns < lengths[:, None]):
        return None  # not right-padded rows
    scored = scored_tokens(ids, pad)
    # an empty row, or one whose scored token is padding (a collator that pads with another
    # id than the model's): kept as the model computes it, unpacked
    if bool((lengths < 1).any()) or bool((scored >= lengths).any()):
        return None
    return ids, lengths, scored


def scored_tokens(input_ids: torch.Tensor, pad: int) -> torch.Tensor:
    """The token each row is scored at: the rightmost one that is not `pad`, 0 when none is
    (GenericForSequenceClassification's own rule, repeated here to the letter)."""
    non_pad = (input_ids != pad).to(torch.int32)
    columns = torch.arange(input_ids.shape[-1], device=input_ids.device, dtype=torch.int32)
    return (columns * non_pad).argmax(-1)


@dataclass
class Packed:
    input_ids: torch.Tensor  # (pairs, width)
    position_ids: torch.Tensor
    segment: torch.Tensor  # 0 prefix, 1 chosen tail, 2 rejected tail, -1 padding
    prefix_limit: torch.Tensor  # per token: the prefix positions below this are visible to it
    scored: torch.Tensor  # (rows,): flat index into the packed tokens of each row's scored one
    shared: list[int]  # per pair: the prefix length n


def pack(input_ids: torch.Tensor, lengths: torch.Tensor, scored: torch.Tensor, pad: int) -> Packed:
    """One row per pair; row i of `input_ids` is pair i's chosen, row pairs + i its rejected.
    The layout is worked out on the CPU (a few small tensors) and gathered on the device."""
    pairs, width = input_ids.shape[0] // 2, input_ids.shape[1]
    ids = input_ids.cpu()
    lengths, scored = lengths.tolist(), scored.tolist()
    rows = []
    for i in range(pairs):
        c, r = i, pairs + i
        lc, lr = lengths[c], lengths[r]
        n = min(packing.common_prefix(ids[c, :lc], ids[r, :lr]), min(lc, lr) - 1)
        rows.append((c, r, lc, lr, n))
    packed_width = max(lc + lr - n for _, _, lc, lr, n in rows)
    source = torch.zeros((pairs, packed_width), dtype=torch.long)  # flat index into input_ids
    position = torch.zeros((pairs, packed_width), dtype=torch.long)
    segment = torch.full((pairs, packed_width), -1, dtype=torch.long)
    limit = torch.zeros((pairs, packed_width), dtype=torch.long)
    flat = torch.empty(2 * pairs, dtype=torch.long)
    for i, (c, r, lc, lr, n) in enumerate(rows):
        tail = lc + lr - n
        source[i, :lc] = c * width + torch.arange(lc)
        source[i, lc:tail] = r * width + torch.arange(n, lr)
        position[i, :lc] = torch.arange(lc)
        position[i, lc:tail] = torch.arange(n, lr)
        segment[i, :n], segment[i, n:lc], segment[i, lc:tail] = 0, 1, 2
        limit[i, n:tail] = n
        base = i * packed_width
        flat[c] = base + scored[c]  # the chosen row is the packed row's start
        # the rejected row's token t is the prefix's before n, then its tail's
        flat[r] = base + (scored[r] if scored[r] < n else lc + scored[r] - n)
    device = input_ids.device
    segment = segment.to(device)
    packed_ids = input_ids.reshape(-1)[source.to(device)].masked_fill(segment < 0, pad)
    return Packed(
        input_ids=packed_ids,
        position_ids=position.to(device),
        segment=segment,
        prefix_limit=limit.to(device),
        scored=flat.to(device),
        shared=[n for *_, n in rows],
    )


def score(model, packed: Packed):
    """The classifier's output for TRL's unpacked rows, from the packed ones: the base model's
    hidden state at each row's scored token through the score head (PEFT's copy of it, when
    the head is a module PEFT trains)."""
    from transformers.modeling_outputs import SequenceClassifierOutputWithPast

    base = getattr(model, model.base_model_prefix)
    hidden = base(
        input_ids=packed.input_ids,
        attention_mask=packing.attention_mask(packed, model.config, model.dtype),
        position_ids=packed.position_ids,
        use_cache=False,
    ).last_hidden_state
    pooled = hidden.reshape(-1, hidden.shape[-1])[packed.scored]
    return SequenceClassifierOutputWithPast(logits=model.score(pooled))


def base_of(model):
    """The sequence classifier under PEFT's wrapper (the model itself without one)."""
    from peft import PeftModel

    return model.get_base_model() if isinstance(model, PeftModel) else model


class TokenReport(TrainerCallback):
    """Logs, once, when training ends, the share of TRL's tokens the packed rows ran."""

    def __init__(self, counts: dict):
        self.counts = counts

    def on_train_end(self, args, state, control, **kwargs):
        if state.is_world_process_zero and self.counts["unpacked"]:
            share = self.counts["packed"] / self.counts["unpacked"]
            log.info("prefix sharing: on, %.0f%% of tokens", 100 * share)


@functools.cache
def reward_trainer():
    """TRL's RewardTrainer whose loss calls (training and evaluation) run packed; the rest,
    the loss included, is TRL's. Made on first use: the packing above needs no TRL."""
    from trl import RewardTrainer

    class PrefixSharingRewardTrainer(RewardTrainer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            base = base_of(self.model)
            install(base)
            self.token_counts = base._alignkit_token_counts
            self.add_callback(TokenReport(self.token_counts))

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            with packing.active():
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)

    return PrefixSharingRewardTrainer
