#!/usr/bin/env python3
"""Stress: N agent processes work one database for a bounded time.

Each agent loops over its own users: issue a reset code (dry-run), verify it, set a
password with --code; a purge runs every second alongside. Reports operations per
second and every error (a `database is locked` would be a bug).

    scripts/stress.py [--agents 8] [--seconds 20] [--binary target/release/safecode]

Build first: cargo build --release
"""
import argparse, os, re, subprocess, sys, tempfile, threading, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agents", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--binary", default="target/release/safecode")
    a = ap.parse_args()
    sc = os.path.abspath(a.binary)
    work = tempfile.mkdtemp(prefix="safecode-stress-")
    env = dict(os.environ, SAFECODE_DB=os.path.join(work, "s.db"),
               SAFECODE_CONFIG=os.path.join(work, "c.toml"), NO_COLOR="1")
    with open(env["SAFECODE_CONFIG"], "w") as f:
        f.write('[policy]\nissue_limit = [{ count = 1000000, per = "1m" }]\n'
                '[password]\nmin_length = 12\n')
    run = lambda args, inp=None: subprocess.run([sc] + args, env=env, input=inp,
                                                capture_output=True, text=True)
    run(["init"])
    users = [f"agent{i}-user{j}" for i in range(a.agents) for j in range(5)]
    csv = "username,phone\n" + "".join(f"{u},+1617432{2000 + k:04d}\n" for k, u in enumerate(users))
    r = run(["import", "-"], csv)
    if r.returncode != 0:  # import not available: enroll one by one
        for k, u in enumerate(users):
            run(["user", "add", u, "-q"])
            run(["enroll", u, "--phone", f"+1617432{2000 + k:04d}", "--confirmed", "-q"])
    deadline = time.time() + a.seconds
    counts, errors, lock = {}, [], threading.Lock()

    def note(op, r, ok_codes=(0,)):
        with lock:
            counts[op] = counts.get(op, 0) + 1
            if r.returncode not in ok_codes or "locked" in r.stderr and "database" in r.stderr:
                errors.append(f"{op}: exit {r.returncode}: {r.stderr.strip()[:200]}")

    def agent(i):
        n = 0
        mine = [u for u in users if u.startswith(f"agent{i}-")]
        while time.time() < deadline:
            u = mine[n % len(mine)]; n += 1
            r = run(["--dry-run", "issue", u]); note("issue", r)
            m = re.search(r"SafeCode (\d{6,10})", r.stdout)
            if not m:
                continue
            r = run(["--dry-run", "set-password", u, "--code", m.group(1), "--password-stdin"],
                    f"plum-voyage-lantern-{i}-{n}-x\n")
            note("set-password --code", r)

    def purger():
        while time.time() < deadline:
            r = run(["-q", "purge"]); note("purge", r)
            time.sleep(1)

    threads = [threading.Thread(target=agent, args=(i,)) for i in range(a.agents)]
    threads.append(threading.Thread(target=purger))
    t0 = time.time()
    for t in threads: t.start()
    for t in threads: t.join()
    el = time.time() - t0
    total = sum(counts.values())
    print(f"{a.agents} agents + 1 purger for {el:.1f}s on {os.cpu_count()} cores")
    for op, c in sorted(counts.items()):
        print(f"  {op:22s} {c:6d}  {c / el:8.1f}/s")
    print(f"  {'total':22s} {total:6d}  {total / el:8.1f}/s")
    print(f"errors: {len(errors)}")
    for e in errors[:10]:
        print("  " + e)
    ic = subprocess.run(["sqlite3", env["SAFECODE_DB"], "PRAGMA integrity_check"],
                        capture_output=True, text=True).stdout.strip()
    print(f"integrity_check: {ic}")
    return 1 if errors or ic != "ok" else 0

if __name__ == "__main__":
    sys.exit(main())
