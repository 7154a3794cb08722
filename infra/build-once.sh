#!/usr/bin/env bash
# Called by infra/Makefile for each function `sam build` packages (in parallel): runs the one
# build of every function (`make lambda-build`) under a lock, so parallel callers neither race
# nor repeat it. Within one `make sam-build` (which sets SAM_BUILD_ID) it runs once; a plain
# `sam build` runs it for each function, the later runs finding everything fresh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$target/lambda"
exec python3 - "$target/lambda/.build.lock" "$root" "${SAM_BUILD_ID:-}" <<'PY'
import fcntl, os, subprocess, sys
lock, root, build_id = sys.argv[1], sys.argv[2], sys.argv[3]
stamp = os.path.join(os.path.dirname(lock), ".built-for")
with open(lock, "w") as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    if build_id and os.path.exists(stamp) and open(stamp).read() == build_id:
        sys.exit(0)
    rc = subprocess.call(["make", "-s", "-C", root, "lambda-build"])
    if rc == 0 and build_id:
        open(stamp, "w").write(build_id)
    sys.exit(rc)
PY
