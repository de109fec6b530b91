"""Runs the ingest benchmark commands under /usr/bin/time -v and writes the results.

Usage: measure.py OUT.json SPEC.json
SPEC: {"runs": N, "meta": {...}, "cases": [{"name", "cmd": [...], "runs": optional, "env": {...}}]}
Each case runs `runs` times, the cases taking turns; wall time (median) and peak RSS (max) are kept. The
ratios compare `watt ingest` with `aws s3 cp` and with the pandas + boto3 baseline.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile


def timed(cmd, env, cwd):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = ["/usr/bin/time", "-v", "-o", t.name] + cmd
        proc = subprocess.run(full, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        text = open(t.name).read()
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return seconds, rss_kb


def main():
    out_path, spec_path = sys.argv[1:]
    spec = json.load(open(spec_path))
    # Rounds interleave the cases (watt, aws, pandas, watt, aws...), so a store that slows
    # down as it fills slows every tool alike.
    walls = {c["name"]: [] for c in spec["cases"]}
    rsss = {c["name"]: [] for c in spec["cases"]}
    rounds = max(c.get("runs", spec.get("runs", 3)) for c in spec["cases"])
    for i in range(rounds):
        for case in spec["cases"]:
            runs = case.get("runs", spec.get("runs", 3))
            if i >= runs:
                continue
            env = dict(os.environ)
            env.update(case.get("env", {}))
            cmd = [c.replace("{i}", str(i)) for c in case["cmd"]]
            s, rss = timed(cmd, env, case.get("cwd"))
            walls[case["name"]].append(round(s, 2))
            rsss[case["name"]].append(rss)
            print(f"  {case['name']:<28} run {i + 1}/{runs}: {s:7.2f} s, peak RSS {rss / 1024:8.1f} MiB",
                  flush=True)
    results = {}
    for case in spec["cases"]:
        name = case["name"]
        results[name] = {
            "wall_s": walls[name],
            "wall_s_median": round(statistics.median(walls[name]), 2),
            "peak_rss_mib": round(max(rsss[name]) / 1024, 1),
            "file_bytes": case.get("file_bytes"),
            "what": case.get("what", ""),
        }

    def ratio(a, b, key):
        if a in results and b in results:
            return round(results[a][key] / results[b][key], 3)
        return None

    ratios = {
        "watt_vs_aws_cp_wall": ratio("watt ingest", "aws s3 cp", "wall_s_median"),
        "watt_vs_aws_cp_rss": ratio("watt ingest", "aws s3 cp", "peak_rss_mib"),
        "watt_vs_pandas_boto3_wall": ratio("watt ingest", "pandas + boto3", "wall_s_median"),
        "watt_vs_pandas_boto3_rss": ratio("watt ingest", "pandas + boto3", "peak_rss_mib"),
        "watt_rss_large_vs_small_file": ratio("watt ingest", "watt ingest (small file)", "peak_rss_mib"),
        "watt_rss_double_vs_large_file": ratio("watt ingest (file 2x larger)", "watt ingest", "peak_rss_mib"),
    }
    doc = {"meta": spec.get("meta", {}), "results": results, "ratios": ratios,
           "target": "watt ingest (validate + minimise + upload) <= 1.1 x aws s3 cp wall time; peak RSS independent of size"}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(json.dumps(ratios, indent=2))


if __name__ == "__main__":
    main()
