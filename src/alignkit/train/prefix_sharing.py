"""Prefix sharing for DPO: a pair's chosen and rejected answers share their prompt, so the prompt
is encoded once (Wang et al. 2024, "Accelerating Direct Preference Optimization with Prefix
Sharing", arXiv:2410.20305).

TRL's DPOTrainer runs the model on `[chosen rows; rejected rows]`, each prompt + answer, right
padded, and reads per-token log-probs from its fused LM head (`model(..., labels=labels,
fused_lm_head=True)`). Here that one call is intercepted at the base model's forward (below
PEFT and DDP, so adapters and gradient sync see an ordinary forward) and each pair becomes one
row:

    [shared prefix (positions 0..n-1)] [chosen tail (n..Lc-1)] [rejected tail (n-1..Lr-1)]

with position ids as in the unpacked rows and a 4D attention mask under which the chosen tail
sees the prefix and itself, and the rejected tail sees the prefix before n-1 and itself. The
rejected tail repeats the prefix's last token (position n-1): its output predicts the rejected
answer's first token, as the prefix's last output predicts the chosen one's. Every packed token
sees exactly the tokens it saw in its unpacked row, at the same positions, so its hidden state,
log-prob and gradient are the unpacked path's up to float rounding (tests compare them). The
fused head scores the packed rows with pre-shifted labels (`shift_labels`), and the per-token
outputs are scattered back to the unpacked layout, so TRL's loss, metrics and ld_alpha code run
unchanged.

The prefix is the pair's common leading tokens, capped where either answer starts, so any
truncation (TRL's keep_start or keep_end) is handled: when keep_end cut the two prompts
differently they share less, or nothing, and are still exact. Packing needs a decoder that takes
position ids and a custom 4D mask with "eager" or "sdpa" attention and no sliding window
(`supported`); anything else runs TRL's path as it is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch

# shared with the reward model's packing (train/packing.py); `supported`, `active` and the
# families are this module's API too, as before
from alignkit.train.packing import (  # noqa: F401
    ATTENTION,
    FAMILIES,
    active,
    attention_mask,
    common_prefix,
    is_active,
    supported,
    visibility,
)


def install(model) -> None:
    """Wrap the forward of `model` (the PreTrainedModel TRL patched with its fused LM head)."""
    if getattr(model, "_alignkit_prefix_sharing", False):
        return
    fused_forward = model.forward
    counts = model._alignkit_token_counts = {"packed": 0, "unpacked": 0}

    # the wrapped signature: generate() inspects the forward's parameters for what to pass
    @functools.wraps(fused_forward)
    def forward(*args, **kwargs):
        batch = _packable(args, kwargs) if is_active() else None
        if batch is None:
            return fused_forward(*args, **kwargs)
        packed = pack(*batch)
        counts["packed"] += int(packed.input_ids.numel())
        counts["unpacked"] += int(batch[0].numel())
        out = fused_forward(
            input_ids=packed.input_ids,
            attention_mask=attention_mask(packed, model.config, model.dtype),
            position_ids=packed.position_ids,
            shift_labels=packed.shift_labels,
            fused_lm_head=True,
            use_cache=False,
        )
        return unpack(out, packed)

    model.forward = forward
    model._alignkit_prefix_sharing = True


def _packable(args, kwargs):
    """(input_ids, attention_mask, labels) of a DPO fused-head call, or None for any other call."""
    if args or not kwargs.get("fused_lm_head") or kwargs.get("shift_labels") is not None:
        return None
    if kwargs.get("output_router_logits"):
        return None  # MoE's load-balancing loss wants the unpacked rows
    # PEFT passes its unused arguments on as None
    given = {k for k, v in kwargs.items() if v is not None}
    extra = given - {"input_ids", "attention_mask", "labels", "fused_lm_head", "use_cache"}
    ids, attention, labels = (kwargs.get(k) for k in ("input_ids", "attention_mask", "labels"))
    if extra or ids is None or labels is None or attention is None or attention.ndim != 2:
        return None
    if ids.shape[0] % 2:
        return None
    lengths = attention.sum(dim=1)
    columns = torch.arange(attention.shape[1], device=attention.device)
    if not torch.equal(attention.bool(), columns < lengths[:, None]):
        return None  # not right-padded rows
    return ids, lengths, labels


@dataclass
class Packed:
    input_ids: torch.Tensor  # (pairs, width)
    position_ids: torch.Tensor
    segment: torch.Tensor  # 0 prefix, 1 chosen tail, 2 rejected tail, -1 padding
    prefix_limit: torch.Tensor  # per token: the prefix positions below this are visible to it
    shift_labels: torch.Tensor  # per token: the label its output predicts, or -100
    # (rows, width - 1) unpacked layout -> flat index into the packed (pairs * width) tokens
    source: torch.Tensor
    valid: torch.Tensor  # the unpacked positions that have a packed source
    unpacked_labels: torch.Tensor  # (rows, width - 1), TRL's shifted labels


def _first_label(labels: torch.Tensor, length: int) -> int:
    scored = (labels[:length] != -100).nonzero()
    return int(scored[0]) if len(scored) else length


def pack(input_ids: torch.Tensor, lengths: torch.Tensor, labels: torch.Tensor) -> Packed:
    """One row per pair; row i of `input_ids` is pair i's chosen, row pairs + i its rejected."""
    pairs, width = input_ids.shape[0] // 2, input_ids.shape[1]
    device = input_ids.device
    rows = []
    for i in range(pairs):
        c, r = i, pairs + i
        lc, lr = int(lengths[c]), int(lengths[r])
        start = min(_first_label(labels[c], lc), _first_label(labels[r], lr))
        n = min(common_prefix(input_ids[c, :lc], input_ids[r, :lr]), start)
        m = max(n - 1, 0)  # the rejected tail starts at the prefix's last token
        rows.append((c, r, lc, lr, n, m))
    packed_width = max(lc + (lr - m) for _, _, lc, lr, _, m in rows)
    ids = torch.zeros((pairs, packed_width), dtype=input_ids.dtype, device=device)
    position = torch.zeros_like(ids)
    segment = torch.full_like(ids, -1)
    limit = torch.zeros_like(ids)
    shift = torch.full_like(ids, -100)
    source = torch.full((2 * pairs, width - 1), -1, dtype=torch.long, device=device)
    for i, (c, r, lc, lr, n, m) in enumerate(rows):
        tail = lc + (lr - m)
        ids[i, :lc] = input_ids[c, :lc]
        ids[i, lc:tail] = input_ids[r, m:lr]
        position[i, :lc] = torch.arange(lc, device=device)
        position[i, lc:tail] = torch.arange(m, lr, device=device)
        segment[i, :n], segment[i, n:lc], segment[i, lc:tail] = 0, 1, 2
        limit[i, n:lc], limit[i, lc:tail] = n, m
        # the output at a token predicts the next token of its own row
        shift[i, : lc - 1] = labels[c, 1:lc]
        shift[i, lc : tail - 1] = labels[r, m + 1 : lr]
        base = i * packed_width
        # unpacked output t (predicting token t+1) of the chosen row is packed token t; of the
        # rejected row, prefix token t before m, then the rejected tail
        source[c, : lc - 1] = base + torch.arange(lc - 1, device=device)
        source[r, :m] = base + torch.arange(m, device=device)
        source[r, m : lr - 1] = base + lc + torch.arange(lr - 1 - m, device=device)
    return Packed(
        input_ids=ids,
        position_ids=position,
        segment=segment,
        prefix_limit=limit,
        shift_labels=shift,
        source=source,
        valid=source >= 0,
        unpacked_labels=labels[:, 1:],
    )


def unpack(out, packed: Packed):
    """TRL's FusedCausalLMOutput for the unpacked rows: each per-token field gathered back from
    the packed tokens, zero where the unpacked label is -100 (as TRL's head returns it)."""
    mask = (packed.unpacked_labels != -100) & packed.valid
    index = packed.source.clamp(min=0)
    fields = {}
    for name in ("log_probs", "entropy", "log_sum_sq_probs", "mean_logits", "is_top1"):
        value = getattr(out, name)
        if value is None:
            fields[name] = None
            continue
        gathered = value.reshape(-1)[index.reshape(-1)].view(index.shape)
        fields[name] = gathered.masked_fill(~mask, 0)
    loss = -fields["log_probs"].sum() / mask.sum().clamp(min=1)
    return type(out)(loss=loss, label_mask=mask, aux_loss=None, **fields)
