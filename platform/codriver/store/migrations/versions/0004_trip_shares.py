"""read-only share links of trips (only the SHA-256 of a link's token is stored)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import codriver.store._types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tripshare",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", codriver.store._types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", codriver.store._types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["trip_id"], ["trip.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tripshare", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tripshare_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_tripshare_trip_id"), ["trip_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tripshare", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tripshare_trip_id"))
        batch_op.drop_index(batch_op.f("ix_tripshare_token_hash"))
    op.drop_table("tripshare")
