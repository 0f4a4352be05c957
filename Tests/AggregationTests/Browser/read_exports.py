"""Reads an aggregation's export as a statistician would, with DuckDB and pandas, and prints
the row counts per table as JSON: {"residents": {"duckdb_ndjson": N, ...}, ...}.

Usage: python3 read_exports.py OUT
"""
import glob
import json
import os
import sys

import duckdb
import pandas

out = sys.argv[1]
result = {}
con = duckdb.connect()
for table in sorted(os.listdir(os.path.join(out, "export"))):
    base = os.path.join(out, "export", table)
    ndjson = sorted(glob.glob(os.path.join(base, "*.ndjson.gz")))
    csv = sorted(glob.glob(os.path.join(base, "*.csv.gz")))
    if not ndjson:
        continue
    counts = {}
    counts["duckdb_ndjson"] = con.execute(
        "SELECT count(*) FROM read_json_auto(?, format='newline_delimited', union_by_name=true)", [ndjson]).fetchone()[0]
    counts["duckdb_csv"] = con.execute(
        "SELECT count(*) FROM read_csv_auto(?, header=true, union_by_name=true)", [csv]).fetchone()[0]
    counts["columns_csv"] = len(con.execute("SELECT * FROM read_csv_auto(?, header=true) LIMIT 1", [csv]).description)
    counts["pandas_csv"] = sum(len(pandas.read_csv(f, dtype=str, keep_default_na=False)) for f in csv)
    counts["pandas_ndjson"] = sum(len(pandas.read_json(f, lines=True, dtype=False)) for f in ndjson)
    if table != "households" and table != "household_relationships":
        counts["distinct_keys"] = con.execute(
            "SELECT count(DISTINCT (household_id, person_number)) FROM read_csv_auto(?, header=true)", [csv]).fetchone()[0]
    result[table] = counts
print(json.dumps(result))
