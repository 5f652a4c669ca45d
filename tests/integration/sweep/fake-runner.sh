#!/usr/bin/env bash
# A stand-in for `isakmp run`, FOR TESTING the sweep runner only (given to
# `isakmp sweep --runner`).  Called as
#   fake-runner.sh run SCENARIO [--set PATH=VALUE]... --run N --db FILE --out DIR
#                  [--point P --replication K]
# it writes FILE as a one-run results database with the real schema
# (sim/results_schema.sql, through the sqlite3 command): a completed run
# whose phase-1 exchanges are pseudo-random but a pure function of the
# overrides and the run number (so replications differ and reruns agree),
# sleeps FAKE_SLEEP seconds (default 0.1) and exits 0.
# FAKE_FAIL_RUN=N: runs with run number N exit 1 without writing (a crash).
# FAKE_FAIL_PARAMS=TEXT: runs whose overrides contain TEXT write a 'failed'
# run and exit 1 (a run that stopped on an error).
set -u
here=$(cd "$(dirname "$0")" && pwd)
schema=$here/../../../sim/results_schema.sql
[ "${1:-}" = run ] || { echo "fake-runner: expected 'run'" >&2; exit 2; }
shift
scenario=$1; shift
sets=() run=1 db= point=NULL rep=
while [ $# -gt 0 ]; do
    case $1 in
        --set) sets+=("$2"); shift 2 ;;
        --run) run=$2; shift 2 ;;
        --db) db=$2; shift 2 ;;
        --out) shift 2 ;;
        --point) point=$2; shift 2 ;;
        --replication) rep=$2; shift 2 ;;
        *) echo "fake-runner: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$db" ] || { echo "fake-runner: no --db" >&2; exit 2; }
# name, seed and run of the scenario (top-level `key = value;` lines),
# read in bash: the fake costs little CPU, so workers scale on a busy machine
name= seed=1 base_run=1
while IFS= read -r line; do
    case $line in
        name\ =*|name=*) name=${line#*\"}; name=${name%%\"*} ;;
        seed\ =*|seed=*) seed=${line#*=}; seed=${seed//[^0-9]/} ;;
        run\ =*|run=*) base_run=${line#*=}; base_run=${base_run//[^0-9]/} ;;
    esac
done <"$scenario"
[ -n "$rep" ] || rep=$((run - base_run))
[ "${FAKE_FAIL_RUN:-x}" = "$run" ] && { echo "fake-runner: simulated crash" >&2; exit 1; }

# parameters JSON the way sim/recorder.c writes it
json="{" sep="" key=""
for s in "${sets[@]}"; do
    n=${s%%=*} v=${s#*=}
    if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ || $v == true || $v == false ]]; then
        json+="$sep\"$n\": $v"
    else
        v=${v#\"}; v=${v%\"}
        json+="$sep\"$n\": \"$v\""
    fi
    sep=", " key+="$s;"
done
json+="}"
status=completed error=NULL
if [ -n "${FAKE_FAIL_PARAMS:-}" ] && [[ $key == *"$FAKE_FAIL_PARAMS"* ]]; then
    status=failed error="'fake failure'"
fi
sleep "${FAKE_SLEEP:-0.1}"
sql=$(
    echo "PRAGMA synchronous = OFF;"   # a test stand-in: speed over durability
    echo ".read $schema"
    echo "BEGIN;"
    q=${json//\'/\'\'}
    echo "INSERT INTO runs (run_id, scenario, scenario_file, parameters, point, replication, seed,"
    echo "  run_number, duration_ns, engine_version, ns3_version, status, error, wall_start, wall_end,"
    echo "  wall_host, wall_pid) VALUES (1, '$name', '$scenario', '$q', $point, $rep, $seed, $run,"
    echo "  1000000000, 'fake-runner', '0', '$status', $error, '2024-01-01T00:00:00.000Z',"
    echo "  '2024-01-01T00:00:01.000Z', 'test', $$);"
    for s in "${sets[@]}"; do
        n=${s%%=*} v=${s#*=}; v=${v#\"}; v=${v%\"}
        echo "INSERT INTO parameters VALUES (1, '${n//\'/\'\'}', '${v//\'/\'\'}');"
    done
    # 8..15 exchanges; each completes with a probability and latency that
    # depend on the overrides' hash and the run number
    h=5381
    for ((i = 0; i < ${#key}; i++)); do
        printf -v c '%d' "'${key:i:1}"
        h=$(( (h * 33 + c) % 2147483647 ))
    done
    RANDOM=$(( (h % 100000) * 1000 + run ))   # bash's generator, seeded: repeatable
    n=$(( 8 + RANDOM % 8 )) p=$(( 30 + (h % 7) * 10 ))
    for ((i = 1; i <= n; i++)); do
        start=$(( i * 1000000 ))
        lat=$(( 20000000 + RANDOM * 5000000 / 32768 + (h % 5) * 1000000 ))
        outcome=timeout
        [ $(( RANDOM % 100 )) -lt $p ] && outcome=completed
        echo "INSERT INTO exchanges (run_id, exchange_id, initiator, responder, phase, mode, auth, start_ns, end_ns, outcome, messages, bytes) VALUES (1, $i, 'c', 'gw', 1, 'main', 'psk', $start, $((start + lat)), '$outcome', 6, 900);"
    done
    echo "COMMIT;"
)
# sqlite3 replaces this shell, so the worker the sweep signals is the only
# process writing FILE: a SIGTERM'd run leaves no writer behind it
if [ "$status" = completed ]; then
    exec sqlite3 -batch -bail "$db" <<<"$sql" >/dev/null
fi
sqlite3 -batch -bail "$db" <<<"$sql" >/dev/null
exit 1
