"""Entry point for `celery -A workers.celery_app worker|beat`: the one place the workers read the environment."""

from config.settings import Settings
from workers.queue import make_celery

app = make_celery(Settings.from_env(), include_tasks=True)
