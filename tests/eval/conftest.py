"""One tiny reward model and one tiny DPO policy, trained once per test session and shared by
the evaluation tests (each training takes seconds; evaluating them many times costs less)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

ISOLATED = {
    "ALIGNKIT_HOME": "home",
    "ALIGNKIT_CACHE_DIR": "cache",
    "ALIGNKIT_DATA_DIR": "data-home",
    "HF_HOME": "hf",
}


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny models spend more time syncing torch's threads than computing, many times more on
    a busy machine; one thread per test (restored after) keeps the suite fast."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@dataclass
class Runs:
    data: Path  # make_dataset: train and eval splits, polite chosen vs rude rejected
    rm: Path  # tiny-bert reward-model run folder
    dpo: Path  # tiny-llama DPO run folder (reference: tiny-llama)


@pytest.fixture(scope="session")
def runs(tmp_path_factory) -> Runs:
    pytest.importorskip("torch")
    import torch

    from alignkit.train import dpo, rm
    from tests.train.helpers import make_dataset

    root = tmp_path_factory.mktemp("eval-runs")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    # the autouse isolation fixture is per test; a session fixture needs its own
    with pytest.MonkeyPatch.context() as patch:
        for key, name in ISOLATED.items():
            patch.setenv(key, str(root / name))
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("HF_DATASETS_OFFLINE", "1")
        data = make_dataset(root)
        common = dict(dataset_dir=data, lr=1e-3, max_length=64, warmup_ratio=0.0, eval_steps=1000)
        rm.train(
            rm.RMSettings(
                base_model="tiny-bert", output_dir=root / "rm", max_steps=24, batch_size=8,
                save_steps=1000, logging_steps=10, **common,
            )
        )  # fmt: skip
        dpo.train(
            dpo.DPOSettings(
                policy_model="tiny-llama", output_dir=root / "dpo", max_steps=8, batch_size=4,
                save_steps=1000, logging_steps=5, **common,
            )
        )  # fmt: skip
    torch.set_num_threads(threads)
    return Runs(data=data, rm=root / "rm", dpo=root / "dpo")
