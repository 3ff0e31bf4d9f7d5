"""Flask extensions, created unbound and attached in the app factory."""
from flask_migrate import Migrate
from flask_smorest import Api

from engine.db import db

migrate = Migrate()
rest_api = Api()

__all__ = ["db", "migrate", "rest_api"]
