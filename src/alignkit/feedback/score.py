"""`feedback:score`: a reward model's scores of a feedback dataset's answers, for the queue's
active-learning order (server/feedback/active.py says what is stored and how it is used).

    alignkit feedback score --dataset ID                # the reward model attached to it
    alignkit feedback score --dataset ID --reward-model artifacts/rm/r1

Each answer is scored with the prompt as the reward model was trained and as an `rm:` judge
scores it (models/judges.RewardModelJudge: the run's max_length and truncation, then
models/scoring.score_ids), so the scores are the model's own. Here, above `server` and
`models`, because the web process never loads a model: the server queues this as a job."""

from __future__ import annotations

from alignkit.server.feedback import active
from alignkit.server.feedback.active_settings import ScoreSettings


def _scorer(settings: ScoreSettings):
    def load(folder: str) -> active.Scorer:
        from alignkit.models.judges import RewardModelJudge
        from alignkit.models.precision import inference_bf16

        judge = RewardModelJudge(
            folder, f"rm:{folder}", batch_size=settings.batch_size,
            bf16=inference_bf16(settings.bf16),
            trust_remote_code=settings.trust_remote_code,
        )  # fmt: skip
        return judge.score

    return load


def score(settings: ScoreSettings) -> active.ScoreResult:
    """Score the records that have no scores of the reward model yet; returns the counts."""
    from alignkit.jobs.db import make_engine, upgrade

    engine = make_engine()  # the server's: $ALIGNKIT_DATABASE_URL, else the data dir's
    try:
        upgrade(engine)
        return active.score_dataset(
            engine, settings.dataset, settings.reward_model, _scorer(settings)
        )
    finally:
        engine.dispose()
