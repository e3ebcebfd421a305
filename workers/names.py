"""Stable task names: the contract between whoever enqueues and the workers."""

MODERATE_COMMENT = "moderation.moderate_comment"
DRY_RUN = "moderation.dry_run"
SWEEP_RECEIVED = "maintenance.sweep_received"
APPLY_RETENTION = "maintenance.apply_retention"
DELIVER_WEBHOOK = "webhooks.deliver"
DISPATCH_DUE_WEBHOOKS = "webhooks.dispatch_due"

# Modules the worker imports to register the tasks above.
TASK_MODULES = ("workers.tasks.moderation", "workers.tasks.maintenance", "workers.tasks.webhooks")
