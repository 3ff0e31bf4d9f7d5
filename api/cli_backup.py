"""`flask --app wsgi backup create|restore FILE`: the configured database to a file and back.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction` (the client
tools of the server's major version or newer; the password goes through PGPASSWORD, never the
process list). SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy
while the application writes, and the same API back into the live file on restore.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

backup_cli = AppGroup("backup", help="Back the database up to a file, restore it from one.")


class BackupError(click.ClickException):
    pass


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _libpq(url) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client)")
    return path


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _sqlite_copy(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def create(target: Path) -> None:
    """Write a backup of the configured database to `target`."""
    url = _url()
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        target.unlink(missing_ok=True)
        _sqlite_copy(url.database, str(target))
    elif url.get_backend_name() == "postgresql":
        uri, env = _libpq(url)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
              f"--dbname={uri}"], env)
    else:
        raise BackupError(f"no backup for {url.get_backend_name()} databases")
    target.chmod(0o600)      # personal data of citizens


def restore(source: Path) -> None:
    """Replace the configured database's content with the backup in `source`."""
    from engine.db import db

    url = _url()
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    db.session.remove()
    db.engine.dispose()      # this process's pooled connections would hold locks the restore needs
    if url.get_backend_name() == "sqlite":
        _check_sqlite(source)
        _sqlite_copy(str(source), url.database)
    elif url.get_backend_name() == "postgresql":
        uri, env = _libpq(url)
        _run([_tool("pg_restore"), "--list", str(source)], env)        # a dump, before dropping anything
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", f"--dbname={uri}", str(source)], env)
    else:
        raise BackupError(f"no restore for {url.get_backend_name()} databases")


def _check_sqlite(source: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            migrated = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite database: {exc}") from exc
    if not ok or not migrated:
        raise BackupError(f"{source} is not a backup of this application (damaged or not migrated)")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_command(file: Path) -> None:
    """Back the configured database up to FILE (pg_dump custom format, or a SQLite file)."""
    create(file)
    click.echo(f"backup written to {file} ({file.stat().st_size} bytes)")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: the database's current content is replaced.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the configured database's content with the backup in FILE (stop the web, scheduler
    and telephony workers first)."""
    if not yes:
        click.confirm(f"Replace the content of {_url().render_as_string(hide_password=True)} with {file}?",
                      abort=True)
    restore(file)
    click.echo(f"restored from {file}; run `flask --app wsgi db upgrade` if the backup is older than the code")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_cli)
