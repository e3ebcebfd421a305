"""Entry point for `gunicorn service.wsgi:app`: the one place the web process reads the environment."""

from config.settings import Settings
from service.app import create_app

app = create_app(Settings.from_env())
