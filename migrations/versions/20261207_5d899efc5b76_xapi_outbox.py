"""xapi outbox: statements queued for a learning record store

Why: with XAPI_LRS_URL set, each graded attempt's xAPI statements are queued in the grading transaction
and sent with retries, so nothing is lost while the LRS is down (issue 25).

Revision ID: 5d899efc5b76
Revises: c4d8e2a61b90
Create Date: 2026-12-07 01:57:06.013998

"""
from alembic import op
import sqlalchemy as sa


revision = '5d899efc5b76'
down_revision = 'c4d8e2a61b90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_xapi_outbox_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_outbox')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_outbox_statement_id'))
    )
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_outbox_due', ['status', 'next_try_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_xapi_outbox_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_outbox_user_id'))
        batch_op.drop_index('ix_xapi_outbox_due')

    op.drop_table('xapi_outbox')
