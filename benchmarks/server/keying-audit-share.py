#!/usr/bin/env python3
# keying-audit-share.py PERFDATA: the audit log's share of a keyed save's CPU, from a profile of `census serve` under
# census-bench keying (`perf record -F 999 -g -p SERVER`, from the end of the sign-ins; BENCHMARKS.md, "Keying paper
# returns", stops 25 and 26). A sample is the save's when its stack passes through KeyingRoutes.save (the request side)
# or it is on a shard writer, a checkpointer or the log's writer thread; the audit log's when it is on the log's writer,
# or on the request side or a shard writer through the log's code (begin, await) or the record's String(format:).
# Thread names as Linux shortens them: "audit-writer", "shard-writer-N", "checkpointer".
import sys,subprocess,re,collections
out=subprocess.run(['perf','script','-i',sys.argv[1],'-F','comm,ip,sym'],capture_output=True,text=True).stdout
c=collections.Counter(); n=0
AUD=re.compile(r'FieldOperations[0-9]*(AuditLog|AuditRecord|PendingAuditRecord|BothOutcomes|8AuditLog)|PendingAuditRecord|BothOutcomes|StaffSite[A-Z0-9a-z_]*(beginRecord|committed)')
SAVE=re.compile(r'KeyingRoutes[0-9A-Za-z_]*V4save')
FMT=re.compile(r'SS10FoundationE6format|SS20FoundationEssentialsE6format|thousandths')
def fl(comm,st):
    global n
    if comm is None: return
    n+=1; s='\n'.join(st)
    if comm.startswith('audit-writer'): c['audit writer thread']+=1
    elif comm.startswith('shard-writer'):
        c['shard writers']+=1
        if AUD.search(s): c['  of which audit code (resuming the page)']+=1
    elif comm.startswith('checkpointer') or re.match(r'^:\d+$',comm): c['checkpointers']+=1
    elif SAVE.search(s):
        c['save, request side']+=1
        fmt=False
        for i,l in enumerate(st):
            if FMT.search(l):
                above=[x for x in st[i+1:] if 'CollectionServer' in x]
                fmt=bool(above) and bool(SAVE.search(above[0])); break
        if AUD.search(s) or fmt: c['  of which the record (begin, await, detail)']+=1
    else: c['other (pages, HTTP, sessions, unknown)']+=1
comm=None; st=[]
for line in out.split('\n'):
    if not line.strip(): continue
    if not line.startswith('\t'):
        fl(comm,st); comm=line.split()[0]; st=[]
    else: st.append(line.strip())
fl(comm,st)
print(f"samples {n}")
for k in ['save, request side','  of which the record (begin, await, detail)','shard writers','  of which audit code (resuming the page)','checkpointers','audit writer thread','other (pages, HTTP, sessions, unknown)']:
    print(f"  {k:48} {c[k]:6} {c[k]/n*100:5.1f}%")
save=c['save, request side']+c['shard writers']+c['checkpointers']+c['audit writer thread']
aud=c['  of which the record (begin, await, detail)']+c['  of which audit code (resuming the page)']+c['audit writer thread']
print(f"  the save's CPU (request side, shard writers, checkpointers, audit writer): {save}; the audit log's part: {aud} = {aud/save*100:.1f}% of the save, {aud/n*100:.1f}% of all")
