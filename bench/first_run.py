#!/usr/bin/env python3
"""A large program's first `waot run` on a cold cache, as a new user meets it.

    bench/first_run.py --waot build/driver/waot [--setup 'SH'] [--node 'CMD'] [--cwd DIR]
                       [--runs N] -- RUN_ARGS...

RUN_ARGS are what follows `waot run` (options, module, the program's arguments).
With an empty cache of its own (WAOT_CACHE_DIR in a temporary directory), it reports:
  - first output: seconds from starting `waot run` (default --tier auto) to the
    program's first byte on stdout or stderr (waot's own "waot:" lines aside);
  - exit: seconds until that run exited (its status is reported too);
  - optimized in cache: seconds from the start until `waot cache info` shows the
    optimized artifact the background build stores, and until no build runs any
    more (a build follows the profile the whole run left);
then, each the median of --runs runs from the warm cache: the quick tier
(`--tier quick`), the optimized artifact, and node (--node: the same program under
node, a shell command). --setup (a shell command) runs before every run, e.g. to
recreate the program's scratch directories.
"""
import argparse
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed_run(command, env, cwd, setup, shell=False):
    if setup:
        subprocess.run(setup, shell=True, check=True, cwd=cwd)
    start = time.monotonic()
    result = subprocess.run(command, env=env, cwd=cwd, shell=shell,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start, result.returncode


def first_run(args, env):
    if args.setup:
        subprocess.run(args.setup, shell=True, check=True, cwd=args.cwd)
    start = time.monotonic()
    process = subprocess.Popen([args.waot, "run", "-v", *args.run_args], env=env, cwd=args.cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    selector.register(process.stderr, selectors.EVENT_READ)
    first_output, notes, pending = None, b"", b""
    open_streams = 2
    while open_streams:
        for key, _ in selector.select():
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                selector.unregister(key.fileobj)
                open_streams -= 1
                continue
            if key.fileobj is process.stdout:
                first_output = first_output or time.monotonic() - start
                continue
            # stderr: waot's own lines ("waot: ...") are not the program's output.
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.startswith(b"waot:"):
                    notes += line + b"\n"
                else:
                    first_output = first_output or time.monotonic() - start
            if pending and not b"waot:".startswith(pending[:5]):
                first_output = first_output or time.monotonic() - start
    status = process.wait()
    exited = time.monotonic() - start
    optimized = settled = None
    while settled is None:
        info = subprocess.run([args.waot, "cache", "info"], env=env, capture_output=True,
                              text=True).stdout
        if "optimized" in info:
            optimized = optimized or time.monotonic() - start
            # The build follows the profile the whole run left; done when no
            # build runs any more.
            if "compiling" not in info:
                settled = time.monotonic() - start
                break
        if "compiling" not in info:
            time.sleep(2)  # the builder may not have written its marker yet
            info = subprocess.run([args.waot, "cache", "info"], env=env, capture_output=True,
                                  text=True).stdout
            if "compiling" not in info and "optimized" not in info:
                print("no background build running:\n" + info, file=sys.stderr)
                break
        time.sleep(1)
    return first_output, exited, status, (optimized, settled), notes.decode(errors="replace")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--waot", required=True)
    parser.add_argument("--setup")
    parser.add_argument("--node")
    parser.add_argument("--cwd", default=os.getcwd())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("run_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.run_args and args.run_args[0] == "--":
        args.run_args = args.run_args[1:]
    args.waot = os.path.abspath(args.waot)
    cache = tempfile.mkdtemp(prefix="waot-first-run-")
    env = dict(os.environ, WAOT_CACHE_DIR=cache)
    try:
        first, exited, status, optimized, notes = first_run(args, env)
        print(notes, end="")
        print(f"first output: {first:.2f} s" if first else "first output: none")
        print(f"exit: {exited:.2f} s (status {status})")
        optimized, settled = optimized
        print(f"optimized in cache: {optimized:.1f} s; no build running any more: {settled:.1f} s"
              if optimized else "optimized in cache: never")
        subprocess.run([args.waot, "cache", "info"], env=env)
        rows = [("quick tier (cached)", [args.waot, "run", "--tier", "quick", *args.run_args],
                 False)]
        if optimized:
            rows.append(("optimized (cached)", [args.waot, "run", "--tier", "optimized",
                                                *args.run_args], False))
        if args.node:
            rows.append(("node", args.node, True))
        for name, command, shell in rows:
            times = [timed_run(command, env, args.cwd, args.setup, shell) for _ in range(args.runs)]
            print(f"{name}: median {statistics.median(t for t, _ in times):.3f} s of "
                  f"{args.runs} (status {times[0][1]})")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
