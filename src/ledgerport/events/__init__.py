"""Webhooks: events from the change log, subscriptions, delivery and custom actions."""
