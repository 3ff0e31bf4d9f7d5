"""statistics: the rollup's monthly sums (issue 13)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 22:10:00

kpi_month holds kpi_day summed per calendar month, rewritten with the days it sums
(engine.statistics.rollup.sum_months). A year's figures read twelve months of rows: measured at
1,000,000 cases, summing a year of kpi_day (870,000 rows) took 0.25-0.6 s a query and a custom
report by month and department ran several such queries. Filled from kpi_day here, so a database
upgraded with a rollup has its monthly sums at once.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('numerator', sa.Float(), nullable=False),
    sa.Column('denominator', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('month', 'code', 'department_id', 'category', 'channel', name=op.f('pk_kpi_month'))
    )
    month = ("date_trunc('month', day)::date" if op.get_bind().dialect.name == "postgresql"
             else "date(day, 'start of month')")
    op.execute(f"INSERT INTO kpi_month (month, code, department_id, category, channel, numerator, denominator) "
               f"SELECT {month}, code, department_id, category, channel, sum(numerator), sum(denominator) "
               f"FROM kpi_day GROUP BY {month}, code, department_id, category, channel")


def downgrade():
    op.drop_table('kpi_month')
