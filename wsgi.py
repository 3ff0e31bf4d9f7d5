"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
import gc

from api import create_app

app = create_app()
# Everything built so far (parsed specs, SQLAlchemy mappers) lives as long as the process: keep it
# out of the cyclic GC, whose full collections otherwise add 70-90 ms pauses to requests.
gc.collect()
gc.freeze()
