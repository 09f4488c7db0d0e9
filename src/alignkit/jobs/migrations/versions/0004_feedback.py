"""feedback: workspaces, users and their sessions, feedback datasets, records, leases,
responses and their history (the Collect domain, server/feedback/models.py)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "feedback_users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_users")),
        sa.UniqueConstraint("email", name=op.f("uq_feedback_users_email")),
    )
    op.create_table(
        "feedback_workspaces",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_workspaces")),
        sa.UniqueConstraint("name", name=op.f("uq_feedback_workspaces_name")),
    )
    op.create_table(
        "feedback_datasets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("question_type", sa.String(length=16), nullable=False),
        sa.Column("question", _json(), nullable=False),
        sa.Column("guidelines", sa.Text(), nullable=False),
        sa.Column("min_submitted", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "question_type IN ('pairwise', 'ranking', 'rating', 'thumbs')",
            name=op.f("ck_feedback_datasets_question_type"),
        ),
        sa.CheckConstraint("min_submitted >= 1", name=op.f("ck_feedback_datasets_min_submitted")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["feedback_workspaces.id"],
            name=op.f("fk_feedback_datasets_workspace_id_feedback_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_datasets")),
        sa.UniqueConstraint(
            "workspace_id", "name", name=op.f("uq_feedback_datasets_workspace_id_name")
        ),
    )
    op.create_index(
        op.f("ix_feedback_datasets_workspace_id"), "feedback_datasets", ["workspace_id"]
    )

    op.create_table(
        "feedback_members",
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner', 'admin', 'annotator')", name=op.f("ck_feedback_members_role")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["feedback_users.id"],
            name=op.f("fk_feedback_members_user_id_feedback_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["feedback_workspaces.id"],
            name=op.f("fk_feedback_members_workspace_id_feedback_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", name=op.f("pk_feedback_members")),
    )
    op.create_index(op.f("ix_feedback_members_user_id"), "feedback_members", ["user_id"])

    op.create_table(
        "feedback_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["feedback_users.id"],
            name=op.f("fk_feedback_sessions_user_id_feedback_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_sessions")),
    )
    op.create_index(op.f("ix_feedback_sessions_user_id"), "feedback_sessions", ["user_id"])

    op.create_table(
        "feedback_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("meta", _json(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["feedback_datasets.id"],
            name=op.f("fk_feedback_records_dataset_id_feedback_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_records")),
    )
    with op.batch_alter_table("feedback_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_records_dataset_id_position", ["dataset_id", "position"], unique=False
        )

    op.create_table(
        "feedback_leases",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["feedback_records.id"],
            name=op.f("fk_feedback_leases_record_id_feedback_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["feedback_users.id"],
            name=op.f("fk_feedback_leases_user_id_feedback_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "user_id", name=op.f("pk_feedback_leases")),
    )
    op.create_index(op.f("ix_feedback_leases_user_id"), "feedback_leases", ["user_id"])

    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("value", _json(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'discarded')",
            name=op.f("ck_feedback_responses_status"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["feedback_records.id"],
            name=op.f("fk_feedback_responses_record_id_feedback_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["feedback_users.id"],
            name=op.f("fk_feedback_responses_user_id_feedback_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_responses")),
        sa.UniqueConstraint(
            "record_id", "user_id", name=op.f("uq_feedback_responses_record_id_user_id")
        ),
    )
    op.create_index(op.f("ix_feedback_responses_user_id"), "feedback_responses", ["user_id"])

    op.create_table(
        "feedback_response_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("value", _json(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["feedback_responses.id"],
            name=op.f("fk_feedback_response_history_response_id_feedback_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_response_history")),
    )
    op.create_index(
        op.f("ix_feedback_response_history_response_id"),
        "feedback_response_history",
        ["response_id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_feedback_response_history_response_id"), table_name="feedback_response_history"
    )

    op.drop_table("feedback_response_history")
    op.drop_index(op.f("ix_feedback_responses_user_id"), table_name="feedback_responses")

    op.drop_table("feedback_responses")
    op.drop_index(op.f("ix_feedback_leases_user_id"), table_name="feedback_leases")

    op.drop_table("feedback_leases")
    with op.batch_alter_table("feedback_records", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_records_dataset_id_position")

    op.drop_table("feedback_records")
    op.drop_index(op.f("ix_feedback_sessions_user_id"), table_name="feedback_sessions")

    op.drop_table("feedback_sessions")
    op.drop_index(op.f("ix_feedback_members_user_id"), table_name="feedback_members")

    op.drop_table("feedback_members")
    op.drop_index(op.f("ix_feedback_datasets_workspace_id"), table_name="feedback_datasets")

    op.drop_table("feedback_datasets")
    op.drop_table("feedback_workspaces")
    op.drop_table("feedback_users")
