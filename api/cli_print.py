"""`flask --app wsgi print KIND CASE_NO -o FILE`: one official document of one case as PDF.

The command acts as no particular user: a system actor with the admin role (every case in
scope) and no user id, so its audit event "printed" has actor_id NULL (= system).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from engine.db import db
from engine.documents import service as documents
from engine.errors import DomainError
from engine.models import Case
from engine.organisation import roles as R
from engine.organisation.actor import Actor

SYSTEM_ACTOR = Actor(user_id=None, username="system", roles=frozenset({R.ADMIN}),  # type: ignore[arg-type]
                     department_id=0, department_path="/")


@click.command("print")
@click.argument("kind")
@click.argument("case_no")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF.")
@click.option("--base-url", default="", help="Public address of the site, for the QR code's lookup link.")
def print_document(kind: str, case_no: str, output: Path, base_url: str) -> None:
    """Write document KIND of case CASE_NO to FILE (KIND: transfer-slip, assignment-letter,
    supervision-notice, extension-form, overtime-report, receipt, completion-notice, closing-record)."""
    if kind not in documents.KINDS:
        _fail(f"unknown kind '{kind}'; one of: {', '.join(documents.KINDS)}")
    case_id = db.session.execute(select(Case.id).where(Case.case_no == case_no)).scalar()
    if case_id is None:
        _fail(f"no case numbered {case_no}")
    try:
        pdf = documents.render(kind=kind, case_id=case_id, actor=SYSTEM_ACTOR, base_url=base_url)
    except DomainError as exc:
        _fail(exc.message)
    output.write_bytes(pdf)
    click.echo(f"{documents.KINDS[kind]} of {case_no}: {output} ({len(pdf) // 1024} KB)")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)
