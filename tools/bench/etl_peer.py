#!/usr/bin/env python3
"""The Python side of `npm run bench:etl`: what a seed-style Python ETL does with the same raw AD_DETAIL files —
pandas.read_csv, the same column transforms (dates, P/M, "-" keyword ids, cost convention), and an insert into
DuckDB from the DataFrame. Prints one JSON object: rows, seconds, peak RSS (MB).

  python3 tools/bench/etl_peer.py --files DIR --db PATH
Requires: pip install --retries 0 --timeout 5 pandas duckdb
"""
import argparse
import glob
import json
import os
import resource
import time

import duckdb
import pandas as pd

COLS = ["date", "customer_id", "campaign_id", "adgroup_id", "keyword_id", "ad_id", "business_channel_id", "stat_hour",
        "region_code", "media_code", "device", "impressions", "clicks", "cost", "sum_ad_rank", "view_count"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", required=True)
    ap.add_argument("--db", required=True)
    a = ap.parse_args()
    t0 = time.perf_counter()
    con = duckdb.connect(a.db)
    con.execute("""CREATE TABLE ad_hourly_performance (stat_date DATE, customer_id VARCHAR, campaign_id VARCHAR,
      adgroup_id VARCHAR, keyword_id VARCHAR, ad_id VARCHAR, business_channel_id VARCHAR, stat_hour SMALLINT,
      region_code VARCHAR, media_code VARCHAR, device VARCHAR, impressions BIGINT, clicks BIGINT, cost DOUBLE,
      cost_convention VARCHAR, sum_ad_rank DOUBLE, view_count BIGINT)""")
    rows = 0
    for f in sorted(glob.glob(os.path.join(a.files, "*.tsv"))):
        df = pd.read_csv(f, sep="\t", header=None, names=COLS, dtype={"keyword_id": str, "region_code": str,
                                                                      "media_code": str, "date": str})
        df["stat_date"] = pd.to_datetime(df["date"], format="%Y%m%d")
        df["keyword_id"] = df["keyword_id"].where(df["keyword_id"] != "-", None)
        df["device"] = df["device"].map({"P": "PC", "M": "MOBILE"})
        df["cost_convention"] = (df["stat_date"] >= "2026-03-30").map({True: "vat_included", False: "vat_excluded"})
        out = df[["stat_date", "customer_id", "campaign_id", "adgroup_id", "keyword_id", "ad_id", "business_channel_id",
                  "stat_hour", "region_code", "media_code", "device", "impressions", "clicks", "cost", "cost_convention",
                  "sum_ad_rank", "view_count"]]
        con.execute("BEGIN")
        con.execute("DELETE FROM ad_hourly_performance WHERE stat_date = ?", [out["stat_date"].iloc[0]])
        con.register("batch", out)
        con.execute("INSERT INTO ad_hourly_performance SELECT * FROM batch")
        con.unregister("batch")
        con.execute("COMMIT")
        rows += len(out)
    n = con.execute("SELECT COUNT(*) FROM ad_hourly_performance").fetchone()[0]
    assert n == rows, (n, rows)
    seconds = time.perf_counter() - t0
    print(json.dumps({"rows": rows, "seconds": seconds,
                      "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
