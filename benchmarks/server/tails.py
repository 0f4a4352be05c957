#!/usr/bin/env python3
"""Where a run's slow requests were, from the server's own /metrics (Prometheus text on stdin).

Prints, for the request-duration, shard-commit-duration and event-loop-lag histograms
(docs/server.md, "Metrics"), how many observations were over 25, 50, 100 and 250 ms, summed
over their labels (the request histogram for ROUTE only, when given):

    curl -s http://127.0.0.1:18080/metrics | tails.py /api/v1/responses

A request slow at the client (wrk) but not in the server's histogram waited outside the
server's handler (the load client, the kernel); a slow commit holds every request of its
shard's batch; a late event loop holds every connection of that loop.
"""
import re
import sys

route = sys.argv[1] if len(sys.argv) > 1 else None
edges = ["0.025", "0.05", "0.1", "0.25"]
families = {
    "census_http_request_duration_seconds": "requests (server side)",
    "census_shard_commit_duration_seconds": "shard commits",
    "census_event_loop_lag_seconds": "event-loop ticks",
}
counts = {f: {} for f in families}
line_re = re.compile(r'^(\w+)_bucket\{(.*)\} ([0-9.e+]+)$')
for line in sys.stdin:
    m = line_re.match(line.strip())
    if not m or m.group(1) not in families:
        continue
    family, labels, value = m.group(1), m.group(2), float(m.group(3))
    if family == "census_http_request_duration_seconds" and route and f'route="{route}"' not in labels:
        continue
    le = re.search(r'le="([^"]+)"', labels).group(1)
    for e in list(edges) + ["+Inf"]:
        if le == e or (e != "+Inf" and le != "+Inf" and abs(float(le) - float(e)) < 1e-9):
            counts[family][e] = counts[family].get(e, 0.0) + value
for family, name in families.items():
    c = counts[family]
    total = c.get("+Inf", 0)
    if total == 0:
        print(f"{name}: none recorded")
        continue
    over = ", ".join(f"> {float(e) * 1000:g} ms: {int(total - c[e]) if e in c else 'n/a'}" for e in edges)
    print(f"{name}: {int(total)}; {over}")
