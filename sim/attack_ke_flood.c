/* The KE flood (an attacker with a real address that answers the cookie
 * exchange and sends KE, to make the responder spend Diffie-Hellman work):
 * not simulated yet.  A scenario asking for it is refused with a clear
 * message rather than run without its attacker. */
#include "world_internal.h"

bool sim_attack_ke_flood_init(struct sim_attack *a)
{
    sim_fail(a->w, "%s:%d: attack '%s': kind 'ke-flood' is not simulated yet",
             a->w->s->file, a->scn->line, a->scn->name);
    return false;
}
