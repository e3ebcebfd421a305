"""The Celery app factory, shared by the API (to enqueue by name) and the workers."""

from __future__ import annotations

from celery import Celery

from config.settings import Settings
from workers import names
from workers.observability import connect_signals


def make_celery(settings: Settings, include_tasks: bool = False) -> Celery:
    """Build a Celery app on the settings' Redis; only workers include the task modules."""
    connect_signals()
    app = Celery("sift", broker=settings.redis_url, include=list(names.TASK_MODULES) if include_tasks else [])
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Longer than any task may run, so an unacked task is redelivered only after a real loss.
        broker_transport_options={"visibility_timeout": 600},
        broker_connection_retry_on_startup=True,
        task_default_queue=names.QUEUE,
        worker_hijack_root_logger=False,
        beat_schedule={
            "sweep-received": {"task": names.SWEEP_RECEIVED, "schedule": float(settings.sweep_interval_seconds)},
            "apply-retention": {"task": names.APPLY_RETENTION, "schedule": 3600.0},
            "dispatch-due-webhooks": {"task": names.DISPATCH_DUE_WEBHOOKS, "schedule": 1.0},
        },
        timezone="UTC",
    )
    app.conf.sift_settings = settings
    return app
