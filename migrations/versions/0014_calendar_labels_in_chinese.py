"""calendar labels in Chinese: holidays imported with the package's English names get the
State Council's names; the import's own audit reason likewise

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
         "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
         "Mid-autumn Festival": "中秋节",
         "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"}
day = sa.table("calendar_day", sa.column("label", sa.String))
change = sa.table("config_change", sa.column("reason", sa.Text))


def upgrade():
    for english, chinese in NAMES.items():
        op.execute(day.update().where(day.c.label == english).values(label=chinese))
        op.execute(day.update().where(day.c.label == f"{english} 调休").values(label=f"{chinese}调休"[:50]))
    # the import's own words (never an admin's): "imported from chinesecalendar 1.11.0"
    op.execute(change.update().where(change.c.reason.like("imported from chinesecalendar%"))
               .values(reason=sa.func.replace(change.c.reason, "imported from ", "从 ") + " 导入"))


def downgrade():
    for english, chinese in NAMES.items():
        op.execute(day.update().where(day.c.label == chinese).values(label=english))
        op.execute(day.update().where(day.c.label == f"{chinese}调休"[:50]).values(label=f"{english} 调休"))
    op.execute(change.update().where(change.c.reason.like("从 chinesecalendar% 导入"))
               .values(reason=sa.func.replace(sa.func.replace(change.c.reason, "从 ", "imported from "), " 导入", "")))
