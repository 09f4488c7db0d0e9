"""pipelines: the DAG's edges between jobs, pipelines and their nodes, a node key per job

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("node_key", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_jobs_node_key"), ["node_key"])
    op.create_table(
        "job_needs",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("needs_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_needs_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["needs_id"], ["jobs.id"], name=op.f("fk_job_needs_needs_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "needs_id", name=op.f("pk_job_needs")),
    )
    op.create_index(op.f("ix_job_needs_needs_id"), "job_needs", ["needs_id"])
    op.create_table(
        "pipelines",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("spec", _json(), nullable=False),
        sa.Column("user", sa.String(length=255), nullable=True),
        _time("created_at", nullable=False),
        _time("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipelines")),
        sa.UniqueConstraint("name", name=op.f("uq_pipelines_name")),
    )
    op.create_table(
        "pipeline_nodes",
        sa.Column("pipeline_id", sa.String(length=36), nullable=False),
        sa.Column("node", sa.String(length=255), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipelines.id"],
            name=op.f("fk_pipeline_nodes_pipeline_id_pipelines"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_pipeline_nodes_job_id_jobs"),
            ondelete="SET NULL",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("pipeline_id", "node", name=op.f("pk_pipeline_nodes")),
    )
    op.create_index(op.f("ix_pipeline_nodes_job_id"), "pipeline_nodes", ["job_id"])


def downgrade() -> None:
    op.drop_table("pipeline_nodes")
    op.drop_table("pipelines")
    op.drop_table("job_needs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index(batch.f("ix_jobs_node_key"))
        batch.drop_column("node_key")
