"""Llama Stack's post-training API, driven by the official `llama-stack-client` unchanged against
the real `alignkit serve` (with its worker): register a dataset, preference-optimize a tiny
model to completed, read its status and artifacts (checkpoints), list the jobs, cancel a second
job; and what cannot be honoured is a 400 naming the field."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.server.test_serve import free_port, start, stop
from tests.train.helpers import make_dataset

llama_stack_client = pytest.importorskip("llama_stack_client")


def training_config(dataset_id: str, steps: int) -> dict:
    return {
        "n_epochs": 1,
        "max_steps_per_epoch": steps,
        "gradient_accumulation_steps": 1,
        "data_config": {
            "dataset_id": dataset_id,
            "batch_size": 2,
            "shuffle": True,
            "data_format": "instruct",
        },
        "optimizer_config": {
            "optimizer_type": "adamw",
            "lr": 1e-4,
            "weight_decay": 0.0,
            "num_warmup_steps": 0,
        },
    }


ALGORITHM = {"beta": 0.1, "loss_type": "sigmoid", "epsilon": 0.0, "gamma": 0.0}
ALGORITHM |= {"reward_clip": 0.0, "reward_scale": 1.0}


def preference_optimize(client, dataset_id: str, steps: int, job_uuid: str | None = None):
    return client.post_training.preference_optimize(
        job_uuid=job_uuid or str(uuid.uuid4()),
        finetuned_model="tiny-llama",
        algorithm_config=ALGORITHM,
        training_config=training_config(dataset_id, steps),
        hyperparam_search_config={},
        logger_config={},
    )


def wait(client, job_uuid: str, until: tuple[str, ...], timeout: float = 300):
    deadline = time.monotonic() + timeout
    while True:
        status = client.post_training.job.status(job_uuid=job_uuid)
        if status.status in until:
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.5)


def test_llama_stack_client_trains_lists_and_cancels(tmp_path):
    from alignkit.jobs.store import JobStore
    from alignkit.server import keys

    data = make_dataset(tmp_path, n=60)
    store = JobStore.open()
    _key, token = keys.create(store.engine, "member")
    port = free_port()
    with open(tmp_path / "serve.log", "wb") as log:
        server = start(port, log, root=tmp_path)
        try:
            client = llama_stack_client.LlamaStackClient(
                base_url=f"http://127.0.0.1:{port}", api_key=token
            )
            dataset = client.datasets.register(
                purpose="post-training/messages",
                source={"type": "uri", "uri": f"file://{data}"},
                dataset_id="tiny-pairs",
            )
            assert dataset.identifier == "tiny-pairs" and dataset.provider_id == "alignkit"
            assert [d.identifier for d in client.datasets.list()] == ["tiny-pairs"]

            job = preference_optimize(client, "tiny-pairs", steps=4)
            again = preference_optimize(client, "tiny-pairs", steps=4, job_uuid=job.job_uuid)
            assert again.job_uuid == job.job_uuid  # a retried request does not duplicate
            done = wait(client, job.job_uuid, ("completed", "failed", "cancelled"))
            assert done.status == "completed", (tmp_path / "serve.log").read_text()[-3000:]
            assert done.started_at and done.completed_at and done.scheduled_at
            artifacts = client.post_training.job.artifacts(job_uuid=job.job_uuid)
            assert artifacts.job_uuid == job.job_uuid and artifacts.checkpoints
            final = artifacts.checkpoints[-1]
            assert final["post_training_job_id"] == job.job_uuid and final["path"].endswith("model")

            slow = preference_optimize(client, "tiny-pairs", steps=100_000)
            wait(client, slow.job_uuid, ("in_progress",))
            client.post_training.job.cancel(job_uuid=slow.job_uuid)
            cancelled = wait(client, slow.job_uuid, ("cancelled", "failed", "completed"))
            assert cancelled.status == "cancelled"
            listed = {j.job_uuid for j in client.post_training.job.list()}
            assert listed == {job.job_uuid, slow.job_uuid}

            # what alignkit cannot honour is refused, naming the field
            with pytest.raises(llama_stack_client.BadRequestError) as info:
                client.post_training.preference_optimize(
                    job_uuid=str(uuid.uuid4()),
                    finetuned_model="tiny-llama",
                    algorithm_config={**ALGORITHM, "reward_clip": 5.0},
                    training_config=training_config("tiny-pairs", 2),
                    hyperparam_search_config={},
                    logger_config={},
                )
            body = info.value.body
            assert body["code"] == "AK-UNSUPPORTED" and "reward_clip" in body["message"]
        finally:
            stop(server)
