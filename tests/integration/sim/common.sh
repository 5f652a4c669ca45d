# Set-up shared by the simulator's integration tests, sourced after
# `B=${1:-build}`: ISAKMP (the binary), T (a temporary folder removed at
# exit), the failure count and the ok / notok / q helpers.
ISAKMP=${ISAKMP:-$B/bin/isakmp}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1${2:+: $2}"; fails=$((fails + 1)); }
q() { sqlite3 "$1" "$2"; }
