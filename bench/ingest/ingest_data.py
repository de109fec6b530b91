"""Baseline for bench/ingest.sh: a re-creation of the original uploader, etl/ingest_data.py,
as its README describes it (pandas + boto3 + python-dotenv). Not product code.

It loads the whole CSV with pandas, checks that the expected columns are there and that the
file is not empty, then uploads the *source file as is* (no minimisation) with boto3's
upload_file to <prefix>/<YYYY>/<MM>/<DD>/<source_name>_<run_id>_<HHMMSS>.csv, logging each
stage to logs/ingestion_<run_id>.log. `--endpoint-url` is the one addition, to reach the
local benchmark server.
"""

import argparse
import datetime as dt
import logging
import os
import sys
import uuid
from pathlib import Path

import boto3
import pandas as pd
from dotenv import load_dotenv

EXPECTED_COLUMNS = [
    "prm", "customer_id", "full_name", "email", "phone", "address", "postcode", "city",
    "timestamp", "kwh", "contract_type", "comment",
]


def main() -> int:
    load_dotenv()
    parser = argparse.ArgumentParser(description="Upload a CSV to the data lake")
    parser.add_argument("--source", default="data/samples/sample_energy_consumption.csv")
    parser.add_argument("--bucket", default=os.getenv("DATA_LAKE_BUCKET"))
    parser.add_argument("--prefix", default=os.getenv("DATA_LAKE_PREFIX", "watt-about-it/raw"))
    parser.add_argument("--region", default=os.getenv("AWS_REGION"))
    parser.add_argument("--endpoint-url", default=None)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    now = dt.datetime.now(dt.timezone.utc)
    Path("logs").mkdir(exist_ok=True)
    logging.basicConfig(
        filename=f"logs/ingestion_{run_id}.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    log = logging.getLogger("ingest")
    log.info("run %s source=%s", run_id, args.source)

    df = pd.read_csv(args.source)
    missing = [c for c in EXPECTED_COLUMNS if c not in df.columns]
    if missing or df.empty:
        log.error("validation failed: missing=%s empty=%s", missing, df.empty)
        return 1
    log.info("validation ok: %d rows, %d columns", len(df), len(df.columns))

    name = Path(args.source).stem
    key = f"{args.prefix}/{now:%Y/%m/%d}/{name}_{run_id}_{now:%H%M%S}.csv"
    log.info("destination s3://%s/%s", args.bucket, key)
    if args.dry_run:
        log.info("dry run: not uploaded")
        return 0
    s3 = boto3.client("s3", region_name=args.region, endpoint_url=args.endpoint_url)
    s3.upload_file(args.source, args.bucket, key)
    log.info("status: uploaded")
    print(f"s3://{args.bucket}/{key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
