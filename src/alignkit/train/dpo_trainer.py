"""TRL's DPOTrainer with alignkit's reference cache, and Factual-DPO as a reference shift.

`_precompute_ref_logps` is overridden (TRL 1.16's hook that adds `ref_chosen_logps` /
`ref_rejected_logps` columns); the loss itself stays TRL's. With `prefix_sharing`, the model
calls of the loss and of the reference pass encode each pair's prompt once
(train/prefix_sharing.py); TRL's code around them runs unchanged. Factual-DPO's logits are
beta * (z - lambda * dh) with z = (pi_c - pi_r) - (ref_c - ref_r) (see losses.factual_dpo_loss),
which is TRL's sigmoid loss with ref_c raised by lambda * dh, so the shift is applied to the
cached reference column and nothing else changes. The implicit rewards TRL logs for such a run
include that shift.
"""

from __future__ import annotations

import contextlib
import logging

import numpy as np
from trl import DPOTrainer

from alignkit.train import prefix_sharing, refcache

log = logging.getLogger("alignkit.train")


class CachedReferenceDPOTrainer(DPOTrainer):
    def __init__(
        self,
        *args,
        alignkit_cache_parts: dict,
        factual_lambda: float | None,
        prefix_sharing: bool = False,
        **kwargs,
    ):
        self._cache_parts = alignkit_cache_parts
        self._factual_lambda = factual_lambda
        self._prefix_sharing = prefix_sharing
        self.reference_cache: dict[str, dict] = {}  # split name -> {"status", "fingerprint"}
        super().__init__(*args, **kwargs)

    def _packing(self, model):
        """Pack the calls made in this block, on `model`'s base (where TRL's fused head is)."""
        if not self._prefix_sharing:
            return contextlib.nullcontext()
        from peft import PeftModel

        base = self.accelerator.unwrap_model(model)
        if isinstance(base, PeftModel):
            base = base.get_base_model()
        prefix_sharing.install(base)
        return prefix_sharing.active()

    def prefix_sharing_info(self, why_off: str | None) -> dict:
        """For run.json: whether pairs were packed, and the tokens the model ran packed against
        those of TRL's rows. `tokens` is the live counter, so the run.json written when the run
        ends has the whole run's counts (the reference pass's included)."""
        if not self._prefix_sharing:
            return {"on": False, "why_off": why_off}
        from peft import PeftModel

        base = self.model.get_base_model() if isinstance(self.model, PeftModel) else self.model
        prefix_sharing.install(base)
        return {"on": True, "tokens": base._alignkit_token_counts}

    def compute_ref_log_probs(self, model, inputs):
        with self._packing(model):
            return super().compute_ref_log_probs(model, inputs)

    def _compute_loss(self, model, inputs, return_outputs):
        with self._packing(model):
            return super()._compute_loss(model, inputs, return_outputs)

    def _precompute_ref_logps(self, dataset, name: str, batch_size: int):
        key, cached = None, None
        if self.accelerator.is_main_process:
            key = refcache.fingerprint(**self._cache_parts, data=refcache.dataset_digest(dataset))
            cached = refcache.load(key, rows=len(dataset))
        if self.accelerator.num_processes > 1:
            # rank 0's key and entry for every rank: a miss runs collectives (each rank scores its
            # shard, TRL gathers them all), so ranks that disagreed on hit/miss would hang; they
            # can, with a node-local cache on several machines or an entry stored between reads
            from accelerate.utils import broadcast_object_list

            shared = [key, cached]
            broadcast_object_list(shared, from_process=0)
            key, cached = shared
        alone = self.accelerator.num_processes == 1
        with refcache.computing(key) if cached is None and alone else contextlib.nullcontext():
            if cached is None and alone:  # another run may have stored it while this waited
                cached = refcache.load(key, rows=len(dataset))
            return self._with_reference(dataset, name, batch_size, key, cached)

    def _reference_pass(self, dataset, name: str, batch_size: int):
        """TRL's reference pass over the pairs sorted by length (batches of alike lengths pad
        little), the log-probs put back in the dataset's order."""
        lengths = [
            len(p) + len(c) + len(r)
            for p, c, r in zip(
                dataset["prompt_ids"], dataset["chosen_ids"], dataset["rejected_ids"], strict=True
            )
        ]
        order = np.argsort(lengths, kind="stable")
        computed = super()._precompute_ref_logps(dataset.select(order), name, batch_size)
        chosen, rejected = np.empty(len(order)), np.empty(len(order))
        chosen[order] = np.asarray(computed["ref_chosen_logps"][:], dtype=np.float64)
        rejected[order] = np.asarray(computed["ref_rejected_logps"][:], dtype=np.float64)
        return chosen, rejected

    def _with_reference(self, dataset, name: str, batch_size: int, key, cached):
        if cached is None:
            # said in train.log: this pass can take minutes, and a cancel may come during it
            log.info(
                "computing the reference log-probs of the %s split (%d pairs)", name, len(dataset)
            )
            # every rank gets the whole split's log-probs back, in dataset order
            chosen, rejected = self._reference_pass(dataset, name, batch_size)
            stored = False
            if self.accelerator.is_main_process:  # one writer (store is an atomic rename)
                # a cache that cannot be written (read-only, full) only costs later runs the
                # reuse; the log-probs are in memory and this run trains on them
                stored = refcache.store(key, chosen, rejected)
            status = "miss"
        else:
            chosen, rejected = cached
            status, stored = "hit", True
        self.reference_cache[name] = {"status": status, "fingerprint": key, "stored": stored}
        if self._factual_lambda is not None and "delta_h" in dataset.column_names:
            chosen = chosen + self._factual_lambda * np.asarray(
                dataset["delta_h"], dtype=np.float64
            )
        for column in ("ref_chosen_logps", "ref_rejected_logps"):
            if column in dataset.column_names:
                dataset = dataset.remove_columns(column)
        dataset = dataset.add_column("ref_chosen_logps", chosen.astype(np.float32).tolist())
        return dataset.add_column("ref_rejected_logps", rejected.astype(np.float32).tolist())
