"""Delivery channels: Slack incoming webhook, signed generic webhook, SMTP e-mail, file outbox."""
