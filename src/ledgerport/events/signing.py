"""Standard Webhooks signatures (https://www.standardwebhooks.com/, "Signature scheme").

``webhook-signature`` holds space-separated ``v1,<base64 HMAC-SHA256>`` values, one per secret
in use: during a rotation's grace period both the new and the previous secret sign, so a
receiver that still has the old one keeps verifying.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from standardwebhooks.webhooks import Webhook

__all__ = ["signed_headers"]


def signed_headers(
    secrets: Sequence[str], message_id: str, at: dt.datetime, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body`` sent as ``message_id`` at ``at``."""
    signatures = " ".join(Webhook(s).sign(message_id, at, body) for s in secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
    }
