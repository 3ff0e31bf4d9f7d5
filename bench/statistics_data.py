"""A city's year of cases, calls and their facts, generated set-based for bench/kpis.py.

Every row is made by `INSERT … SELECT` over a series (`generate_series` on PostgreSQL, a recursive
CTE on SQLite): no Python loop over cases. First a work table `bench_plan` draws each case's
random choices once (time, category, channel, department, area, what happens to it and when);
the case rows, their audit trail (`case_event`), limits (`deadline`) and urges are then all read
from it, so the states agree with each other: a returned case has a `sign_for` event with
decision=return, a second dispatch, a second round's limits and return_count 1; a closed case has
its reply, visit and review; a case still open at the end has an open handling limit.

Times are seconds from BASE (00:00 Shanghai of the first day, stored as naive UTC) and become
timestamps only when written. The data covers DAYS days (13 months); "now" is 5 days after.
Weekends get about half the weekday volume (the rest moves to Monday), 85 % of requests come
between 08:00 and 20:00, categories, channels and departments are skewed like a city's.
"""
from __future__ import annotations

from datetime import date, datetime

FIRST_DAY = date(2025, 11, 1)               # Shanghai; the data runs to 2026-11-30
DAYS = 395
BASE = datetime(2025, 10, 31, 16, 0)        # 2025-11-01 00:00 in Shanghai, as stored (naive UTC)
BASE_DOW = 6                                # 2025-11-01 is a Saturday (0 = Sunday)
NOW = (DAYS + 5) * 86400
RANDOMS = 22

CATEGORIES = [("complaint", .35), ("consult", .25), ("help", .18), ("report", .12), ("suggestion", .07),
              ("praise", .03)]
CHANNELS = [("phone", .62), ("wechat", .12), ("app", .10), ("web", .09), ("sms", .04), ("mailbox", .03)]
SATISFACTION = [("satisfied", .72), ("basically_satisfied", .18), ("unsatisfied", .10)]
CALL_OUTCOMES = [("answered", .86), ("queue", .05), ("ivr", .03), ("agent", .02), ("trunk", .015),
                 ("overflow", .015), ("dissuaded", .01)]


class Dialect:
    """The few SQL spellings that differ between PostgreSQL and SQLite."""

    def __init__(self, name: str):
        self.pg = name == "postgresql"

    def series(self, n: int) -> str:
        if self.pg:
            return f"s(i) AS (SELECT generate_series(1, {n}))"
        return f"s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n})"

    @property
    def with_(self) -> str:
        return "WITH" if self.pg else "WITH RECURSIVE"

    @property
    def rnd(self) -> str:
        return "random()" if self.pg else "((random() % 1000000 + 1000000) % 1000000) / 1000000.0"

    def int(self, x: str) -> str:
        return f"CAST(floor({x}) AS INTEGER)" if self.pg else f"CAST({x} AS INTEGER)"

    def ts(self, x: str) -> str:
        """Seconds from BASE as a timestamp (NULL stays NULL)."""
        if self.pg:
            return f"(TIMESTAMP '{BASE:%Y-%m-%d %H:%M:%S}' + ({x}) * INTERVAL '1 second')"
        return f"strftime('%Y-%m-%d %H:%M:%f', '{BASE:%Y-%m-%d %H:%M:%S}', ({x}) || ' seconds')"

    def least(self, *xs: str) -> str:
        return f"{'least' if self.pg else 'min'}({', '.join(xs)})"

    def obj(self, key: str, value: str) -> str:
        return f"{'jsonb_build_object' if self.pg else 'json_object'}('{key}', {value})"

    def boolean(self, condition: str) -> str:
        """A JSON true/false from an SQL condition."""
        return f"({condition})" if self.pg else f"json(CASE WHEN {condition} THEN 'true' ELSE 'false' END)"

    def table(self, name: str, select: str) -> str:
        return f"CREATE {'UNLOGGED ' if self.pg else ''}TABLE {name} AS {select}"


def pick(r: str, choices) -> str:
    """SQL CASE choosing a value by cumulative probability of the random column r."""
    arms, total = [], 0.0
    for value, p in choices[:-1]:
        total += p
        arms.append(f"WHEN {r} < {total:.4f} THEN '{value}'")
    return f"CASE {' '.join(arms)} ELSE '{choices[-1][0]}' END"


def day_and_time(d: Dialect, r_day: str, r_move: str, r_busy: str, r_tod: str) -> str:
    """Seconds from BASE of a request: weekends halved (the rest moves to Monday), daytime heavy."""
    day = d.int(f"{r_day} * {DAYS}")
    dow = f"(({BASE_DOW} + {day}) % 7)"
    moved = d.least(f"{day} + CASE WHEN {dow} = 6 THEN 2 ELSE 1 END", str(DAYS - 1))
    day = f"(CASE WHEN {dow} IN (0, 6) AND {r_move} < 0.5 THEN {moved} ELSE {day} END)"
    tod = f"(CASE WHEN {r_busy} < 0.85 THEN 28800 + {r_tod} * 43200 ELSE {r_tod} * 86400 END)"
    return f"({day} * 86400 + {tod})"


LEVELS = [  # (column, SQL over the columns before it), one nesting level per list
    [("c_at", "@DAYTIME"), ("category", "@CATEGORY"), ("channel", "@CHANNEL"), ("dept1", "@DEPT1"),
     ("area", "@AREA"), ("kind", "CASE WHEN r9 < 0.14 THEN 'direct_answer' WHEN r9 < 0.16 THEN 'not_accepted' "
                                 "WHEN r9 < 0.18 THEN 'merged' ELSE 'committed' END"),
     ("mode", "CASE WHEN r10 < 0.7 THEN 'assign' ELSE 'transfer' END"), ("phone", "@PHONE"),
     ("sign_delay", "CASE WHEN r11 < 0.9 THEN 300 + r12 * 60000 ELSE 90000 + r12 * 150000 END"),
     ("returned", "r13 < 0.06"), ("extended", "r14 < 0.05"),
     ("due_len", "(CASE WHEN r14 < 0.05 THEN 36 ELSE 21 END) * 86400"), ("visits", "r17 < 0.9"),
     ("visit_after", "7200 + r18 * 144000"), ("sat", "@SATISFACTION"), ("review_fails", "r20 < 0.04"),
     ("urged", "r21 < 0.04"), ("urge_after", "172800 + r18 * 691200")],
    [("dept2", "@DEPT2"), ("dispatch_at", "c_at + 600 + r10 * 14400"), ("sign_met", "sign_delay <= 86400"),
     ("hand_state", "CASE WHEN r15 < 0.86 THEN 'met' WHEN r15 < 0.94 THEN 'missed' ELSE 'natural' END"),
     ("hand_delay", "CASE WHEN r15 < 0.86 THEN 43200 + r16 * (due_len - 50000) "
                    "WHEN r15 < 0.94 THEN due_len + 43200 + r16 * 1000000 ELSE r16 * due_len END")],
    [("sign_at", "dispatch_at + sign_delay"), ("redispatch_at", "dispatch_at + sign_delay + 1800"),
     ("sign2_at", "dispatch_at + sign_delay + 2400 + r12 * 20000")],
    [("start_h", "CASE WHEN returned THEN sign2_at ELSE sign_at END")],
    [("done_at", "start_h + hand_delay")],
    [("visit_at", "CASE WHEN visits THEN done_at + visit_after END")],
    [("review_at", "COALESCE(visit_at, done_at) + 1800")],
    [("close_at", "CASE kind WHEN 'committed' THEN review_at + CASE WHEN review_fails THEN 604800 ELSE 0 END "
                  "WHEN 'direct_answer' THEN c_at + 300 ELSE c_at + 900 END")],
]


def plan_sql(d: Dialect, n: int, first_id: int, n_depts: int, n_areas: int) -> str:
    """CREATE TABLE bench_plan: one row per case with every choice and moment (seconds from BASE)."""
    macros = {"@DAYTIME": day_and_time(d, "r1", "r2", "r3", "r4"), "@CATEGORY": pick("r5", CATEGORIES),
              "@CHANNEL": pick("r6", CHANNELS), "@DEPT1": d.int(f"{n_depts} * r7 * r7"),
              "@AREA": d.int(f"{n_areas} * r8 * r8"),
              "@DEPT2": f"(dept1 + 1 + {d.int(f'r8 * {max(n_depts - 1, 1)}')}) % {n_depts}",
              "@PHONE": f"'138' || CAST(10000000 + {d.int(f'r22 * {max(n // 2, 1)}')} AS TEXT)",
              "@SATISFACTION": pick("r19", SATISFACTION)}
    randoms = ", ".join(f"{d.rnd} AS r{k}" for k in range(1, RANDOMS + 1))
    sql = "SELECT * FROM raw"
    for depth, level in enumerate(LEVELS):
        columns = ", ".join(f"{macros.get(expr, expr)} AS {name}" for name, expr in level)
        sql = f"SELECT *, {columns} FROM ({sql}) AS t{depth}"
    # MATERIALIZED: each random() is drawn once, however often the levels above refer to it.
    raw = f"raw AS MATERIALIZED (SELECT i, {randoms} FROM s)"
    # Ids in order of registration, as the engine gives them; the table in that order, so the
    # INSERTs below append to the time indexes instead of writing all over them.
    sql = f"SELECT {first_id} + row_number() OVER (ORDER BY c_at) AS id, * FROM ({sql}) AS planned ORDER BY c_at"
    return d.table("bench_plan", f"{d.with_} {d.series(n)}, {raw} {sql}")


def _case_sql(d: Dialect, version_id: int) -> str:
    # Long because it is one INSERT listing every column of the case row.
    ts, now = d.ts, NOW
    lead = "CASE WHEN returned THEN d2.id ELSE d1.id END"
    state = (f"CASE WHEN kind <> 'committed' OR close_at < {now} THEN 'closed' WHEN visit_at < {now} THEN 'reviewing' "
             f"WHEN done_at < {now} THEN 'visiting' WHEN dispatch_at < {now} THEN 'handling' ELSE 'dispatching' END")
    open_due = f"CASE WHEN kind = 'committed' AND done_at >= {now} THEN {ts('start_h + due_len')} END"
    return f"""INSERT INTO "case" (id, case_no, query_code, version, process_version_id, status, stage, outcome,
            category, channel, citizen_name, phone, title, content, address, confidential, citizen_gender, area_id,
            urgency, wants_callback, wants_sms_reply, dispatch_mode, handling_kind, lead_department_id, due_at,
            handle_due_at, due_provisional, suspended, urge_count, reopen_count, return_count, extension_count,
            created_at, updated_at, closed_at)
        SELECT p.id, 'BN' || CAST(100000000000 + p.id AS TEXT), 'Q' || CAST(100000000000 + p.id AS TEXT), 1,
            {version_id}, {state}, {state}, CASE WHEN kind <> 'committed' THEN kind END, category, channel, '市民',
            phone, '市民诉求', '诉求内容', '', false, '', a.id, 'normal', true, false,
            CASE WHEN kind = 'committed' THEN mode END,
            CASE kind WHEN 'committed' THEN 'committed' WHEN 'direct_answer' THEN 'immediate' END,
            CASE WHEN kind = 'committed' THEN {lead} END, {open_due}, {open_due}, false, false,
            CASE WHEN kind = 'committed' AND urged AND start_h + urge_after < {now} THEN 1 ELSE 0 END,
            CASE WHEN kind = 'committed' AND review_fails AND review_at < {now} THEN 1 ELSE 0 END,
            CASE WHEN kind = 'committed' AND returned AND sign_at < {now} THEN 1 ELSE 0 END,
            CASE WHEN kind = 'committed' AND extended AND start_h < {now} THEN 1 ELSE 0 END,
            {ts('c_at')}, {ts('c_at')}, CASE WHEN close_at < {now} THEN {ts('close_at')} END
        FROM bench_plan p JOIN bench_dept d1 ON d1.idx = p.dept1 JOIN bench_dept d2 ON d2.idx = p.dept2
        JOIN bench_area a ON a.idx = p.area ORDER BY p.id"""


def _events(d: Dialect) -> list[tuple[str, str, str, str]]:
    """(action, moment column, condition, data) of each event written from the plan."""
    empty = "'{}'::jsonb" if d.pg else "'{}'"
    c = "kind = 'committed'"
    decision = d.obj("decision", "CASE WHEN returned THEN 'return' ELSE 'accept' END")
    return [("intake", "c_at", "true", empty),
            ("dispatch", "dispatch_at", c, empty),
            ("sign_for", "sign_at", c, decision),
            ("dispatch", "redispatch_at", f"{c} AND returned", empty),
            ("sign_for", "sign2_at", f"{c} AND returned", d.obj("decision", "'accept'")),
            ("reply", "done_at", c, empty),
            ("visit", "visit_at", f"{c} AND visits", d.obj("satisfaction", "sat")),
            ("review", "review_at", c, d.obj("review_passed", d.boolean("NOT review_fails"))),
            ("review", "close_at", f"{c} AND review_fails", d.obj("review_passed", d.boolean("true")))]


def _event_sql(d: Dialect, action: str, moment: str, condition: str, data: str) -> str:
    return f"""INSERT INTO case_event (case_id, action, from_stage, to_stage, data, created_at)
        SELECT id, '{action}', NULL, NULL, {data}, {d.ts(moment)} FROM bench_plan
        WHERE {condition} AND {moment} < {NOW}"""


def _deadline_sql(d: Dialect) -> list[str]:
    # Long because it is three INSERTs: the first sign-for limit, the second round's, the handling limit.
    ts, now = d.ts, NOW
    cols = ("INSERT INTO deadline (case_id, stage, department_id, role, round, started_at, working_days, due_at, "
            "warn_at, provisional, colour, state, paused_days, completed_at) ")
    joins = "FROM bench_plan p JOIN bench_dept d1 ON d1.idx = p.dept1 JOIN bench_dept d2 ON d2.idx = p.dept2 "
    sign1 = (f"SELECT p.id, 'sign_for', d1.id, 'lead', 1, {ts('dispatch_at')}, 1, {ts('dispatch_at + 86400')}, "
             f"{ts('dispatch_at + 72000')}, false, 'green', CASE WHEN sign_at >= {now} THEN 'open' "
             f"WHEN sign_met THEN 'met' ELSE 'missed' END, 0, CASE WHEN sign_at < {now} THEN {ts('sign_at')} END "
             f"{joins} WHERE kind = 'committed' AND dispatch_at < {now}")
    sign2 = (f"SELECT p.id, 'sign_for', d2.id, 'lead', 2, {ts('redispatch_at')}, 1, {ts('redispatch_at + 86400')}, "
             f"{ts('redispatch_at + 72000')}, false, 'green', CASE WHEN sign2_at < {now} THEN 'met' ELSE 'open' END, "
             f"0, CASE WHEN sign2_at < {now} THEN {ts('sign2_at')} END "
             f"{joins} WHERE kind = 'committed' AND returned AND redispatch_at < {now}")
    late = f"done_at >= {now} AND start_h + due_len < {now}"
    handling = (f"SELECT p.id, 'handling', CASE WHEN returned THEN d2.id ELSE d1.id END, 'lead', "
                f"CASE WHEN returned THEN 2 ELSE 1 END, {ts('start_h')}, CASE WHEN extended THEN 30 ELSE 15 END, "
                f"{ts('start_h + due_len')}, {ts('start_h + due_len - 259200')}, false, "
                f"CASE WHEN {late} THEN 'red' ELSE 'green' END, "
                f"CASE WHEN done_at < {now} THEN hand_state ELSE 'open' END, 0, "
                f"CASE WHEN done_at < {now} THEN {ts('done_at')} END "
                f"{joins} WHERE kind = 'committed' AND start_h < {now}")
    return [cols + sign1, cols + sign2, cols + handling]


def _urge_sql(d: Dialect, actor_id: int) -> str:
    return f"""INSERT INTO urge (case_id, seq, actor_id, department_id, opinion, stage, created_at)
        SELECT p.id, 1, {actor_id}, CASE WHEN returned THEN d2.id ELSE d1.id END, '请加快办理', 'handling',
            {d.ts('start_h + urge_after')}
        FROM bench_plan p JOIN bench_dept d1 ON d1.idx = p.dept1 JOIN bench_dept d2 ON d2.idx = p.dept2
        WHERE kind = 'committed' AND urged AND start_h + urge_after < {NOW}"""


CALL_LEVELS = [
    [("a", "@DAYTIME"), ("outcome", "@OUTCOME"), ("wait", "CASE WHEN r5 < 0.86 THEN 40 * r7 * r7 "
                                                           "ELSE 30 + r7 * 120 END"),
     ("caller", "@CALLER")],
    [("q", "CASE WHEN outcome NOT IN ('trunk', 'ivr') THEN a + 20 + r6 * 30 END")],
]


def _call_sql(d: Dialect, n: int, n_cases: int) -> str:
    """3 calls a case: the switch's records over the same 13 months (answered, or lost at a stage)."""
    macros = {"@DAYTIME": day_and_time(d, "r1", "r2", "r3", "r4"), "@OUTCOME": pick("r5", CALL_OUTCOMES),
              "@CALLER": f"'139' || CAST(10000000 + {d.int(f'r8 * {max(n_cases // 2, 1)}')} AS TEXT)"}
    sql = "SELECT * FROM raw"
    for depth, level in enumerate(CALL_LEVELS):
        columns = ", ".join(f"{macros.get(expr, expr)} AS {name}" for name, expr in level)
        sql = f"SELECT *, {columns} FROM ({sql}) AS t{depth}"
    ts = d.ts
    answered = "outcome = 'answered'"
    raw = "raw AS MATERIALIZED (SELECT i, " + ", ".join(f"{d.rnd} AS r{k}" for k in range(1, 9)) + " FROM s)"
    return f"""INSERT INTO call_record (call_id, caller, queue, agent, arrived_at, ivr_at, queued_at, offered_at,
            answered_at, ended_at, outcome, callback_requested, created_at, updated_at)
        {d.with_} {d.series(n)}, {raw}
        SELECT 'BN' || CAST(100000000000 + i AS TEXT), caller, CASE WHEN q IS NOT NULL THEN 'hotline' END,
            CASE WHEN {answered} THEN 'agent' || CAST(1000 + i % 60 AS TEXT) END, {ts('a')},
            CASE WHEN outcome <> 'trunk' THEN {ts('a + 2')} END, {ts('q')},
            CASE WHEN {answered} OR outcome = 'agent' THEN {ts('q + wait - 3')} END,
            CASE WHEN {answered} THEN {ts('q + wait')} END,
            {ts('COALESCE(q + wait, a + 10) + CASE WHEN ' + answered + ' THEN 240 ELSE 0 END')}, outcome, false,
            {ts('a')}, {ts('a')}
        FROM ({sql}) AS calls ORDER BY a"""


def _places(kinds) -> list[int]:
    """Demo departments of these kinds, in a fixed order (the first get the most cases)."""
    from sqlalchemy import select

    from engine.db import db
    from engine.models import Department
    rows = db.session.execute(select(Department.id, Department.kind).where(Department.kind.in_(kinds))).all()
    return [i for i, kind in sorted(rows, key=lambda r: (kinds.index(r[1]), r[0]))]


def _lookup(name: str, ids: list[int]) -> None:
    from sqlalchemy import text

    from engine.db import db
    db.session.execute(text(f"DROP TABLE IF EXISTS {name}"))
    db.session.execute(text(f"CREATE TABLE {name} (idx INTEGER PRIMARY KEY, id INTEGER)"))
    db.session.execute(text(f"INSERT INTO {name} (idx, id) VALUES (:idx, :id)"),
                       [{"idx": k, "id": i} for k, i in enumerate(ids)])


def statements(d: Dialect, n: int, n_calls: int, first_id: int, version_id: int, actor_id: int,
               n_depts: int, n_areas: int) -> list[tuple[str, str]]:
    """(label, SQL) in order: the plan, then everything read from it, then the calls."""
    found = [("plan", plan_sql(d, n, first_id, n_depts, n_areas)), ("cases", _case_sql(d, version_id))]
    found += [(f"events: {a} at {m}", _event_sql(d, a, m, c, data)) for a, m, c, data in _events(d)]
    found += [("deadlines", sql) for sql in _deadline_sql(d)]
    found += [("urges", _urge_sql(d, actor_id)), ("calls", _call_sql(d, n_calls, n))]
    return found


def generate(n: int, n_calls: int, say=print) -> None:
    """Write n cases and n_calls call records with their facts (inside an app context)."""

    from sqlalchemy import func, select, text

    from engine.db import db
    from engine.models import Case, User
    from engine.processes import versions as processes

    d = Dialect(db.session.get_bind().dialect.name)
    if d.pg:     # the bench's statement timeout is for the timed queries, not for loading
        db.session.execute(text("SET LOCAL statement_timeout = 0"))
    depts, areas = _places(["bureau", "district", "street"]), _places(["street", "community"])
    _lookup("bench_dept", depts)
    _lookup("bench_area", areas)
    first_id = db.session.execute(select(func.coalesce(func.max(Case.id), 0))).scalar()
    actor_id = db.session.execute(select(User.id).where(User.username == "supervisor")).scalar_one()
    db.session.execute(text("DROP TABLE IF EXISTS bench_plan"))
    _run(statements(d, n, n_calls, first_id, processes.current_version_id(), actor_id, len(depts), len(areas)), say)
    for name in ("bench_plan", "bench_dept", "bench_area"):
        db.session.execute(text(f"DROP TABLE {name}"))
    _finish(d, say)


def _run(labelled_sql, say) -> None:
    """Execute each statement, saying how many rows it wrote and how long it took."""
    import time

    from sqlalchemy import text

    from engine.db import db
    for label, sql in labelled_sql:
        t0 = time.perf_counter()
        rows = db.session.execute(text(sql)).rowcount
        counted = f"{rows:,} rows" if rows >= 0 else "done"     # SQLite counts no CREATE TABLE … AS rows
        say(f"  {label}: {counted} in {time.perf_counter() - t0:.1f} s")


def _finish(d: Dialect, say) -> None:
    """Sequences past the written ids; statistics (and the visibility map) as after a load."""
    import time

    from sqlalchemy import text

    from engine.db import db
    if d.pg:
        for table in ("case", "case_event", "deadline", "urge", "call_record"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                    f"(SELECT max(id) FROM \"{table}\"))"))
    db.session.commit()
    t0 = time.perf_counter()
    # VACUUM as autovacuum would soon after such a load: it sets the visibility map that index-only
    # scans need (else every count reads the heap too). It cannot run inside a transaction.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if d.pg:
            conn.execute(text("SET statement_timeout = 0"))
        conn.execute(text("VACUUM ANALYZE" if d.pg else "ANALYZE"))
        if d.pg:         # back to the connection's own setting before it returns to the pool
            conn.execute(text("RESET statement_timeout"))
    say(f"  {'VACUUM ANALYZE' if d.pg else 'ANALYZE'} in {time.perf_counter() - t0:.1f} s")
