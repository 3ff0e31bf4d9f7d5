"""Excel import of 100,000 contacts: validation rate and the whole import's time.

    .venv/bin/python bench/import.py [--n 100000] [--batch 2000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_contacts .venv/bin/python bench/import.py

Generates a real-looking contact list (bench/import_data.py: bad phones, blanks, unknown
classifications, repeats within the file and numbers already in the database sprinkled in),
then times: reading the sheet (python-calamine), validating every row (the target's rules and the
duplicate check within the file, no database), and the whole import as the scheduler runs it
(committed batches with checkpoints). Goal: >= 20,000 validated rows/s.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402


def main() -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    args = parser.parse_args()
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"Excel import benchmark, {args.n:,} contact rows")
    with app.app_context():
        run(args.n, args.batch)


# Long because it is the benchmark's script: set-up, three timings, the report.
def run(n: int, batch: int) -> None:
    from bench.import_data import make_rows, write_xlsx
    from engine import scheduler
    from engine.contacts import service
    from engine.db import db
    from engine.imports import jobs, reader, runner
    from engine.organisation import actor_from_user, directory

    scheduler.register_import_targets()
    lead = actor_from_user(directory.get_user("shift_lead"))
    rows, expected = make_rows(n)
    for phone in expected.existing:
        service.resolve(phone, name="老客户")
    db.session.commit()
    started = time.perf_counter()
    path = write_xlsx(Path(common._TMP) / "contacts.xlsx", rows, blank_every=7000)
    print(f"workbook: {n:,} rows, {path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - started:.2f} s")
    job = jobs.create(actor=lead, target="contacts", filename="contacts.xlsx", data=path.read_bytes())
    jobs.start(actor=lead, job_id=job.id, mapping=job.mapping)

    started = time.perf_counter()
    sheet = list(reader.data_rows(str(path)))
    read = time.perf_counter() - started
    state = runner._Run(job, "bench")
    started = time.perf_counter()
    good = 0
    for _, cells in sheet:
        clean, _problems = state.check(state.raw(cells))
        key = state.key(clean)
        if key and key not in state.seen:
            good += 1
        if key:
            state.seen.add(key)
    validate = time.perf_counter() - started
    db.session.rollback()

    started = time.perf_counter()
    result = runner.run_pending(batch=batch)
    total = time.perf_counter() - started
    db.session.refresh(job)
    assert (job.good, job.bad, job.duplicates) == (expected.good, expected.bad, expected.duplicates), result
    print(f"read (calamine):     {read:6.2f} s  {len(sheet) / read:10,.0f} rows/s")
    print(f"validate:            {validate:6.2f} s  {len(sheet) / validate:10,.0f} rows/s   (goal >= 20,000)")
    print(f"whole import:        {total:6.2f} s  {n / total:10,.0f} rows/s   "
          f"(good {job.good:,}, bad {job.bad:,}, duplicates {job.duplicates:,}; batches of {batch})")


if __name__ == "__main__":
    main()
