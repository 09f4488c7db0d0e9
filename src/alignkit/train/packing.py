"""What the two prefix-sharing paths share, DPO's (prefix_sharing.py) and the reward model's
(rm_prefix_sharing.py): which models can be packed, the switch under which a trainer's model
calls are packed, a pair's common leading tokens, and the 4D attention mask of packed rows.

A packed row is segments of tokens: 0 the shared prefix, 1 the chosen tail, 2 the rejected
tail, -1 padding. Each token has its unpacked position and a prefix limit (the prefix positions
below it are visible to it); every token sees, causally, its own segment and the prefix below
its limit, so it sees exactly what it saw in its unpacked row.
"""

from __future__ import annotations

import contextlib
import threading

import torch

# decoder families whose attention takes position_ids and a custom 4D mask as given (rotary
# positions, no sliding window when the config has none): checked by the tests on tiny-llama
# and tiny-qwen2; others fall back to TRL's unpacked forward
FAMILIES = frozenset({"llama", "qwen2", "qwen3", "mistral", "olmo2", "granite", "smollm3"})
ATTENTION = frozenset({"eager", "sdpa"})
_state = threading.local()


def supported(config) -> str | None:
    """Why this model cannot be packed (None: it can)."""
    family = getattr(config, "model_type", None)
    if family not in FAMILIES:
        return f"model type {family!r} is not one prefix sharing was checked on"
    attention = getattr(config, "_attn_implementation", None) or "eager"
    if attention not in ATTENTION:
        return f"attention {attention!r} takes no custom 4D mask"
    if getattr(config, "sliding_window", None) and getattr(config, "use_sliding_window", True):
        return "a sliding-window attention would be lost under a custom mask"
    return None


@contextlib.contextmanager
def active():
    """Pack the calls made inside this block (a trainer's loss and reference passes)."""
    before = getattr(_state, "on", False)
    _state.on = True
    try:
        yield
    finally:
        _state.on = before


def is_active() -> bool:
    return getattr(_state, "on", False)


def common_prefix(a: torch.Tensor, b: torch.Tensor) -> int:
    """How many leading tokens two 1D id tensors share."""
    n = min(len(a), len(b))
    differ = (a[:n] != b[:n]).nonzero()
    return int(differ[0]) if len(differ) else n


def visibility(packed) -> torch.Tensor:
    """(pairs, width, width) bool, True where query q may attend to key k: earlier or itself,
    and in its own segment or in the prefix before its limit. `packed` has `segment`,
    `position_ids` and `prefix_limit`, each (pairs, width). Padding sees the padding
    up to itself (a row that sees nothing would give NaN, and NaN spreads even through zero
    weights)."""
    seg, pos, limit = packed.segment, packed.position_ids, packed.prefix_limit
    width = seg.shape[1]
    causal = torch.ones(width, width, dtype=torch.bool, device=seg.device).tril()
    same = seg[:, :, None] == seg[:, None, :]
    prefix = (seg[:, None, :] == 0) & (pos[:, None, :] < limit[:, :, None])
    return causal & (same | prefix)


def attention_mask(packed, config, dtype: torch.dtype) -> torch.Tensor:
    """The 4D mask the model's attention takes for `visibility(packed)`."""
    visible = visibility(packed)[:, None]  # (pairs, 1, q, k), the shape attention takes
    if (getattr(config, "_attn_implementation", None) or "eager") == "sdpa":
        return visible
    # eager attention adds its mask to the scores
    floating = dtype if dtype.is_floating_point else torch.float32
    return torch.zeros(visible.shape, dtype=floating, device=visible.device).masked_fill(
        ~visible, torch.finfo(floating).min
    )
