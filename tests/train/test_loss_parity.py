"""alignkit's pure losses against the TRL 1.16 code that actually trains (issue 13).

`losses.py` writes each loss out; the trainers run TRL's. These tests feed both the same random
(seeded) log-probs and compare the numbers, to 1e-6:

- DPO sigmoid / hinge / ipo, and Factual-DPO: `DPOTrainer._compute_loss`, on batches built by
  TRL's own `DataCollatorForPreference`, with the reference log-probs as the precomputed
  `ref_chosen_logps` / `ref_rejected_logps` columns (alignkit's DPO always precomputes them) and,
  once, from a live reference model.
- KTO: `KTOTrainer._compute_loss` (loss_type "kto"), on batches from TRL's
  `DataCollatorForUnpairedPreference` with KL completions, the reference live (alignkit's KTO
  default) and precomputed.
- ORPO: `trl.experimental.orpo.ORPOTrainer.odds_ratio_loss` and `get_batch_loss_metrics`.

TRL's trainers are made with `object.__new__` (no `__init__`: no model loading, no dataset
preparation), the attributes `_compute_loss` reads set as `__init__` sets them from a real
DPOConfig / KTOConfig. The "model" is a unigram table: the log-prob of each next token depends on
the token only, returned as TRL's `FusedCausalLMOutput` with zeros where the label is -100 (the
fused LM head's contract), so the summed log-probs alignkit gets are computed independently, from
the token lists, while TRL computes its own from the padded batch.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from trl import DPOConfig, DPOTrainer, KTOConfig, KTOTrainer
from trl.trainer.dpo_trainer import DataCollatorForPreference
from trl.trainer.kto_trainer import DataCollatorForUnpairedPreference
from trl.trainer.utils import FusedCausalLMOutput

from alignkit.train.losses import (
    factual_dpo_loss,
    hinge_loss,
    ipo_loss,
    kto_loss,
    orpo_odds_ratio_loss,
    sigmoid_loss,
)

# DPOConfig / KTOConfig's TrainingArguments warn about a renamed field they set themselves
pytestmark = pytest.mark.filterwarnings(
    "ignore:`gradient_checkpointing` is deprecated:FutureWarning"
)

TOL = {"rtol": 1e-6, "atol": 1e-6}
VOCAB = 40
PAD = 0


class UnigramLM(torch.nn.Module):
    """A causal LM whose next-token log-prob is table[token], called the way TRL calls the model."""

    def __init__(self, table: torch.Tensor):
        super().__init__()
        self.table = table
        self.calls = 0
        self.is_gradient_checkpointing = False
        self.eval()

    def forward(self, input_ids, labels, fused_lm_head, **kwargs):
        assert fused_lm_head
        self.calls += 1
        targets = labels[:, 1:]
        mask = targets != -100
        log_probs = torch.where(mask, self.table[targets.clamp(min=0)], 0.0)
        zeros = torch.zeros_like(log_probs)
        return FusedCausalLMOutput(
            log_probs=log_probs,
            entropy=zeros,
            mean_logits=zeros,
            is_top1=torch.zeros_like(mask),
            label_mask=mask,
        )

    def logp(self, tokens: list[int]) -> float:
        """Summed log-prob of a completion, from the token list (not from TRL's padded batch)."""
        return float(self.table[tokens].sum())


def _table(gen: torch.Generator) -> torch.Tensor:
    # float64, so the comparison is of the formulas, not of float32 rounding in different orders
    return -torch.rand(VOCAB, generator=gen, dtype=torch.float64) * 3.0 - 0.05


def _tokens(gen: torch.Generator, low: int, high: int) -> list[int]:
    n = int(torch.randint(low, high + 1, (1,), generator=gen))
    return torch.randint(1, VOCAB, (n,), generator=gen).tolist()


def _f32(x: float) -> float:
    # the collators turn these columns into float32 tensors; pick values float32 holds exactly
    return float(np.float32(x))


class Recorder:
    """accelerator stand-in for one process: gather is the identity, and remembered."""

    device = torch.device("cpu")

    def __init__(self):
        self.gathered: list[torch.Tensor] = []

    def gather(self, x):
        self.gathered.append(x)
        return x

    def gather_for_metrics(self, x):
        return x

    def unwrap_model(self, model):
        return model


# --- DPO -----------------------------------------------------------------------------------------


def _dpo_trainer(cls, tmp_path, policy, ref_model=None, **config):
    args = DPOConfig(output_dir=str(tmp_path), report_to=[], bf16=False, use_cpu=True, **config)
    trainer = object.__new__(cls)
    # what DPOTrainer.__init__ sets from args (dpo_trainer.py, "Training arguments")
    trainer.args = args
    trainer.beta = args.beta
    trainer.precompute_ref_logps = args.precompute_ref_log_probs
    trainer.loss_types = args.loss_type
    trainer.loss_weights = args.loss_weights or [1.0] * len(trainer.loss_types)
    trainer.ld_alpha = args.ld_alpha
    trainer.f_divergence_type = args.f_divergence_type
    trainer.f_alpha_divergence_coef = args.f_alpha_divergence_coef
    trainer.label_smoothing = args.label_smoothing
    trainer.use_weighting = args.use_weighting
    trainer.aux_loss_enabled = False
    trainer.model = policy
    trainer.ref_model = ref_model
    trainer.accelerator = Recorder()
    trainer._metrics = {"train": defaultdict(list), "eval": defaultdict(list)}
    trainer._total_train_tokens = 0
    trainer._tp_size = 1
    trainer._prefix_sharing = False  # alignkit's (CachedReferenceDPOTrainer.__init__ sets it)
    return trainer


def _pairs(seed: int, n: int = 6):
    gen = torch.Generator().manual_seed(seed)
    policy, ref = UnigramLM(_table(gen)), UnigramLM(_table(gen))
    rows = []
    for _ in range(n):
        row = {
            "prompt_ids": _tokens(gen, 1, 4),
            "chosen_ids": _tokens(gen, 1, 9),
            "rejected_ids": _tokens(gen, 1, 9),
        }
        row["ref_chosen_logps"] = _f32(ref.logp(row["chosen_ids"]))
        row["ref_rejected_logps"] = _f32(ref.logp(row["rejected_ids"]))
        rows.append(row)
    return policy, ref, rows


def _trl_dpo(trainer, rows):
    """TRL's mean loss, and its per-pair losses and rewards (one call per pair)."""
    collate = DataCollatorForPreference(pad_token_id=PAD)
    batch_loss = trainer._compute_loss(trainer.model, collate(rows), return_outputs=False)
    losses, chosen, rejected = [], [], []
    for row in rows:
        trainer.accelerator.gathered.clear()
        losses.append(trainer._compute_loss(trainer.model, collate([row]), return_outputs=False))
        # _compute_loss gathers beta * logratio for chosen, then rejected, before the accuracies
        chosen.append(trainer.accelerator.gathered[0])
        rejected.append(trainer.accelerator.gathered[1])
        logged = trainer._metrics["eval"]
        assert logged["rewards/chosen"][-1] == pytest.approx(chosen[-1].item())
        assert logged["rewards/rejected"][-1] == pytest.approx(rejected[-1].item())
    return batch_loss, torch.stack(losses), torch.cat(chosen), torch.cat(rejected)


def _alignkit_inputs(policy, ref, rows, average=False):
    def col(model, key, ref_key=""):
        out = []
        for row in rows:
            # the precomputed column where the rows have one, else the model's own score
            value = row[ref_key] if ref_key in row else model.logp(row[key])
            out.append(value / len(row[key]) if average else value)
        return torch.tensor(out, dtype=torch.float64)

    return (
        col(policy, "chosen_ids"),
        col(policy, "rejected_ids"),
        col(ref, "chosen_ids", "ref_chosen_logps"),
        col(ref, "rejected_ids", "ref_rejected_logps"),
    )


@pytest.mark.parametrize("beta", [0.1, 0.7])
@pytest.mark.parametrize(
    ("loss_type", "fn"), [("sigmoid", sigmoid_loss), ("hinge", hinge_loss), ("ipo", ipo_loss)]
)
def test_dpo_losses_match_trl_dpo_trainer(tmp_path, loss_type, fn, beta):
    policy, ref, rows = _pairs(seed=13)
    trainer = _dpo_trainer(
        DPOTrainer,
        tmp_path,
        policy,
        beta=beta,
        loss_type=[loss_type],
        precompute_ref_log_probs=True,
    )
    batch_loss, trl_losses, trl_chosen, trl_rejected = _trl_dpo(trainer, rows)

    # IPO's inputs are length-averaged (TRL divides each log-ratio by the completion length)
    ipo = loss_type == "ipo"
    out = fn(*_alignkit_inputs(policy, ref, rows, average=ipo), beta)

    assert torch.allclose(out.losses, trl_losses, **TOL)
    assert torch.allclose(out.losses.mean(), batch_loss, **TOL)
    if loss_type == "hinge" and beta > 0.5:  # both sides of the hinge are exercised
        assert (trl_losses == 0).any() and (trl_losses > 0).any()
    if ipo:
        # TRL logs beta * the *summed* log-ratio for every loss type, IPO included
        lengths_c = torch.tensor([len(r["chosen_ids"]) for r in rows], dtype=torch.float64)
        lengths_r = torch.tensor([len(r["rejected_ids"]) for r in rows], dtype=torch.float64)
        assert torch.allclose(out.chosen_rewards * lengths_c, trl_chosen, **TOL)
        assert torch.allclose(out.rejected_rewards * lengths_r, trl_rejected, **TOL)
    else:
        assert torch.allclose(out.chosen_rewards, trl_chosen, **TOL)
        assert torch.allclose(out.rejected_rewards, trl_rejected, **TOL)


def test_dpo_sigmoid_matches_trl_with_a_live_reference_model(tmp_path):
    """The same, with TRL scoring the reference itself (precompute_ref_log_probs=False)."""
    policy, ref, rows = _pairs(seed=5)
    rows = [{k: v for k, v in r.items() if not k.startswith("ref_")} for r in rows]
    trainer = _dpo_trainer(
        DPOTrainer, tmp_path, policy, ref_model=ref, beta=0.3, precompute_ref_log_probs=False
    )
    batch_loss, trl_losses, trl_chosen, trl_rejected = _trl_dpo(trainer, rows)
    out = sigmoid_loss(*_alignkit_inputs(policy, ref, rows), 0.3)
    assert ref.calls > 0
    assert torch.allclose(out.losses, trl_losses, **TOL)
    assert torch.allclose(out.losses.mean(), batch_loss, **TOL)
    assert torch.allclose(out.chosen_rewards, trl_chosen, **TOL)
    assert torch.allclose(out.rejected_rewards, trl_rejected, **TOL)


def test_dpo_label_smoothing(tmp_path):
    """TRL 1.16's "sigmoid" ignores label_smoothing, so alignkit's sigmoid_loss matches it only at
    eps = 0. The cDPO expression -(1 - eps) log sigma(x) - eps log sigma(-x) is in TRL as its "aot"
    loss, which first sorts the batch's log-ratios; on one pair the sort is the identity, so TRL's
    per-pair "aot" is cDPO and must equal sigmoid_loss(..., label_smoothing=eps)."""
    eps, beta = 0.2, 0.4
    policy, ref, rows = _pairs(seed=21)
    inputs = _alignkit_inputs(policy, ref, rows)

    sig = _dpo_trainer(
        DPOTrainer, tmp_path, policy, beta=beta, label_smoothing=eps, precompute_ref_log_probs=True
    )
    trl_sigmoid = _trl_dpo(sig, rows)[1]
    assert torch.allclose(sigmoid_loss(*inputs, beta).losses, trl_sigmoid, **TOL)
    assert not torch.allclose(sigmoid_loss(*inputs, beta, eps).losses, trl_sigmoid, **TOL)

    aot = _dpo_trainer(
        DPOTrainer,
        tmp_path,
        policy,
        beta=beta,
        label_smoothing=eps,
        loss_type=["aot"],
        precompute_ref_log_probs=True,
    )
    trl_cdpo = _trl_dpo(aot, rows)[1]  # per pair: one pair per call
    assert torch.allclose(sigmoid_loss(*inputs, beta, eps).losses, trl_cdpo, **TOL)


def test_factual_dpo_matches_trl_sigmoid_on_the_shifted_reference(tmp_path):
    """`alignkit train dpo --loss-type factual` runs TRL's sigmoid loss with ref_chosen raised by
    lambda * dh (CachedReferenceDPOTrainer._with_reference); that must be factual_dpo_loss."""
    from datasets import Dataset

    from alignkit.train.dpo_trainer import CachedReferenceDPOTrainer

    beta, lam = 0.25, 1.5
    policy, ref, rows = _pairs(seed=8, n=8)
    delta_h = [1, 0, 1, 1, 0, 0, 1, 0]
    trainer = _dpo_trainer(
        CachedReferenceDPOTrainer, tmp_path, policy, beta=beta, precompute_ref_log_probs=True
    )
    trainer._factual_lambda = lam
    trainer.reference_cache = {}
    cached = (
        np.array([r["ref_chosen_logps"] for r in rows]),
        np.array([r["ref_rejected_logps"] for r in rows]),
    )
    plain = [{k: v for k, v in r.items() if not k.startswith("ref_")} for r in rows]
    dataset = Dataset.from_list([{**r, "delta_h": d} for r, d in zip(plain, delta_h, strict=True)])
    shifted = trainer._with_reference(dataset, "train", 4, key="k", cached=cached).to_list()
    for row in shifted:
        del row["delta_h"]
    batch_loss, trl_losses, trl_chosen, trl_rejected = _trl_dpo(trainer, shifted)

    dh = torch.tensor(delta_h, dtype=torch.float64)
    out = factual_dpo_loss(
        *_alignkit_inputs(policy, ref, rows), beta, lam, torch.zeros_like(dh), dh
    )
    assert torch.allclose(out.losses, trl_losses, **TOL)
    assert torch.allclose(out.losses.mean(), batch_loss, **TOL)
    # TRL's logged chosen reward includes the shift (dpo_trainer.py says so); rejected is untouched
    assert torch.allclose(out.chosen_rewards - beta * lam * dh, trl_chosen, **TOL)
    assert torch.allclose(out.rejected_rewards, trl_rejected, **TOL)


# --- KTO -----------------------------------------------------------------------------------------

KL_KEYS = ("KL_input_ids", "KL_attention_mask", "KL_completion_mask", "ref_KL_logps")


def _kto_trainer(tmp_path, policy, ref_model=None, **config):
    args = KTOConfig(output_dir=str(tmp_path), report_to=[], bf16=False, use_cpu=True, **config)
    trainer = object.__new__(KTOTrainer)
    # what KTOTrainer.__init__ sets from args (kto_trainer.py, "Training arguments")
    trainer.args = args
    trainer.beta = args.beta
    trainer.precompute_ref_logps = args.precompute_ref_log_probs
    trainer.loss_type = args.loss_type
    trainer.desirable_weight = args.desirable_weight
    trainer.undesirable_weight = args.undesirable_weight
    trainer.calculate_KL = args.loss_type not in ["apo_zero_unpaired"]
    trainer.aux_loss_enabled = False
    trainer.model = policy
    trainer.ref_model = ref_model
    trainer.accelerator = Recorder()
    trainer._metrics = {"train": defaultdict(list), "eval": defaultdict(list)}
    trainer._total_train_tokens = 0
    trainer._tp_size = 1
    return trainer


def _feedback(seed: int, ref_scale: float, n: int = 8):
    """Unpaired rows with KL completions. ref_scale scales the reference's log-probs, so the
    batch's KL estimate is positive (ref_scale > 1) or negative (< 1; TRL clamps it at 0)."""
    gen = torch.Generator().manual_seed(seed)
    policy, ref = UnigramLM(_table(gen)), UnigramLM(_table(gen) * ref_scale)
    labels = [True, False, True, True, False, False, True, False][:n]
    rows = []
    for label in labels:
        row = {
            "prompt_ids": _tokens(gen, 1, 4),
            "completion_ids": _tokens(gen, 1, 9),
            "KL_completion_ids": _tokens(gen, 1, 9),
            "label": label,
        }
        row["ref_logps"] = _f32(ref.logp(row["completion_ids"]))
        row["ref_KL_logps"] = _f32(ref.logp(row["KL_completion_ids"]))
        rows.append(row)
    return policy, ref, rows


def _trl_kto(trainer, rows):
    """TRL's mean loss, and its per-example losses: each example alone, with the full batch's
    KL completions (so the KL estimate z0 is the batch's, as in the batch call)."""
    collate = DataCollatorForUnpairedPreference(pad_token_id=PAD)
    full = collate(rows)
    batch_loss = trainer._compute_loss(trainer.model, full, return_outputs=False)
    losses = []
    for row in rows:
        one = collate([row])
        one.update({k: full[k] for k in KL_KEYS if k in full})
        losses.append(trainer._compute_loss(trainer.model, one, return_outputs=False))
    return batch_loss, torch.stack(losses)


@pytest.mark.parametrize("precompute", [False, True], ids=["live-ref", "precomputed-ref"])
@pytest.mark.parametrize("ref_scale", [2.5, 0.1], ids=["kl>0", "kl<0-clamped"])
@pytest.mark.parametrize(("beta", "w_d", "w_u"), [(0.1, 1.0, 1.0), (0.5, 1.0, 1.33)])
def test_kto_loss_matches_trl_kto_trainer(tmp_path, precompute, ref_scale, beta, w_d, w_u):
    policy, ref, rows = _feedback(seed=31, ref_scale=ref_scale)
    if not precompute:
        rows = [{k: v for k, v in r.items() if not k.startswith("ref_")} for r in rows]
    trainer = _kto_trainer(
        tmp_path,
        policy,
        ref_model=None if precompute else ref,
        beta=beta,
        desirable_weight=w_d,
        undesirable_weight=w_u,
        precompute_ref_log_probs=precompute,
    )
    batch_loss, trl_losses = _trl_kto(trainer, rows)

    def kl_ref(r):
        return r["ref_KL_logps"] if precompute else ref.logp(r["KL_completion_ids"])

    def completion_ref(r):
        return r["ref_logps"] if precompute else ref.logp(r["completion_ids"])

    kl = np.mean([policy.logp(r["KL_completion_ids"]) - kl_ref(r) for r in rows])
    assert (kl > 0) == (ref_scale > 1)  # both sides of TRL's clamp are exercised
    losses = kto_loss(
        torch.tensor([policy.logp(r["completion_ids"]) for r in rows], dtype=torch.float64),
        torch.tensor([completion_ref(r) for r in rows], dtype=torch.float64),
        torch.tensor([r["label"] for r in rows]),
        float(kl),
        beta,
        desirable_weight=w_d,
        undesirable_weight=w_u,
    )
    assert ref.calls == (0 if precompute else 2 * (len(rows) + 1))  # KL and completion forwards
    assert torch.allclose(losses, trl_losses, **TOL)
    assert torch.allclose(losses.mean(), batch_loss, **TOL)
    assert trainer._metrics["eval"]["kl"][-1] == pytest.approx(max(kl, 0.0), abs=1e-6)


# --- ORPO ----------------------------------------------------------------------------------------


def _orpo_trainer(beta):
    from trl.experimental.orpo import ORPOTrainer

    trainer = object.__new__(ORPOTrainer)
    trainer.beta = beta
    trainer.accelerator = Recorder()
    trainer.aux_loss_enabled = False
    return trainer


def test_orpo_odds_ratio_matches_trl_on_both_branches_of_log1mexp():
    gen = torch.Generator().manual_seed(3)
    # length-averaged log-probs from -8 to -1e-4, on both sides of log1mexp's branch at -ln 2
    chosen = -torch.exp(torch.empty(64).uniform_(math.log(1e-4), math.log(8.0), generator=gen))
    rejected = -torch.exp(torch.empty(64).uniform_(math.log(1e-4), math.log(8.0), generator=gen))
    assert ((chosen > -math.log(2)) & (rejected < -math.log(2))).any()
    trainer = _orpo_trainer(beta=0.2)
    trl_losses = trainer.odds_ratio_loss(chosen, rejected)[0]
    # TRL returns lambda * log sigma(.) and subtracts its mean from the NLL
    assert torch.allclose(orpo_odds_ratio_loss(chosen, rejected, 0.2), -trl_losses, **TOL)


def test_orpo_total_loss_matches_trl_get_batch_loss_metrics():
    """TRL's full ORPO loss is NLL(chosen) - mean(beta log sigma(log odds ratio)), with the
    length-averaged log-probs from ORPOTrainer.get_batch_logps(average_log_prob=True); alignkit's
    term, on log-probs averaged independently here, plus that NLL must give the same number."""
    gen = torch.Generator().manual_seed(17)
    n, length, beta, nll = 5, 9, 0.15, torch.tensor(1.234, dtype=torch.float64)
    logits = torch.randn(2 * n, length, VOCAB, generator=gen, dtype=torch.float64)
    labels = torch.randint(1, VOCAB, (2 * n, length), generator=gen)
    prompt_lengths = torch.randint(1, 4, (2 * n,), generator=gen)
    completion_lengths = torch.randint(1, length - 4, (2 * n,), generator=gen)
    positions = torch.arange(length)
    keep = (positions >= prompt_lengths[:, None]) & (
        positions < (prompt_lengths + completion_lengths)[:, None]
    )
    labels = labels.masked_fill(~keep, -100)

    trainer = _orpo_trainer(beta)
    avg = trainer.get_batch_logps(logits, labels, average_log_prob=True)

    def forward(model, batch):
        return avg[:n], avg[n:], logits[:n, :-1], logits[n:, :-1], nll

    trainer.concatenated_forward = forward
    trl_loss, metrics = trainer.get_batch_loss_metrics(None, {}, train_eval="eval")

    # the same averages, by hand: token t is scored by the logits at t - 1
    mine = []
    for i in range(2 * n):
        total, count = 0.0, 0
        for t in range(1, length):
            if labels[i, t] != -100:
                total += float(F.log_softmax(logits[i, t - 1], -1)[labels[i, t]])
                count += 1
        mine.append(total / count)
    mine = torch.tensor(mine, dtype=torch.float64)
    assert torch.allclose(mine, avg.double(), **TOL)
    term = orpo_odds_ratio_loss(mine[:n], mine[n:], beta)
    assert torch.allclose(nll + term.mean(), trl_loss.double(), **TOL)
    assert metrics["eval_nll_loss"] == pytest.approx(float(nll))
