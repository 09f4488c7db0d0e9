"""active learning: a feedback dataset's attached reward model, and the reward models' scores
of its records (feedback_record_scores, one row per record and reward model), ordered for the
queue by their uncertainty (server/feedback/active.py)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_feedback_record_scores_reward_model_uncertainty"


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("feedback_datasets") as batch:
        batch.add_column(sa.Column("reward_model", sa.String(length=1024), nullable=True))
    op.create_table(
        "feedback_record_scores",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("reward_model", sa.String(length=1024), nullable=False),
        sa.Column("scores", _json(), nullable=False),
        sa.Column("uncertainty", sa.Float(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["feedback_records.id"],
            name=op.f("fk_feedback_record_scores_record_id_feedback_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "record_id", "reward_model", name=op.f("pk_feedback_record_scores")
        ),
    )
    op.create_index(INDEX, "feedback_record_scores", ["reward_model", "uncertainty"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="feedback_record_scores")
    op.drop_table("feedback_record_scores")
    # not batch mode: on SQLite it would copy the table and drop the original, and with
    # foreign_keys on, that drop deletes every record and response (ON DELETE CASCADE);
    # SQLite >= 3.35 drops the column in place, as PostgreSQL does
    op.drop_column("feedback_datasets", "reward_model")
