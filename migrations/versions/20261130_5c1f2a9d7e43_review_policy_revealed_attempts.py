"""review policy: when an attempt's answers were revealed, and draws from an exhausted pool

Revision ID: 5c1f2a9d7e43
Revises: dd537dff3525
Create Date: 2026-11-30 03:00:00

Attempts submitted before this revision were reviewed with every right answer shown, so they count as
revealed from their submission.

"""
from alembic import op
import sqlalchemy as sa


revision = '5c1f2a9d7e43'
down_revision = 'dd537dff3525'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revealed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pool_exhausted', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE quiz_attempt SET revealed_at = submitted_at WHERE status = 'submitted'")


def downgrade():
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.drop_column('pool_exhausted')
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_column('revealed_at')
