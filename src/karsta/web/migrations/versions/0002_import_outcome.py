"""Imports through the web app: why an import failed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the imports' failure message."""
    with op.batch_alter_table("imports") as table:
        table.add_column(sa.Column("error", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop the imports' failure message."""
    with op.batch_alter_table("imports") as table:
        table.drop_column("error")
