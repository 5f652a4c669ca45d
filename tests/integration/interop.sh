#!/usr/bin/env bash
# Interoperability with strongSwan's charon, in network namespaces.
# Runs every tests/integration/interop/test_*.sh (see lib.sh there) with
# the build directory; each prints its own "ok - " / "not ok - " lines and
# skips (as "ok - NAME # SKIP reason") only when not root or when network
# namespaces are unavailable.
#   bash tests/integration/interop.sh BUILD      (from the project root)
set -u
build=${1:-build}
here=$(dirname "$0")/interop
status=0
for t in "$here"/test_*.sh; do
    [ -f "$t" ] || continue
    start=$(date +%s%N)
    # a hung test must not hang the suite: TERM after 150 s runs its
    # cleanup trap (namespaces, daemons), KILL 10 s later
    timeout -k 10 150 bash "$t" "$build" || { status=1; echo "not ok - $(basename "$t" .sh): exited with an error or timed out"; }
    echo "# $(basename "$t" .sh): $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
exit $status
