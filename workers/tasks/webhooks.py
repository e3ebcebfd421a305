"""Webhook delivery tasks (being built in the webhooks issue)."""
