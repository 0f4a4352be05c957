#!/usr/bin/env python3
# The disk beside a benchmark, once a second (BENCHMARKS.md, "Aggregation", stop 26): what
# `iostat -x 1` and `vmstat 1` would show (neither is installed here), from /sys/block/DEV/stat
# and /proc/stat. Columns: read MB/s, read requests/s, KB a request, ms a read request waited
# (queue and service), the mean number of requests in flight (aqu-sz), % of the second the
# disk was busy, written MB/s | CPU user, system, iowait, idle (% of all cores).
# Usage: benchmarks/disk-monitor.py [DEV=vda] [INTERVAL=1] [SECONDS=3600] > LOG &
import sys, time
dev = sys.argv[1] if len(sys.argv) > 1 else "vda"
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
limit = float(sys.argv[3]) if len(sys.argv) > 3 else 3600
def disk():
    f = open(f"/sys/block/{dev}/stat").read().split()
    return [int(x) for x in f]
def cpu():
    f = open("/proc/stat").readline().split()[1:]
    v = [int(x) for x in f]
    return v  # user nice system idle iowait irq softirq steal
d0, c0, t0 = disk(), cpu(), time.time()
start = t0
print("time      rMB/s    r/s  rKB/rq r_await  aqu-sz util%  wMB/s | usr%  sys% iowt% idle%", flush=True)
while time.time() - start < limit:
    time.sleep(interval)
    d1, c1, t1 = disk(), cpu(), time.time()
    dt = t1 - t0
    rios = d1[0] - d0[0]; rsec = d1[2] - d0[2]; rticks = d1[3] - d0[3]
    wsec = d1[6] - d0[6]
    io_ticks = d1[9] - d0[9]; tiq = d1[10] - d0[10]
    cd = [b - a for a, b in zip(c0, c1)]
    tot = sum(cd[:8]) or 1
    print("%s %7.1f %6.0f %7.0f %7.1f %7.2f %5.0f %6.1f | %4.0f %5.0f %5.0f %5.0f" % (
        time.strftime("%H:%M:%S", time.gmtime(t1)), rsec * 512 / dt / 1e6, rios / dt,
        (rsec * 512 / 1024 / rios) if rios else 0, (rticks / rios) if rios else 0,
        tiq / dt / 1000, io_ticks / dt / 10, wsec * 512 / dt / 1e6,
        100 * (cd[0] + cd[1]) / tot, 100 * (cd[2] + cd[5] + cd[6]) / tot, 100 * cd[4] / tot, 100 * cd[3] / tot), flush=True)
    d0, c0, t0 = d1, c1, t1
