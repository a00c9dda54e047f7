"""Verifies webhook requests with the `standardwebhooks` library, the reference implementation of Standard Webhooks.

Reads one JSON object per line on stdin, {"secret": "whsec_...", "headers": {...}, "body": "..."}, and writes one line
per request: "verified" or "refused: <reason>". The timestamp tolerance is the library's (5 minutes).
"""
import json
import sys

from standardwebhooks.webhooks import Webhook

for line in sys.stdin:
    if not line.strip():
        continue
    request = json.loads(line)
    try:
        Webhook(request["secret"]).verify(request["body"], request["headers"])
        print("verified", flush=True)
    except Exception as e:  # the library raises WebhookVerificationError, or a decoding error for a malformed secret
        print("refused: " + (str(e) or type(e).__name__).replace("\n", " "), flush=True)
