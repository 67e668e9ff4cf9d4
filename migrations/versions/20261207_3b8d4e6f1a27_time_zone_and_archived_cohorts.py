"""a person's time zone, archived cohorts, and the matrix's covering indexes

Why: issue 24 shows every time in the person's own time zone (a profile setting; None keeps UTC), and lets
an instructor archive a cohort that has finished (it leaves the lists and filters; members and records
stay). Both are nullable columns, so existing rows need no value. The two indexes on module_summary cover
the matrix's per-trainee and per-module aggregates, so the admin's matrix over 10,000 trainees reads
indexes alone (benchmarks/README.md).

Revision ID: 3b8d4e6f1a27
Revises: 209a96ccf7cd
Create Date: 2026-12-07 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8d4e6f1a27'
down_revision = '209a96ccf7cd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('module_summary', schema=None) as batch_op:
        batch_op.create_index('ix_module_summary_trainee_totals', ['user_id', 'passed', 'pages_done', 'failed_attempts', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_module_summary_module_counts', ['module_slug', 'passed', 'pages_done', 'attempts', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('module_summary', schema=None) as batch_op:
        batch_op.drop_index('ix_module_summary_module_counts')
        batch_op.drop_index('ix_module_summary_trainee_totals')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
