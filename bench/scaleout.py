#!/usr/bin/env python3
"""Scale-out benchmark: 24 concurrent backups of 256 MiB volumes with 1, 2 and 3 workers.

Starts a local cluster per worker count (scripts/cluster.sh: every service its own process over
PostgreSQL and RabbitMQ, posix store), uploads 24 distinct corpus volumes made by
../shared/tools/mkvolume.py (256 MiB each: zeros, random, log-like text) into 1 GiB volumes,
fires the 24 creates at once and waits for all. Prints total throughput, per-backup latency
(created_at -> updated_at as the API reports them) and the CPU seconds each process used.

    bench/scaleout.py [--workers 1,2,3] [--count 24] [--size-mib 256]
"""
import argparse, concurrent.futures as cf, json, os, statistics, subprocess, sys, time, urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MKVOLUME = os.path.join(os.path.dirname(ROOT), "shared", "tools", "mkvolume.py")
CACHE = os.environ.get("BENCH_CACHE", "/tmp/backupplatform-bench")
RUN = os.environ.get("CLUSTER_RUN", "/tmp/backupplatform-cluster")
PROJECT = "0123456789abcdef0123456789abcdef"
HEADERS = {"X-Auth-Token": f"bench:{PROJECT}", "Content-Type": "application/json"}


def call(method, url, body=None, data=None):
    payload = json.dumps(body).encode() if body is not None else data
    request = urllib.request.Request(url, data=payload, method=method, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=600) as response:
        text = response.read()
        return json.loads(text) if text else None


def corpus(count, size_mib):
    os.makedirs(CACHE, exist_ok=True)
    paths = []
    for seed in range(1, count + 1):
        path = os.path.join(CACHE, f"corpus-{size_mib}m-{seed}.img")
        if not os.path.exists(path):
            subprocess.run([sys.executable, MKVOLUME, "create", "--size-mib", str(size_mib), "--seed", str(seed), path], check=True, stdout=subprocess.DEVNULL)
        paths.append(path)
    return paths


def cpu_seconds(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def processes():
    """Our services by name, plus the PostgreSQL and RabbitMQ servers (their whole process trees)."""
    result = {}
    pids = os.path.join(RUN, "pids")
    for name in os.listdir(pids):
        result[name] = [int(open(os.path.join(pids, name)).read())]
    # By owner and exact name: our services' own command lines mention "postgres" too.
    for name, args in (("postgres", ["-u", "postgres"]), ("rabbitmq", ["-x", "beam.smp"])):
        out = subprocess.run(["pgrep", *args], capture_output=True, text=True).stdout.split()
        result[name] = [int(p) for p in out]
    return result


def parse(ts):
    return datetime.fromisoformat(ts)


def run(workers, paths, size_mib):
    subprocess.run([os.path.join(ROOT, "scripts", "cluster.sh"), "stop"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(ROOT, "scripts", "cluster.sh"), "start", "--workers", str(workers), "--no-build"], check=True)
    env = dict(line.strip().split("=", 1) for line in open(os.path.join(RUN, "env")) if "=" in line)
    api, volumes = env["API_URL"] + f"/v3/{PROJECT}", env["VOLUME_URL"] + f"/v3/{PROJECT}"
    try:
        # More backups at once than Cinder's default quota of 10 allows one project.
        admin = urllib.request.Request(f"{api}/os-quota-sets/{PROJECT}", method="PUT", headers={**HEADERS, "X-Auth-Token": f"admin:{PROJECT}"},
                                       data=json.dumps({"quota_set": {"backups": -1, "backup_gigabytes": -1}}).encode())
        urllib.request.urlopen(admin, timeout=60).read()
        ids = []
        for path in paths:
            volume = call("POST", f"{volumes}/volumes", {"volume": {"size": 1}})["volume"]["id"]
            with open(path, "rb") as f:
                call("PUT", f"{volumes}/volumes/{volume}/content", data=f.read())
            ids.append(volume)
        procs = processes()
        before = {name: sum(cpu_seconds(p) for p in pids) for name, pids in procs.items()}
        start = time.monotonic()
        with cf.ThreadPoolExecutor(len(ids)) as pool:
            backups = list(pool.map(lambda v: call("POST", f"{api}/backups", {"backup": {"volume_id": v}})["backup"]["id"], ids))
        pending = set(backups)
        final = {}
        while pending:
            for backup in list(pending):
                view = call("GET", f"{api}/backups/{backup}")["backup"]
                if view["status"] != "creating":
                    final[backup] = view
                    pending.discard(backup)
            time.sleep(0.2)
        wall = time.monotonic() - start
        after = {name: sum(cpu_seconds(p) for p in pids) for name, pids in procs.items()}
        statuses = {v["status"] for v in final.values()}
        latencies = sorted((parse(v["updated_at"]) - parse(v["created_at"])).total_seconds() for v in final.values())
        data_mb = len(paths) * size_mib * 1.048576
        return {
            "workers": workers,
            "wall_s": round(wall, 1),
            "data_MBps": round(data_mb / wall, 1),
            "volume_MBps": round(len(paths) * 1073.741824 / wall, 1),
            "latency_s": {"min": round(latencies[0], 1), "median": round(statistics.median(latencies), 1), "max": round(latencies[-1], 1)},
            "statuses": sorted(statuses),
            "cpu_s": {k: round(after[k] - before[k], 1) for k in sorted(after)},
        }
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "cluster.sh"), "stop"], stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--size-mib", type=int, default=256)
    args = parser.parse_args()
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "BackupPlatform.sln"), "-c", "Release", "-nologo", "-v", "quiet"], check=True)
    paths = corpus(args.count, args.size_mib)
    print(f"machine: {os.cpu_count()} cores; {args.count} backups of {args.size_mib} MiB corpus data in 1 GiB volumes, posix store")
    for workers in [int(w) for w in args.workers.split(",")]:
        print(json.dumps(run(workers, paths, args.size_mib)), flush=True)


if __name__ == "__main__":
    main()
