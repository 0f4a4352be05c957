#!/usr/bin/env python3
"""Signs households in through the HTML pages for pages.lua: one line per household,
"COOKIE<TAB>CSRF", the session cookie's value and the form's CSRF token.

  prepare_pages.py --letters STORE/letters.csv --url http://127.0.0.1:8080 --households 2000 > sessions.tsv

Each household as a browser would: GET /sign-in (a session and its CSRF token), POST
/sign-in with its letter's access code, POST /language (en), GET /form/page/lives_here (the
first question page; its form's token is the one posted back). Stops with an error when a
step does not answer as a browser expects.
"""
import argparse, csv, http.client, re, sys, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--letters", required=True)
p.add_argument("--url", default="http://127.0.0.1:8080")
p.add_argument("--households", type=int, required=True)
p.add_argument("--page", default="/form/page/lives_here")
a = p.parse_args()

url = urllib.parse.urlparse(a.url)
conn = http.client.HTTPConnection(url.hostname, url.port or 80)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def request(method, path, cookie=None, form=None):
    headers = {}
    if cookie:
        headers["Cookie"] = "census_session=" + cookie
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body, headers)
    r = conn.getresponse()
    html = r.read().decode()
    for name, value in r.getheaders():
        if name.lower() == "set-cookie" and value.startswith("census_session="):
            cookie = value.split(";", 1)[0].split("=", 1)[1]
    m = CSRF.search(html)
    return r.status, r.getheader("Location"), cookie, (m.group(1) if m else None)


with open(a.letters, newline="") as f:
    codes = [r["access_code"] for r in csv.DictReader(f)][: a.households]
if len(codes) < a.households:
    sys.exit(f"the letters file has {len(codes)} codes, fewer than {a.households}")
for code in codes:
    status, _, cookie, csrf = request("GET", "/sign-in")
    status, location, cookie, _ = request("POST", "/sign-in", cookie, {"csrf": csrf, "accessCode": code})
    if status != 303 or location != "/language":
        sys.exit(f"sign-in with {code}: {status} {location}")
    status, _, cookie, csrf = request("GET", "/language", cookie)
    status, location, cookie, _ = request("POST", "/language", cookie, {"csrf": csrf, "language": "en"})
    if status != 303:
        sys.exit(f"language: {status}")
    status, _, cookie, csrf = request("GET", a.page, cookie)
    if status != 200 or not csrf:
        sys.exit(f"{a.page}: {status}")
    print(f"{cookie}\t{csrf}")
print(f"prepare_pages.py: {len(codes)} households signed in", file=sys.stderr)
