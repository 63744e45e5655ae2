"""The improvement records: waste workshops, ideas, Gemba observations, A3s, actions, PDCA.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=True)
TABLES = (
    "improve_history",
    "improve_improvement_metrics",
    "improve_improvements",
    "improve_actions",
    "improve_gemba_notes",
    "improve_gemba",
    "improve_ideas",
    "improve_a3",
    "improve_workshop_items",
    "improve_workshops",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _parent(name: str, table: str, ondelete: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "improve_workshops",
        _id(),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("facilitator", sa.String(150), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
    )
    op.create_table(
        "improve_workshop_items",
        _id(),
        _parent("workshop_id", "improve_workshops", "CASCADE"),
        sa.Column("waste", sa.String(100), nullable=False),
        sa.Column("relevant", sa.Boolean(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("times", sa.Float(), nullable=True),
        sa.Column("per", sa.String(10), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("people", sa.Float(), nullable=False),
    )
    op.create_index(
        "ix_improve_workshop_items_workshop_id", "improve_workshop_items", ["workshop_id"]
    )
    op.create_table(
        "improve_a3",
        _id(),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(150), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("baseline", sa.JSON(), nullable=True),
        *(
            sa.Column(name, sa.Text(), nullable=False)
            for name in ("background", "current_state", "problem", "target")
        ),
        sa.Column("whys", sa.JSON(), nullable=False),
        sa.Column("fishbone", sa.JSON(), nullable=False),
        *(
            sa.Column(name, sa.Text(), nullable=False)
            for name in ("analysis", "metrics", "proposals", "follow_up", "standard")
        ),
        sa.Column("closed_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "improve_ideas",
        _id(),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("author", sa.String(150), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("effort", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _parent("a3_id", "improve_a3", "SET NULL", nullable=True),
    )
    op.create_table(
        "improve_gemba",
        _id(),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        *(
            sa.Column(name, sa.String(150), nullable=False)
            for name in ("observer", "note_taker", "timekeeper")
        ),
        sa.Column("created_at", INSTANT, nullable=False),
    )
    op.create_table(
        "improve_gemba_notes",
        _id(),
        _parent("gemba_id", "improve_gemba", "CASCADE"),
        sa.Column("step", sa.String(200), nullable=False),
        sa.Column("started_at", INSTANT, nullable=False),
        sa.Column("ended_at", INSTANT, nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("remark", sa.Text(), nullable=False),
    )
    op.create_index("ix_improve_gemba_notes_gemba_id", "improve_gemba_notes", ["gemba_id"])
    op.create_table(
        "improve_actions",
        _id(),
        _parent("a3_id", "improve_a3", "CASCADE"),
        sa.Column("who", sa.String(150), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("how", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_index("ix_improve_actions_a3_id", "improve_actions", ["a3_id"])
    op.create_table(
        "improve_improvements",
        _id(),
        sa.Column("title", sa.String(300), nullable=False),
        _parent("a3_id", "improve_a3", "SET NULL", nullable=True),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("baseline_periods", sa.Integer(), nullable=False),
        sa.Column("hold_periods", sa.Integer(), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
    )
    op.create_table(
        "improve_improvement_metrics",
        _id(),
        _parent("improvement_id", "improve_improvements", "CASCADE"),
        sa.Column("metric", sa.String(20), nullable=False),
        sa.Column("statistic", sa.String(50), nullable=True),
        sa.Column("target", sa.String(100), nullable=True),
    )
    op.create_index(
        "ix_improve_improvement_metrics_improvement_id",
        "improve_improvement_metrics",
        ["improvement_id"],
    )
    op.create_table(
        "improve_history",
        _id(),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("who", sa.String(150), nullable=False),
        sa.Column("record", sa.String(30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
    )
    op.create_index("ix_improve_history_at", "improve_history", ["at"])


def downgrade() -> None:
    """Drop the tables."""
    for table in TABLES:
        op.drop_table(table)
