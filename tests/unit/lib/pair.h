/* Two engines on a memnet, A (10.0.0.1, initiator) and B (10.0.0.2),
 * with one PSK each and one phase-1 / phase-2 proposal: the set-up most
 * engine tests share. */
#ifndef TESTS_PAIR_H
#define TESTS_PAIR_H

#include "memnet.h"

#define MS 1000000ULL
#define SEC 1000000000ULL

struct pair {
    struct memnet *net;
    int a, b;
    struct isakmp_psk psk_a, psk_b;
    struct isakmp_p1_transform p1a, p1b;
    struct isakmp_p2_proposal p2a, p2b;
    struct isakmp_config ca, cb;     /* as given to the engines */
};

/* Configure (not yet create) a pair: group for phase 1, pfs for phase 2,
 * keys for each side.  Tests may edit p->ca / p->cb / proposals, then
 * call pair_start. */
void pair_setup(struct pair *p, uint16_t group, uint16_t pfs, const char *key_a, const char *key_b);
/* Create the engines.  False on failure. */
bool pair_start(struct pair *p);
/* pair_setup + pair_start. */
bool pair_init(struct pair *p, uint16_t group, uint16_t pfs, const char *key_a, const char *key_b);
/* A initiates towards B (Quick Mode too when with_qm). */
isakmp_handle pair_initiate(struct pair *p, uint8_t xchg, bool with_qm);
/* The handle of the last SA of `phase` established on a node (0: none). */
isakmp_handle pair_sa(struct pair *p, int node, uint8_t phase);
void pair_free(struct pair *p);
/* The event log of a node is well formed: every EXCHANGE_COMPLETED or
 * _FAILED follows an EXCHANGE_STARTED of the same handle, and every
 * SA_DELETED / _EXPIRED an SA_ESTABLISHED.  Returns the first offending
 * event index + 1, or 0. */
size_t pair_events_malformed(struct pair *p, int node);

/* Checks (lib/check.h) that A's and B's last phase-1 SAs have the same
 * SKEYID and cipher key. */
void pair_check_phase1_keys(struct pair *p);
/* Checks that a Main Mode A starts in `group` (a New Group Mode one, say)
 * is established by B in that group, with KE payloads of ke_len bytes in
 * messages 3 and 4 and the same SKEYID_d on both sides. */
void pair_check_mm_in_group(struct pair *p, uint16_t group, size_t ke_len);

/* Three 1024-bit RSA keys (A's, B's, a stranger's), made once per process
 * from a fixed seed; freed by pair_rsa_keys_free. */
struct isakmp_rsa_key;
struct pair_rsa_keys {
    struct isakmp_rsa_key *a, *b, *c;
};
bool pair_rsa_keys(struct pair_rsa_keys *k);
void pair_rsa_keys_free(struct pair_rsa_keys *k);
/* pair_setup for RSA authentication `auth` on both sides: A holds k->a and
 * knows B's key k->b; B holds k->b and takes b_sees_a for A's key.  peers
 * must outlive the engines. */
void pair_setup_rsa(struct pair *p, const struct pair_rsa_keys *k, struct isakmp_rsa_peer peers[2],
                    const struct isakmp_rsa_key *b_sees_a, uint16_t auth, uint16_t group,
                    uint16_t pfs);

#endif
