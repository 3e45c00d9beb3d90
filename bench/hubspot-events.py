#!/usr/bin/env python3
"""Writes signed HubSpot webhook calls for bench/webhook-events.lua, one per line:
<X-HubSpot-Request-Timestamp> TAB <X-HubSpot-Signature-v3> TAB <body>.

Each body is a JSON array of EVENTS deal.propertyChange events in the shape HubSpot sends (eventId,
subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber, objectId, changeSource,
propertyName, propertyValue), every event id and deal id new. The signature is HubSpot's v3:
base64(HMAC-SHA256(client secret, "POST" + URL + body + timestamp)). HubSpot refuses nothing older
than 5 minutes on its side, and the adapter refuses a timestamp more than 5 minutes from now, so the
file is written just before each wrk run.

usage: hubspot-events.py URL SECRET RUN COUNT EVENTS > file
"""
import base64
import hashlib
import hmac
import json
import sys
import time

url, secret, run, count, per_call = sys.argv[1], sys.argv[2].encode(), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
now = int(time.time() * 1000)
timestamp = str(now)
out = sys.stdout
for call in range(count):
    events = []
    for n in range(per_call):
        number = int(f"{run}{call * per_call + n + 1:09d}")
        events.append({
            "eventId": number,
            "subscriptionId": 2417,
            "portalId": 62515,
            "appId": 1160452,
            "occurredAt": now - 200,
            "subscriptionType": "deal.propertyChange",
            "attemptNumber": 0,
            "objectId": number,
            "changeSource": "CRM_UI",
            "propertyName": "amount",
            "propertyValue": "1250",
        })
    body = json.dumps(events, separators=(",", ":"))
    signed = ("POST" + url + body + timestamp).encode()
    signature = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode()
    out.write(f"{timestamp}\t{signature}\t{body}\n")
