"""Where the time of an intake or a work-item completion goes: phases, SQL statements, cProfile.

    .venv/bin/python bench/hotspots.py [--what intake|lifecycle] [--n 500] [--top 25] [--reuse]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_bench .venv/bin/python bench/hotspots.py

1. phases: wall time of the service's steps (engine load/complete/dump, lock, projections, commit,
   ...), measured by wrapping those functions in this process only; exclusive times, so nested
   phases are not counted twice;
2. SQL statements and commits per operation, and this process's CPU share of the wall time;
3. cProfile of the same calls (it slows Python code down 1.5-2x: read proportions, not times).
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402
from bench.lifecycle import service_steps  # noqa: E402

if TYPE_CHECKING:
    from flask import Flask


class PhaseTimer:
    """Wraps functions by (owner, attribute name); records exclusive wall time per phase."""

    def __init__(self):
        self.total: dict[str, float] = defaultdict(float)
        self.stack: list[list] = []
        self.active = False

    def wrap(self, owner, name: str, phase: str) -> None:
        original = getattr(owner, name)
        timer = self

        @functools.wraps(original)
        def timed(*args, **kwargs):
            if not timer.active:
                return original(*args, **kwargs)
            frame = [phase, 0.0]            # [phase, time of nested phases]
            timer.stack.append(frame)
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t0
                timer.stack.pop()
                timer.total[phase] += elapsed - frame[1]
                if timer.stack:
                    timer.stack[-1][1] += elapsed

        # A classmethod read from its class comes back bound to it, so the plain function that
        # replaces it still works when called on the class (CaseWorkflow.load(...)).
        setattr(owner, name, timed)


def install_phases(timer: "PhaseTimer") -> None:
    from sqlalchemy.orm import Session

    from engine.bpmn import runtime
    from engine.cases import numbering, projections, task_hooks, unit
    from engine.processes import versions as processes
    from forms.fields import Form

    timer.wrap(runtime.CaseWorkflow, "start", "engine: start instance")
    timer.wrap(runtime.CaseWorkflow, "load", "engine: load blob")
    timer.wrap(runtime.CaseWorkflow, "complete", "engine: complete task + engine steps")
    timer.wrap(runtime.CaseWorkflow, "dump", "engine: dump blob")
    timer.wrap(runtime.CaseWorkflow, "ready_tasks", "engine: ready_tasks (projections)")
    timer.wrap(unit, "lock_case", "sql: lock case row + blob (1st query: + pool checkout, BEGIN)")
    timer.wrap(unit, "open_items", "sql: the case's open work items + department paths")
    timer.wrap(projections, "sync", "projections.sync (close done items, insert new ones)")
    timer.wrap(task_hooks, "run_before", "task hooks: before")
    timer.wrap(task_hooks, "run_after", "task hooks: after")
    timer.wrap(Form, "validate", "form validation")
    timer.wrap(processes, "current_version_id", "sql: current process version (1st query: + pool checkout, pre-ping, BEGIN)")
    timer.wrap(numbering, "assign_case_no", "sql: case number (counter upsert + case row)")
    timer.wrap(Session, "flush", "orm flush (INSERT/UPDATE)")
    timer.wrap(Session, "commit", "commit")


class StatementCounter:
    """Counts SQL statements (and commits) per statement kind on the app's engine."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.kinds: Counter = Counter()
        self.commits = 0
        self.active = False
        event.listen(engine, "before_cursor_execute", self._on_execute)
        event.listen(engine, "commit", self._on_commit)

    def _on_execute(self, conn, cursor, statement, params, context, executemany):
        if not self.active:
            return
        words = statement.split()
        head = words[0].upper() if words else "?"
        table = ""
        for marker in ("FROM", "INTO", "UPDATE"):
            if marker in (w.upper() for w in words):
                idx = [w.upper() for w in words].index(marker)
                table = words[idx + 1] if head != "UPDATE" else words[1]
                break
        self.kinds[f"{head} {table}".strip()] += 1

    def _on_commit(self, conn):
        if self.active:
            self.commits += 1

    def reset(self):
        self.kinds.clear()
        self.commits = 0


# ---------------------------------------------------------------- the run

@dataclass
class Clock:
    """Wall and CPU time of the measured operations, and how many there were."""

    wall: float = 0.0
    cpu: float = 0.0
    ops: int = 0


class CaseRunner:
    """Intakes (and their lifecycle's work-item completions), each counted, timed and profiled or not."""

    def __init__(self, app: Flask, what: str) -> None:
        # imported before install_phases wraps the engine's functions (as before the split), so
        # whatever the service bound at import time is what it binds in every run
        from engine.cases import service as cases
        from engine.db import db

        self.app, self.what, self.cases = app, what, cases
        self.actors, departments = common.lifecycle_people(app)
        with app.app_context():
            self.counter = StatementCounter(db.engine)
        self.steps = service_steps(self.actors, departments)
        self.timer = PhaseTimer()
        install_phases(self.timer)
        self.clock = Clock()
        self.profiler = cProfile.Profile()

    def measured(self, fn: Callable[[], Any], profile: bool) -> Any:
        """Run fn in its own app context; only fn itself is counted, timed and profiled."""
        from engine.db import db

        counter, timer, clock = self.counter, self.timer, self.clock
        with self.app.app_context():
            counter.active = timer.active = True
            if profile:
                self.profiler.enable()
            w0, c0 = time.perf_counter(), time.process_time()
            result = fn()
            clock.wall += time.perf_counter() - w0
            clock.cpu += time.process_time() - c0
            if profile:
                self.profiler.disable()
            counter.active = timer.active = False
            clock.ops += 1
            db.session.remove()
        return result

    def unmeasured(self, fn: Callable[[], Any]) -> Any:
        """Run fn in its own app context, not counted."""
        from engine.db import db

        with self.app.app_context():
            result = fn()
            db.session.remove()
        return result

    def one_case(self, i: int, measure: bool, profile: bool = False) -> None:
        """Open the i-th case; for `lifecycle` walk its work items too. Measure the intake or the walk."""
        cases, actors = self.cases, self.actors
        intake = lambda: cases.open_case(actor=actors["agent"], data=common.intake_data(i)).id  # noqa: E731
        if self.what == "intake":
            self.measured(intake, profile) if measure else self.unmeasured(intake)
            return
        case_id = self.unmeasured(intake)
        for _label, fn in self.steps:
            call = lambda fn=fn: fn(case_id)  # noqa: E731
            self.measured(call, profile) if measure else self.unmeasured(call)

    def profile_pass(self, numbers: range) -> None:
        """Profile the cases `numbers`, leaving the phase times of the unprofiled pass as they were."""
        timer_state = dict(self.timer.total)
        for i in numbers:
            self.one_case(i, measure=True, profile=True)
        self.timer.total.clear()
        self.timer.total.update(timer_state)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The benchmark's options."""
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--what", choices=("intake", "lifecycle"), default="intake",
                        help="profile open_case, or the 9 work-item completions of the lifecycle")
    parser.add_argument("--n", type=int, default=300, help="cases per pass (default 300)")
    parser.add_argument("--top", type=int, default=25, help="rows of the profile to print")
    return parser.parse_args(argv)


def print_phases(runner: CaseRunner) -> None:
    """Per operation: wall and CPU time, statements and commits, exclusive time per phase, statements by kind."""
    clock, counter, timer = runner.clock, runner.counter, runner.timer
    ops = clock.ops
    unit = "intake (open_case)" if runner.what == "intake" else "work-item completion"
    wall_ms = clock.wall / ops * 1000
    print(f"per {unit}: wall {wall_ms:.2f} ms, CPU of this process {clock.cpu / ops * 1000:.2f} ms "
          f"({clock.cpu / clock.wall:.0%}; the rest is waiting for the database), "
          f"{sum(counter.kinds.values()) / ops:.1f} SQL statements, {counter.commits / ops:.2f} commits")
    print("phases (exclusive wall ms per operation; instrumentation adds a little):")
    attributed = 0.0
    for phase, total in sorted(timer.total.items(), key=lambda kv: -kv[1]):
        attributed += total
        print(f"   {total / ops * 1000:6.3f} ms {total / clock.wall:5.1%}  {phase}")
    rest = clock.wall - attributed
    print(f"   {rest / ops * 1000:6.3f} ms {rest / clock.wall:5.1%}  other (ORM queries by the services, "
          f"session.get, audit, Python glue)")
    print("SQL statements per operation:")
    for kind, count in counter.kinds.most_common(20):
        print(f"   {count / ops:6.2f}  {kind}")


def print_profile(profiler: cProfile.Profile, top: int) -> None:
    """The profile's top rows by own time, then by cumulative time."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def main(argv: list[str] | None = None) -> None:
    """Warm up, measure a pass of cases, profile a second pass; print both."""
    args = parse_args(argv)
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"hotspots of {args.what}, {args.n} cases per pass")
    runner = CaseRunner(app, args.what)

    for i in range(20):                                     # warm-up
        runner.one_case(3_000_000 + i, measure=False)

    # 1. phases, statements and CPU share (no profiler)
    for i in range(args.n):
        runner.one_case(i, measure=True)
    print_phases(runner)

    # 2. cProfile of the same calls
    runner.profile_pass(range(args.n, 2 * args.n))
    print_profile(runner.profiler, args.top)


if __name__ == "__main__":
    main()
