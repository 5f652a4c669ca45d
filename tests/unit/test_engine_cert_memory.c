/* What a peer's certificate costs in isakmp_engine_memory.
 *
 * Of a CERT payload the engine keeps only the key it carries (GnuTLS
 * parses and verifies the chain within one call and frees it again), and
 * that key lives in malloc/GMP memory: it is counted by an estimate
 * (ike_cert_key_charge), like DH keys.  So:
 *   - B's count while the SA is up exceeds, by at least the size of A's
 *     modulus, its count in the same exchange where A's key comes from
 *     config.rsa_peers instead (A sends no CERT; everything else equal);
 *   - when the SA is deleted, both counts return to their baselines to
 *     the byte, after a successful and after a refused certificate;
 *   - our own certificate and the trust anchors are counted when the
 *     engine is made.
 * Certificates from tests/unit/data/certs (make-certs.sh there). */
#include "lib/check.h"
#include "lib/certfx.h"
#include "lib/testutil.h"
#include "isakmp/rsa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A and B as in lib/certfx.h, Main Mode.  a_sends_cert: A sends its CERT
 * (B asks with CR) and B has no key for A; else A never sends one and B
 * knows A's key. */
static bool fx_setup(struct cert_fx *f, const char *b_cert, bool a_sends_cert)
{
    if (!cert_fx_setup(f, b_cert, ISAKMP_AUTH_RSA_SIG))
        return false;
    if (!a_sends_cert) {
        f->p.ca.cert_send = ISAKMP_CERT_SEND_NEVER;
        f->peer_a.addr = isakmp_addr_v4(10, 0, 0, 1, 500);   /* A (lib/pair.c) */
        f->peer_a.key = f->ka;
        f->p.cb.rsa_peers = &f->peer_a;
        f->p.cb.n_rsa_peers = 1;
    }
    return true;
}

struct counts { size_t a0, b0, a_up, b_up, a_end, b_end; unsigned up; };

/* Main Mode A -> B, then A deletes the SA (if any) and both forget it. */
static struct counts run(const char *b_cert, bool a_sends_cert)
{
    struct counts n;
    memset(&n, 0, sizeof n);
    struct cert_fx f;
    if (!fx_setup(&f, b_cert, a_sends_cert) || !pair_start(&f.p)) {
        CHECK(!"fixture");
        cert_fx_free(&f);
        return n;
    }
    struct isakmp_engine *ea = memnet_engine(f.p.net, f.p.a), *eb = memnet_engine(f.p.net, f.p.b);
    n.a0 = isakmp_engine_memory(ea);
    n.b0 = isakmp_engine_memory(eb);
    CHECK(pair_initiate(&f.p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(f.p.net, memnet_now(f.p.net) + 10 * SEC);
    n.up = memnet_count(f.p.net, f.p.a, ISAKMP_EV_SA_ESTABLISHED) +
           memnet_count(f.p.net, f.p.b, ISAKMP_EV_SA_ESTABLISHED);
    n.a_up = isakmp_engine_memory(ea);
    n.b_up = isakmp_engine_memory(eb);
    isakmp_handle h = pair_sa(&f.p, f.p.a, 1);
    if (h)
        CHECK(isakmp_engine_delete(ea, memnet_now(f.p.net), h));
    memnet_run(f.p.net, memnet_now(f.p.net) + 10 * SEC);
    /* B's SA, when A refused it (or B did not hear the Delete). */
    isakmp_handle hb = pair_sa(&f.p, f.p.b, 1);
    if (hb)
        isakmp_engine_delete(eb, memnet_now(f.p.net), hb);
    /* Past every linger and retransmission time. */
    memnet_run(f.p.net, memnet_now(f.p.net) + 600 * SEC);
    n.a_end = isakmp_engine_memory(ea);
    n.b_end = isakmp_engine_memory(eb);
    cert_fx_free(&f);
    return n;
}

static void cert_key_counted_while_up(void)
{
    struct isakmp_rsa_key *ka = cert_load_key("a.key");
    REQUIRE(ka);
    size_t modulus = isakmp_rsa_key_size(ka);
    isakmp_rsa_key_free(ka);
    struct counts with = run("b.pem", true), without = run("b.pem", false);
    CHECK_INT(with.up, 2);
    CHECK_INT(without.up, 2);
    /* Same configuration size on B (the rsa_peers entry aside). */
    size_t held_with = with.b_up - with.b0, held_without = without.b_up - without.b0;
    CHECK(held_with >= held_without + modulus);
    /* ... and not wildly more than a key (struct, n, e). */
    CHECK(held_with <= held_without + 4 * modulus + 1024);
    /* A sent its CERT but keeps nothing more for it than without. */
    CHECK(with.a_up - with.a0 >= without.a_up - without.a0);
}

static void exact_after_exchanges(void)
{
    struct counts ok = run("b.pem", true);
    CHECK_INT(ok.up, 2);
    CHECK(ok.b_up > ok.b0);
    CHECK_INT(ok.a_end, ok.a0);
    CHECK_INT(ok.b_end, ok.b0);
    /* A refused certificate (B's, expired: A fails at message 6, after
     * parsing it with GnuTLS): nothing left either. */
    struct counts bad = run("b-expired.pem", true);
    CHECK_INT(bad.up, 1);                    /* B thinks it is up; A refused */
    CHECK_INT(bad.a_end, bad.a0);
    CHECK_INT(bad.b_end, bad.b0);
}

/* Our certificate and the anchors are counted when the engine is made. */
static void engine_certificates_counted(void)
{
    struct cert_fx f;
    REQUIRE(fx_setup(&f, "b.pem", true));
    struct isakmp_callbacks cb;
    memset(&cb, 0, sizeof cb);
    struct isakmp_config bare = f.p.ca;
    bare.cert = bare.ca_certs = NULL;
    bare.cert_len = bare.ca_certs_len = 0;
    REQUIRE(pair_start(&f.p));
    /* pair_start made A with the certificates; make the same without. */
    struct memnet *net = memnet_new(MS, 7);
    REQUIRE(net);
    int plain = memnet_add(net, &bare, isakmp_addr_v4(10, 9, 9, 9, 500));
    REQUIRE(plain >= 0);
    size_t with = isakmp_engine_memory(memnet_engine(f.p.net, f.p.a));
    size_t without = isakmp_engine_memory(memnet_engine(net, plain));
    /* At least the DER of our certificate (PEM is ~4/3 of it) and of
     * the anchor. */
    CHECK(with >= without + f.cert_a_len / 2 + f.ca_len / 2);
    memnet_free(net);
    cert_fx_free(&f);
}

int main(void)
{
    RUN(cert_key_counted_while_up);
    RUN(exact_after_exchanges);
    RUN(engine_certificates_counted);
    return check_summary();
}
