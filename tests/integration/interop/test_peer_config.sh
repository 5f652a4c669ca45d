#!/usr/bin/env bash
# `isakmp peer` configuration errors: each names the file and the line,
# exits 1 (usage errors 2) before touching the network.  Needs neither
# root nor namespaces.
#   bash tests/integration/interop/test_peer_config.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_config
bin=$(ix_isakmp)
[ -x "$bin" ] || { ix_fail "no isakmp binary at $bin"; exit 0; }
good='local = { address = "10.9.0.1"; };
peers = ( { name = "x"; address = "10.9.0.2"; psk = "k"; } );'

# case LABEL WANT_STATUS WANT_STDERR_ERE CONFIG_TEXT [OPTIONS...]
case_() {
    local label=$1 want=$2 re=$3 text=$4; shift 4
    local f="$IX_DIR/$label.conf"
    printf '%s\n' "$text" >"$f"
    "$bin" peer "$@" "$f" >"$IX_DIR/$label.out" 2>"$IX_DIR/$label.err" </dev/null
    local rc=$?
    if [ "$rc" = "$want" ] && grep -Eq -- "$re" "$IX_DIR/$label.err"; then
        ix_ok "$label"
    else
        ix_fail "$label (status $rc, want $want)"
        sed 's/^/#   /' "$IX_DIR/$label.err"
    fi
}

case_ syntax-error 1 'syntax-error\.conf:3: syntax error' 'local = { address = "10.9.0.1"; };

peers = ( { name = "x"; address = ; } );'
case_ unknown-setting 1 'unknown-setting\.conf:2: unknown setting "adress"' 'local = { address = "10.9.0.1"; };
peers = ( { name = "x"; adress = "10.9.0.2"; psk = "k"; } );'
case_ bad-cipher 1 'bad-cipher\.conf:3: .*unknown cipher "aes999"' 'local = { address = "10.9.0.1"; };
peers = ( { name = "x"; address = "10.9.0.2"; psk = "k";
            ike = "aes999-sha1-modp2048"; } );'
case_ bad-group 1 'bad-group\.conf:3: .*unknown group "modp2047"' 'local = { address = "10.9.0.1"; };
peers = ( { name = "x"; address = "10.9.0.2"; psk = "k";
            esp = "aes128-sha1-modp2047"; } );'
case_ no-psk 1 'no-psk\.conf:2: .*psk .*required' 'local = { address = "10.9.0.1"; };
peers = ( { name = "x"; address = "10.9.0.2"; } );'
case_ bad-address 1 'bad-address\.conf:2: .*"10\.9\.0\.300" is not an IPv4 address' 'local = { address = "10.9.0.1"; };
peers = ( { name = "x"; address = "10.9.0.300"; psk = "k"; } );'
case_ rsasig-no-private-key 1 'rsasig-no-private-key\.conf:2: peer "x" uses rsasig: local\.private_key is required' 'local = { address = "10.9.0.1"; };
peers = ( { name = "x"; address = "10.9.0.2"; auth = "rsasig";
            public_key = "/dev/null/none.pem"; } );'
case_ missing-key-file 1 'missing-key-file\.conf:1: cannot read key file /nonexistent/k\.pem' 'local = { address = "10.9.0.1"; private_key = "/nonexistent/k.pem"; };
peers = ( { name = "x"; address = "10.9.0.2"; psk = "k"; } );'
case_ duplicate-name 1 'duplicate-name\.conf:3: peer name "x" already used on line 2' 'local = { address = "10.9.0.1"; };
peers = ( { name = "x"; address = "10.9.0.2"; psk = "k"; },
          { name = "x"; address = "10.9.0.3"; psk = "k"; } );'
case_ bad-nat-t 1 'bad-nat-t\.conf:2: nat_t must be off, on or force \(not "yes"\)' 'local = { address = "10.9.0.1"; };
engine = { nat_t = "yes"; };
peers = ( { name = "x"; address = "10.9.0.2"; psk = "k"; } );'
case_ bad-nat-keepalive 1 'bad-nat-keepalive\.conf:2: nat_keepalive must be 1\.\.3600 seconds' 'local = { address = "10.9.0.1"; };
engine = { nat_keepalive = 0; };
peers = ( { name = "x"; address = "10.9.0.2"; psk = "k"; } );'
case_ unknown-initiate 1 '--initiate y: no such peer' "$good" --initiate y
case_ no-config 2 'one CONFIG file expected' "$good" "$IX_DIR/extra-argument"
if "$bin" peer --help | grep -q -- '--sa-file'; then ix_ok "--help documents the options"; else ix_fail "--help"; fi
if "$bin" peer --help | grep -q 'nat_t'; then ix_ok "--help documents NAT traversal"; else ix_fail "--help: nat_t"; fi
exit 0
