# Shared by the scenario library's run scripts (scenarios/NN-*/run.sh) and
# the labs.  Source it from the project root:  . scripts/lib-common.sh
#
#   BUILD        build folder (default: build); the binary is $BUILD/bin/isakmp,
#                built with `make BUILD=$BUILD` when missing
#   ISAKMP       the binary to use instead
#   JOBS         parallel runs of a sweep (default: 2)
#   RESULTS      where results go (default: results; each scenario its own folder)
#   ISAKMP_ENGINE_VERSION   recorded in every run (default: git describe)
set -eu
BUILD=${BUILD:-build}
ISAKMP=${ISAKMP:-$BUILD/bin/isakmp}
JOBS=${JOBS:-2}
RESULTS=${RESULTS:-results}
ISAKMP_ENGINE_VERSION=${ISAKMP_ENGINE_VERSION:-$(git describe --always --dirty 2>/dev/null || echo unknown)}
export ISAKMP_ENGINE_VERSION

lib_say() { printf '%s: %s\n' "${LIB_NAME:-library}" "$*" >&2; }
lib_die() { lib_say "$*"; exit 1; }

# The binary, built from this checkout if it is not there yet.
lib_need_isakmp() {
    if [ ! -x "$ISAKMP" ]; then
        lib_say "building $ISAKMP (make BUILD=$BUILD)"
        make BUILD="$BUILD" -j2 "$BUILD/bin/isakmp" >&2 || lib_die "build failed"
    fi
    command -v gnuplot >/dev/null || lib_die "gnuplot is needed for the figure (scripts/install-deps)"
    command -v sqlite3 >/dev/null || lib_die "sqlite3 is needed for the queries (scripts/install-deps)"
}

# Is attack kind $1 simulated by this build?  A probe scenario with that
# attack is loaded and run for a few milliseconds; a build without the
# attacker refuses it ("... is not simulated yet").
lib_attack_available() {
    kind=$1 t=$(mktemp -d)
    case $kind in
        ke-flood) a='a = { kind = "ke-flood"; node = "m"; target = "r"; rate = 1; };' ;;
        replay)   a='a = { kind = "replay"; link = "l"; at = "r"; };' ;;
        tamper)   a='a = { kind = "tamper"; link = "l"; at = "r"; action = "bitflip"; };' ;;
        *) rm -rf "$t"; return 1 ;;
    esac
    cat > "$t/probe.cfg" <<CFG
name = "probe"; duration = "10ms";
policies = { p = { psk = "x"; phase1 = ( { cipher = "aes"; hash = "sha1"; group = "modp1024"; } ); }; };
nodes = { r = { address = "10.0.0.1"; role = "responder"; policy = "p"; };
          m = { address = "10.0.0.2"; role = "attacker"; }; };
links = { l = { nodes = ["r", "m"]; rate = "1Mbps"; delay = "1ms"; }; };
attack = { $a };
CFG
    if "$ISAKMP" run "$t/probe.cfg" --quiet --out "$t/o" >/dev/null 2>"$t/err"; then
        rm -rf "$t"; return 0
    fi
    LIB_ATTACK_ERROR=$(cat "$t/err"); rm -rf "$t"; return 1
}

# lib_sweep SCENARIO OUTDIR DB [--set PATH=VALUE ...]
# Runs the scenario's sweep group into DB with `isakmp sweep` (JOBS at a
# time).  Without a working `isakmp sweep`, runs the same plan (from
# `isakmp sweep --list`, else a plain single run) one `isakmp run` at a time.
lib_sweep() {
    scn=$1 out=$2 db=$3; shift 3
    if "$ISAKMP" sweep --help >/dev/null 2>&1; then
        log=$(dirname "$db")/sweep.log
        lib_say "isakmp sweep $scn -j $JOBS $* (progress: $log)"
        if "$ISAKMP" sweep "$scn" -j "$JOBS" --out "$out" --db "$db" "$@" 2>"$log"; then
            tail -n 2 "$log" >&2; return 0
        fi
        tail -n 5 "$log" >&2
        lib_say "isakmp sweep failed; falling back to sequential runs"
    fi
    # --list names every override of a run, the --set given here included
    plan=$("$ISAKMP" sweep "$scn" --list "$@" 2>/dev/null | grep -v '^#' || true)
    mkdir -p "$out"
    if [ -z "$plan" ]; then
        lib_say "no sweep plan: one run of $scn $*"
        "$ISAKMP" run "$scn" --quiet --out "$out/out" --db "$db" "$@" ||
            lib_say "run failed (kept in $db with its error)"
        return 0
    fi
    echo "$plan" | while read -r _name _p _pt _r _rep _run runno _state overrides; do
        sets=""
        for o in $overrides; do sets="$sets --set $o"; done
        lib_say "isakmp run $scn --run $runno$sets"
        # shellcheck disable=SC2086
        "$ISAKMP" run "$scn" --quiet --run "$runno" --out "$out/out" --db "$db" $sets ||
            lib_say "run failed (kept in $db with its error)"
    done
}

# The caption every figure carries: scenario, seed(s), engine version.
lib_caption() { # DB SCENARIO_FILE [extra]
    seeds=$(sqlite3 "$1" "SELECT group_concat(DISTINCT seed) FROM runs")
    reps=$(sqlite3 "$1" "SELECT MAX(replication) + 1 FROM runs")
    eng=$(sqlite3 "$1" "SELECT group_concat(DISTINCT engine_version) FROM runs")
    printf 'scenario %s, seed %s, %s replication(s) per point, engine %s%s' \
        "$2" "$seeds" "$reps" "$eng" "${3:+, $3}"
}
