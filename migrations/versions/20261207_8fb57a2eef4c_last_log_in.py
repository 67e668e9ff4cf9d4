"""when each account last logged in

Why: issue 24 (A4) shows each person's last log-in on the admin's account list. Session rows are deleted
at log-out and expiry, so they cannot say it; `user.last_login_at` is set at every log-in from now on.
Existing accounts get the start of their newest session still on record, or stay NULL ("never" as far as
the course knows).

Revision ID: 8fb57a2eef4c
Revises: 30eea4482624
Create Date: 2026-12-07 04:44:26.891151

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8fb57a2eef4c'
down_revision = '30eea4482624'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(), nullable=True))
    op.execute(
        'UPDATE "user" SET last_login_at = '
        '(SELECT MAX(user_session.created_at) FROM user_session WHERE user_session.user_id = "user".id)'
    )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('last_login_at')
