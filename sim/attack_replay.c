/* The on-path replay attack (through the shim's tap): not simulated yet.  A
 * scenario asking for it is refused with a clear message rather than run
 * without its attacker. */
#include "world_internal.h"
bool sim_attack_replay_init(struct sim_attack *a)
{
    sim_fail(a->w, "%s:%d: attack '%s': kind 'replay' is not simulated yet",
             a->w->s->file, a->scn->line, a->scn->name);
    return false;
}
