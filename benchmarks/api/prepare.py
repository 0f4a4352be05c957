#!/usr/bin/env python3
"""Prepares requests.tsv for submit.lua: one complete-household submission per line.

  prepare.py --dir STORE --households households.ndjson --mode online --url http://127.0.0.1:8080 > requests.tsv
  prepare.py --dir STORE --households households.ndjson --mode paper --token "$(cat STORE/ingest.token)" > requests.tsv

online: signs each household in with the access code from STORE/letters.csv (POST
/api/v1/auth, which the server rate-limits per household: once each is fine) and pairs its
token with one generated response (channel online). paper: one ingest token for all, the
response's "id" set to the household and "channel" to paper. Responses come from `census
generate` for the same form, one per household, in frame order.
"""
import argparse, csv, http.client, json, sys, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--dir", required=True)
p.add_argument("--households", required=True, help="NDJSON from census generate")
p.add_argument("--mode", choices=["online", "paper"], required=True)
p.add_argument("--url", default="http://127.0.0.1:8080")
p.add_argument("--token", help="the ingest token (paper)")
p.add_argument("--limit", type=int, default=0)
a = p.parse_args()

with open(f"{a.dir}/letters.csv", newline="") as f:
    letters = [(r["household_id"], r["access_code"]) for r in csv.DictReader(f)]
url = urllib.parse.urlparse(a.url)
conn = http.client.HTTPConnection(url.hostname, url.port or 80)
out = sys.stdout
count = 0
with open(a.households) as f:
    for (household, code), line in zip(letters, f):
        if a.limit and count >= a.limit:
            break
        body = json.loads(line)
        if a.mode == "online":
            conn.request("POST", "/api/v1/auth", json.dumps({"accessCode": code}), {"Content-Type": "application/json"})
            r = conn.getresponse()
            answer = json.loads(r.read())
            if r.status != 200:
                sys.exit(f"sign-in of {household} failed: {r.status} {answer}")
            token = answer["token"]
            body["channel"] = "online"
        else:
            token = a.token
            body["channel"] = "paper"
            body["id"] = household
        out.write(token + "\t" + json.dumps(body, separators=(",", ":")) + "\n")
        count += 1
print(f"prepare.py: {count} submissions ({a.mode})", file=sys.stderr)
