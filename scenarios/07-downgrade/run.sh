#!/bin/sh
# Scenario 7: weak groups and downgrade (see README.md).  Needs an on-path
# proposal stripper and a discrete-log oracle model, neither of which the
# scenario format (scenarios/FORMAT.md) describes yet, so this script only
# says so: it runs nothing and writes nothing.
LIB_NAME=07-downgrade
. scripts/lib-common.sh
if grep -q '"strip"' scenarios/FORMAT.md 2>/dev/null; then
    lib_say "scenarios/FORMAT.md now documents a proposal stripper: write scenarios/07-downgrade/scenario.cfg for it"
else
    lib_say "not runnable yet: the simulator has no proposal-stripping attacker and no discrete-log"
    lib_say "oracle model (not in scenarios/FORMAT.md).  Scenario 2 (scenarios/02-dh-cost) measures"
    lib_say "the group costs this scenario would use; see scenarios/07-downgrade/README.md."
fi
exit 3
