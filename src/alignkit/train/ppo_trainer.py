"""The PPO loop of `alignkit train ppo`, on transformers' Trainer so that checkpoints, resume,
SIGTERM, logging, trackers and the run folder are the same as every other method's.

The shape is torchtune's PPO recipe and the PPO of Ziegler et al. 2019 (lm-human-preferences):

1. rollout: sample one answer per prompt (batched `generate`, left-padded prompts); the answer
   ends at its first EOS, later tokens are padding;
2. score: the reward (alignkit.train.rewards) judges each whole answer; per-token rewards are
   -beta (log pi - log pi_ref), plus the score on the last token (losses.kl_penalized_rewards);
3. advantages: values from a value head on the policy's last hidden state, GAE (losses.gae),
   whitened over the rollout (losses.masked_whiten);
4. updates: `ppo_epochs` passes over the rollout in `num_mini_batches` shuffled minibatches,
   each one optimizer step of the clipped policy loss + vf_coef x the clipped value loss.

One Trainer step is one update, so the dataloader repeats each rollout's prompts for every
update it serves (RolloutSampler) and the rollout is made on the first of them and kept. A run
resumed between two updates of one rollout samples that rollout afresh (the buffer is not in
the checkpoint); the weights, optimizer, value head and KL coefficient are.

Dropout is switched off in the policy (as TRL's PPO did): with it, the first update's ratio
pi / pi_old would not start at 1 and the clip would bind on noise.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor
from transformers import GenerationConfig, Trainer

from alignkit.io import atomic_path, write_json
from alignkit.models.generate import left_padded, prompt_ids
from alignkit.train import losses
from alignkit.train.rewards import metric_name

HEAD_FILE = "value_head.safetensors"
STATE_FILE = "ppo_state.json"


class RolloutSampler(torch.utils.data.Sampler):
    """Dataset indices: a shuffled chunk of `batch` prompts, `repeats` times over, then the next
    chunk; only full chunks (a rollout is always `batch` prompts). Reshuffled each epoch."""

    def __init__(self, size: int, batch: int, repeats: int, seed: int):
        self.size, self.batch, self.repeats, self.seed, self.epoch = size, batch, repeats, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self):
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        order = torch.randperm(self.size, generator=generator).tolist()
        for start in range(0, self.size - self.batch + 1, self.batch):
            chunk = order[start : start + self.batch]
            for _ in range(self.repeats):
                yield from chunk

    def __len__(self) -> int:
        return (self.size // self.batch) * self.batch * self.repeats


@dataclass
class Sample:
    """Answers to a batch of prompts, as token ids: prompt (left-padded) then answer (padded
    after its first EOS)."""

    input_ids: Tensor  # (B, P + T)
    attention_mask: Tensor  # (B, P + T)
    prompt_width: int  # P
    mask: Tensor  # (B, T) bool: answer tokens up to and including the first EOS
    has_eos: Tensor  # (B,) bool: the answer finished (was not cut at max_new_tokens)
    texts: list[str]


@dataclass
class Rollout:
    index: int  # which rollout of the run (updates // updates per rollout)
    sample: Sample
    logprobs: Tensor  # (B, T) log pi_old of the answer tokens
    values: Tensor  # (B, T) V_old
    advantages: Tensor  # (B, T) whitened GAE
    returns: Tensor  # (B, T) GAE + V_old, the value targets
    order: list[Tensor] = field(default_factory=list)  # rows of each update, in turn


class PPOTrainer(Trainer):
    def __init__(self, *, settings, reward, max_prompt_length: int, ref_model=None, **kwargs):
        super().__init__(data_collator=_prompts_only, **kwargs)
        self.settings, self.reward, self.ref_model = settings, reward, ref_model
        # the prompt tokens kept: --max-prompt-length cut so prompt + answer fit the policy's
        # positions (ppo.py's fit_length)
        self.max_prompt_length = max_prompt_length
        # losses are means over an update's tokens; the Trainer must scale them for
        # accumulation itself, not expect the model to (it never sees labels here)
        self.model_accepts_loss_kwargs = False
        for module in self.model.modules():
            if isinstance(module, torch.nn.Dropout):
                module.p = 0.0
        device = self.args.device
        if ref_model is not None:
            ref_model.to(device)
        hidden = self.model.config.get_text_config().hidden_size
        # lm-human-preferences' init: small weights, so the first values are near 0
        self.value_head = torch.nn.Linear(hidden, 1).to(device)
        torch.nn.init.normal_(self.value_head.weight, std=1 / math.sqrt(hidden + 1))
        torch.nn.init.zeros_(self.value_head.bias)
        if settings.kl_target is None:
            self.kl_control = losses.FixedKLController(settings.kl_coef)
        else:
            self.kl_control = losses.AdaptiveKLController(
                settings.kl_coef, settings.kl_target, settings.kl_horizon
            )
        tokenizer = self.processing_class
        eos = self.model.generation_config.eos_token_id
        eos = eos if eos is not None else tokenizer.eos_token_id
        self.eos_ids = torch.tensor(eos if isinstance(eos, list) else [eos], device=device)
        self.generation = GenerationConfig(
            max_new_tokens=settings.max_new_tokens,
            do_sample=True,
            temperature=settings.temperature,
            top_p=settings.top_p,
            top_k=0,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=self.eos_ids.tolist(),
        )
        self._rollout: Rollout | None = None
        self._micro: int | None = None  # forward-backward passes done (updates x accumulation)
        self._stats: dict[str, list[float]] = {}

    # -- the data: each rollout's prompts once per update they serve ----------------------------

    def _get_train_sampler(self, train_dataset=None):
        dataset = train_dataset if train_dataset is not None else self.train_dataset
        repeats = self.settings.updates_per_rollout * self.args.gradient_accumulation_steps
        return RolloutSampler(len(dataset), self.settings.batch_size, repeats, self.args.seed)

    def create_optimizer(self, model=None):
        optimizer = super().create_optimizer(model)
        head = list(self.value_head.parameters())
        if not any(p is head[0] for group in optimizer.param_groups for p in group["params"]):
            optimizer.add_param_group({"params": head, "weight_decay": 0.0})
        return optimizer

    def _clip_grad_norm(self, model):
        # the Trainer clips `model.parameters()`, which the value head is not among: clip it on
        # its own, to the same norm (its loss is on the rewards' scale, so its gradients can be
        # orders larger than the policy's and one bad rollout would throw its values off)
        if self.args.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(self.value_head.parameters(), self.args.max_grad_norm)
        return super()._clip_grad_norm(model)

    # -- one update ------------------------------------------------------------------------------

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        accumulation = self.args.gradient_accumulation_steps
        per_rollout = self.settings.updates_per_rollout * accumulation
        if self._micro is None:  # a resumed run starts at its checkpoint's step
            self._micro = self.state.global_step * accumulation
        if self._micro % accumulation == 0:
            # the Trainer zeroes the model's gradients after each update, not the head's
            self.value_head.zero_grad(set_to_none=True)
        index, position = divmod(self._micro, per_rollout)
        if self._rollout is None or self._rollout.index != index:
            self._rollout = self._make_rollout(model, inputs["prompt"], index)
        self._micro += 1
        r = self._rollout
        rows = r.order[position]
        s = r.sample
        logprobs, values, _ = self._forward(
            model, s.input_ids[rows], s.attention_mask[rows], s.prompt_width, values=True
        )
        mask = s.mask[rows]
        policy = losses.ppo_policy_loss(
            logprobs, r.logprobs[rows], r.advantages[rows], mask, self.settings.clip_range
        )
        value = losses.ppo_value_loss(
            values, r.values[rows], r.returns[rows], mask, self.settings.clip_range_value
        )
        self._record(
            policy_loss=policy.loss.item(),
            value_loss=value.loss.item(),
            clip_frac=policy.clip_frac.item(),
            value_clip_frac=value.clip_frac.item(),
            approx_kl=policy.approx_kl.item(),
        )
        loss = policy.loss + self.settings.vf_coef * value.loss
        return (loss, None) if return_outputs else loss

    # -- a rollout -------------------------------------------------------------------------------

    @torch.no_grad()
    def _make_rollout(self, model, prompts: list[Any], index: int) -> Rollout:
        s = self.settings
        sample = self._sample(model, prompts)
        parts = self.reward.parts(prompts, sample.texts)
        device = sample.input_ids.device
        scores = torch.tensor(self.reward.combine(parts), dtype=torch.float32, device=device)
        logprobs, values, logits = self._forward(
            model, sample.input_ids, sample.attention_mask, sample.prompt_width, values=True
        )
        ref_logprobs = self._reference_logprobs(model, sample)
        penalized = losses.kl_penalized_rewards(
            scores,
            logprobs,
            ref_logprobs,
            sample.mask,
            self.kl_control.value,
            s.missing_eos_penalty,
            sample.has_eos,
        )
        rewards = penalized.rewards
        if s.whiten_rewards:
            rewards = losses.masked_whiten(rewards, sample.mask, shift_mean=False)
        advantages, returns = losses.gae(rewards, values, sample.mask, s.gamma, s.lam)
        advantages = losses.masked_whiten(advantages, sample.mask)
        entropy = _entropy(logits)[sample.mask].mean()
        kl = penalized.kl
        self._record(
            reward=scores.mean().item(),
            reward_std=scores.std().item() if len(scores) > 1 else 0.0,
            rlhf_reward=(penalized.scores - self.kl_control.value * kl).mean().item(),
            kl=kl.mean().item(),
            kl_coef=self.kl_control.value,
            entropy=entropy.item(),
            response_length=sample.mask.sum(-1).float().mean().item(),
            eos_rate=sample.has_eos.float().mean().item(),
            **{f"rewards/{metric_name(k)}/mean": sum(v) / len(v) for k, v in parts.items()},
        )
        self.kl_control.update(kl.mean().item(), len(prompts))
        return Rollout(
            index, sample, logprobs, values, advantages, returns, self._update_order(index)
        )

    def _update_order(self, index: int) -> list[Tensor]:
        """The rows of each forward-backward pass: every PPO epoch a fresh permutation of the
        rollout, cut into num_mini_batches x accumulation equal pieces."""
        s = self.settings
        pieces = s.num_mini_batches * self.args.gradient_accumulation_steps
        generator = torch.Generator().manual_seed(self.args.seed * 1_000_003 + index)
        order = []
        for _ in range(s.ppo_epochs):
            permutation = torch.randperm(s.batch_size, generator=generator)
            order.extend(permutation.view(pieces, -1))
        return [rows.to(self.args.device) for rows in order]

    @torch.no_grad()
    def _sample(self, model, prompts: list[Any]) -> Sample:
        tokenizer = self.processing_class
        policy = self.accelerator.unwrap_model(model)
        device = self.args.device
        pad = tokenizer.pad_token_id
        batch = [prompt_ids(tokenizer, p, self.max_prompt_length) for p in prompts]
        ids, attention = left_padded(batch, pad)
        ids, attention, width = ids.to(device), attention.to(device), ids.shape[1]
        was_training = policy.training
        policy.eval()  # generate with the KV cache (gradient checkpointing turns it off)
        out = policy.generate(
            input_ids=ids, attention_mask=attention, generation_config=self.generation
        )
        policy.train(was_training)
        answer = out[:, width:]
        is_eos = torch.isin(answer, self.eos_ids)
        # real: every token up to and including the first EOS
        mask = (is_eos.long().cumsum(-1) - is_eos.long()) == 0
        answer = torch.where(mask, answer, pad)
        texts = [
            tokenizer.decode(row[keep].tolist(), skip_special_tokens=True).strip()
            for row, keep in zip(answer, mask)
        ]
        return Sample(
            input_ids=torch.cat([ids, answer], dim=1),
            attention_mask=torch.cat([attention, mask.long()], dim=1),
            prompt_width=width,
            mask=mask,
            has_eos=is_eos.any(-1),
            texts=texts,
        )

    def _forward(self, model, input_ids, attention_mask, prompt_width, values: bool):
        """Log-probs of the answer tokens under `model` at the sampling temperature, the value
        head's values (when asked) and the logits. Position ids count real tokens only, as
        `generate` counted them for the left-padded prompts."""
        position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
        out = model(
            input_ids=input_ids,
            attention_mask=attention_mask,
            position_ids=position_ids,
            output_hidden_states=values,
            use_cache=False,
        )
        # the logits at position t predict token t + 1: the answer's come from P - 1 .. end - 1
        logits = out.logits[:, prompt_width - 1 : -1].float() / self.settings.temperature
        targets = input_ids[:, prompt_width:]
        logprobs = torch.log_softmax(logits, -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        value = None
        if values:
            hidden = out.hidden_states[-1][:, prompt_width - 1 : -1].float()
            value = self.value_head(hidden).squeeze(-1).float()
        return logprobs, value, logits

    def _reference_logprobs(self, model, sample: Sample) -> Tensor:
        """log pi_ref of the answer tokens: the reference model, or under LoRA the policy with
        its adapters switched off (the base it started from)."""
        args = (sample.input_ids, sample.attention_mask, sample.prompt_width)
        if self.ref_model is not None:
            return self._forward(self.ref_model, *args, values=False)[0]
        with self.accelerator.unwrap_model(model).disable_adapter():
            return self._forward(model, *args, values=False)[0]

    # -- metrics, evaluation ---------------------------------------------------------------------

    def _record(self, **values: float) -> None:
        for key, value in values.items():
            self._stats.setdefault(key, []).append(float(value))

    def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
        # the rollouts' and updates' statistics since the last log, averaged, with the loss
        if "loss" in logs and self._stats:
            logs.update({k: sum(v) / len(v) for k, v in self._stats.items()})
            self._stats = {}
        super().log(logs, start_time)

    def evaluate(self, eval_dataset=None, ignore_keys=None, metric_key_prefix: str = "eval"):
        """The mean reward and KL of the policy's answers to the eval prompts, sampled as in
        training but from a fixed seed each time, so evaluations differ by the policy only."""
        dataset = eval_dataset if eval_dataset is not None else self.eval_dataset
        prompts = list(dataset["prompt"])
        model = self.model
        scores, kls, lengths, eos = [], [], [], []
        devices = [self.args.device] if self.args.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices), torch.no_grad():
            torch.manual_seed(self.args.seed)
            for start in range(0, len(prompts), self.settings.batch_size):
                batch = prompts[start : start + self.settings.batch_size]
                sample = self._sample(model, batch)
                logprobs = self._forward(
                    model, sample.input_ids, sample.attention_mask, sample.prompt_width, False
                )[0]
                ref = self._reference_logprobs(model, sample)
                kls.extend(torch.where(sample.mask, logprobs - ref, 0).sum(-1).tolist())
                scores.extend(self.reward(batch, sample.texts))
                lengths.extend(sample.mask.sum(-1).tolist())
                eos.extend(sample.has_eos.float().tolist())
        n = len(scores)
        mean = sum(scores) / n
        metrics = {
            f"{metric_key_prefix}_reward": mean,
            f"{metric_key_prefix}_reward_std": (
                math.sqrt(sum((x - mean) ** 2 for x in scores) / (n - 1)) if n > 1 else 0.0
            ),
            f"{metric_key_prefix}_kl": sum(kls) / n,
            f"{metric_key_prefix}_response_length": sum(lengths) / n,
            f"{metric_key_prefix}_eos_rate": sum(eos) / n,
        }
        self.log(metrics)
        self.control = self.callback_handler.on_evaluate(
            self.args, self.state, self.control, metrics
        )
        return metrics

    # -- the value head and KL coefficient travel with every checkpoint and the final model -----

    def _save(self, output_dir: str | None = None, state_dict: dict | None = None) -> None:
        super()._save(output_dir, state_dict)
        if not self.args.should_save:
            return
        from safetensors.torch import save_file

        folder = Path(output_dir if output_dir is not None else self.args.output_dir)
        head = {k: v.detach().contiguous().cpu() for k, v in self.value_head.state_dict().items()}
        with atomic_path(folder / HEAD_FILE) as tmp:
            save_file(head, str(tmp))
        write_json({"kl_coef": self.kl_control.value}, folder / STATE_FILE)

    def _load_from_checkpoint(self, resume_from_checkpoint: str, model=None) -> None:
        super()._load_from_checkpoint(resume_from_checkpoint, model)
        from safetensors.torch import load_file

        folder = Path(resume_from_checkpoint)
        if (folder / HEAD_FILE).is_file():
            self.value_head.load_state_dict(load_file(str(folder / HEAD_FILE)))
        if (folder / STATE_FILE).is_file():
            state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            self.kl_control.value = float(state["kl_coef"])


def _prompts_only(rows: list[dict]) -> dict[str, list]:
    return {"prompt": [row["prompt"] for row in rows]}


def _entropy(logits: Tensor) -> Tensor:
    """Per-token entropy of softmax(logits), from the logits (no log of 0)."""
    probs = torch.softmax(logits, -1)
    return torch.logsumexp(logits, -1) - (probs * logits).sum(-1)
