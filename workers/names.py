"""Stable task names: the contract between whoever enqueues and the workers."""

# The queue every task goes to: Celery's default queue, the list the intake pushes to
# (workers/publisher.py), the one `celery worker -Q` consumes, and the depth /metrics reports.
QUEUE = "sift"

MODERATE_COMMENT = "moderation.moderate_comment"
# A list of comment ids: what the intake queues, one message per group of comments it stored.
MODERATE_COMMENTS = "moderation.moderate_comments"
DRY_RUN = "moderation.dry_run"
SWEEP_RECEIVED = "maintenance.sweep_received"
APPLY_RETENTION = "maintenance.apply_retention"
DELIVER_WEBHOOK = "webhooks.deliver"
DISPATCH_DUE_WEBHOOKS = "webhooks.dispatch_due"

# Modules the worker imports to register the tasks above.
TASK_MODULES = ("workers.tasks.moderation", "workers.tasks.maintenance", "workers.tasks.webhooks")
