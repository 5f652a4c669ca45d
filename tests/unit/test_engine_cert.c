/* Certificates in phase 1 (RFC 2408 §3.9/§3.10, RFC 2409 §5.1) between
 * two engines with RSA signatures and NO configured peer keys: each
 * side's key can only come from the other's CERT, verified against the
 * trust anchor (tests/unit/data/certs, made by make-certs.sh there), at
 * a fixed wall-clock time (2027-06-01) given in the configuration.
 * Main and Aggressive Mode succeed, the CR/CERT payloads on the wire are
 * checked byte for byte; each bad certificate fails with its Notify and
 * its ISAKMP_FAIL_CERT_* reason, and the failing side keeps no SA. */
#include "lib/check.h"
#include "lib/certfx.h"
#include "lib/testutil.h"
#include "isakmp/rsa.h"
#include "isakmp/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct isakmp_message msg;       /* large: off the stack */

/* DER of a PEM certificate file (free()). */
static uint8_t *der_of(const char *name, size_t *len)
{
    size_t n;
    uint8_t *pem = cert_data(name, &n), *der = NULL;
    if (pem && isakmp_pem_decode(pem, n, "CERTIFICATE", &der, len) != ISAKMP_RSA_OK)
        der = NULL;
    free(pem);
    return der;
}

/* Node `from` starts `xchg` towards the other (Quick Mode too when qm). */
static isakmp_handle start(struct cert_fx *f, int from, uint8_t xchg, bool qm)
{
    struct pair *p = &f->p;
    int to = from == p->a ? p->b : p->a;
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = memnet_addr(p->net, from);
    pol.peer = memnet_addr(p->net, to);
    pol.exchange_type = xchg;
    if (qm) {
        pol.p2 = from == p->a ? &p->p2a : &p->p2b;
        pol.n_p2 = 1;
    }
    return isakmp_engine_initiate(memnet_engine(p->net, from), memnet_now(p->net), &pol);
}

static unsigned crypto_ops(struct pair *p, int node, enum isakmp_crypto_op op)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    unsigned c = 0;
    for (size_t i = 0; i < n; i++)
        c += evs[i].type == ISAKMP_EV_CRYPTO && evs[i].u.crypto.op == op;
    return c;
}

/* Payload `type` number `idx` of clear datagram `seq` (NULL if none). */
static const struct isakmp_payload *clear_payload(struct pair *p, unsigned seq, uint8_t type,
                                                  unsigned idx)
{
    const struct memnet_packet *pk = memnet_sent(p->net, seq);
    if (!pk || isakmp_decode(pk->bytes, pk->len, 0, &msg) != 0 || msg.encrypted)
        return NULL;
    return isakmp_msg_find(&msg, type, idx);
}

static void good(uint8_t xchg)
{
    struct cert_fx f;
    REQUIRE(cert_fx_setup(&f, "b.pem", ISAKMP_AUTH_RSA_SIG));
    REQUIRE(pair_start(&f.p));
    REQUIRE(start(&f, f.p.a, xchg, true));
    memnet_run(f.p.net, memnet_now(f.p.net) + 10 * SEC);
    CHECK_INT(memnet_count(f.p.net, f.p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(f.p.net, f.p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    /* No configured peer key: each verification used a certificate's. */
    CHECK_INT(crypto_ops(&f.p, f.p.a, ISAKMP_CRYPTO_RSA_VERIFY), 1);
    CHECK_INT(crypto_ops(&f.p, f.p.b, ISAKMP_CRYPTO_RSA_VERIFY), 1);
    struct isakmp_phase1_keys ka, kb;
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(f.p.net, f.p.a), pair_sa(&f.p, f.p.a, 1), &ka));
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(f.p.net, f.p.b), pair_sa(&f.p, f.p.b, 1), &kb));
    CHECK_MEM(ka.skeyid_d, ka.prf_len, kb.skeyid_d, kb.prf_len);
    /* CR: X.509 Signature naming the anchor's subject DN. */
    size_t ca_der_len, a_len, b_len;
    uint8_t *ca_der = der_of("ca.pem", &ca_der_len), *a_der = der_of("a.pem", &a_len),
            *b_der = der_of("b.pem", &b_len);
    REQUIRE(ca_der && a_der && b_der);
    struct isakmp_x509_view v;
    REQUIRE(isakmp_x509_view(ca_der, ca_der_len, &v) == 0);
    unsigned cr_msg = xchg == ISAKMP_XCHG_AGGRESSIVE ? 1 : 3;
    const struct isakmp_payload *cr = clear_payload(&f.p, cr_msg, ISAKMP_PL_CR, 0);
    REQUIRE(cr);
    CHECK_INT(cr->u.cert.encoding, ISAKMP_CERT_X509_SIG);
    CHECK_MEM(cr->u.cert.data.p, cr->u.cert.data.len, v.subject, v.subject_len);
    CHECK(clear_payload(&f.p, cr_msg + 1, ISAKMP_PL_CR, 0) != NULL);
    if (xchg == ISAKMP_XCHG_AGGRESSIVE) {
        /* In the clear: B's CERT in 2, A's in 3, each the DER of its file. */
        const struct isakmp_payload *c2 = clear_payload(&f.p, 2, ISAKMP_PL_CERT, 0);
        REQUIRE(c2);
        CHECK_INT(c2->u.cert.encoding, ISAKMP_CERT_X509_SIG);
        CHECK_MEM(c2->u.cert.data.p, c2->u.cert.data.len, b_der, b_len);
        const struct isakmp_payload *c3 = clear_payload(&f.p, 3, ISAKMP_PL_CERT, 0);
        REQUIRE(c3);
        CHECK_MEM(c3->u.cert.data.p, c3->u.cert.data.len, a_der, a_len);
        CHECK(clear_payload(&f.p, 1, ISAKMP_PL_CERT, 0) == NULL);
    }
    free(ca_der);
    free(a_der);
    free(b_der);
    CHECK_INT(pair_events_malformed(&f.p, f.p.a), 0);
    CHECK_INT(pair_events_malformed(&f.p, f.p.b), 0);
    cert_fx_free(&f);
}

static void good_main(void) { good(ISAKMP_XCHG_IDPROT); }
static void good_aggressive(void) { good(ISAKMP_XCHG_AGGRESSIVE); }

/* B (10.0.0.2) initiates with the certificate `b_cert`; A refuses it with
 * `notify` and `reason`, keeps nothing, and B hears the Notify. */
static void refused_as(uint8_t xchg, const char *b_cert, uint16_t notify,
                       enum isakmp_fail_reason reason, void (*tweak)(struct cert_fx *))
{
    struct cert_fx f;
    REQUIRE(cert_fx_setup(&f, b_cert, ISAKMP_AUTH_RSA_SIG));
    if (tweak)
        tweak(&f);
    REQUIRE(pair_start(&f.p));
    REQUIRE(start(&f, f.p.b, xchg, false));
    memnet_run(f.p.net, memnet_now(f.p.net) + 60 * SEC);
    const struct isakmp_event *ev = memnet_last(f.p.net, f.p.a, ISAKMP_EV_EXCHANGE_FAILED);
    CHECK_MSG(ev != NULL, "%s: A did not fail", b_cert);
    if (ev) {
        CHECK_MSG(ev->u.exchange.notify == notify, "%s: notify %u, want %u", b_cert,
                  ev->u.exchange.notify, notify);
        CHECK_MSG(ev->u.exchange.reason == reason, "%s: reason %s, want %s", b_cert,
                  isakmp_fail_name(ev->u.exchange.reason), isakmp_fail_name(reason));
    }
    CHECK_INT(memnet_count(f.p.net, f.p.a, ISAKMP_EV_SA_ESTABLISHED), 0);
    struct isakmp_stats st;
    isakmp_engine_stats(memnet_engine(f.p.net, f.p.a), &st);
    CHECK_INT(st.half_open, 0);
    CHECK_INT(st.phase1_sas, 0);
    /* Main Mode: the initiator is told (protected, A has the keys) and
     * does not establish either.  Aggressive Mode: the initiator is done
     * once it sends message 3 (RFC 2409 §5); A's Notify then arrives in
     * the clear for an established SA and is not believed. */
    if (xchg == ISAKMP_XCHG_IDPROT) {
        CHECK_INT(memnet_count(f.p.net, f.p.b, ISAKMP_EV_SA_ESTABLISHED), 0);
        const struct isakmp_event *nr = memnet_last(f.p.net, f.p.b, ISAKMP_EV_NOTIFY_RECEIVED);
        CHECK_MSG(nr && nr->u.notify.type == notify, "%s: B did not receive the Notify", b_cert);
    }
    CHECK_INT(pair_events_malformed(&f.p, f.p.a), 0);
    cert_fx_free(&f);
}

static void refused(uint8_t xchg, const char *b_cert, uint16_t notify, enum isakmp_fail_reason reason)
{
    refused_as(xchg, b_cert, notify, reason, NULL);
}

static void other_ca(void)
{
    refused(ISAKMP_XCHG_IDPROT, "b-ca2.pem", ISAKMP_N_INVALID_CERT_AUTHORITY, ISAKMP_FAIL_CERT_UNTRUSTED);
    refused(ISAKMP_XCHG_AGGRESSIVE, "b-ca2.pem", ISAKMP_N_INVALID_CERT_AUTHORITY, ISAKMP_FAIL_CERT_UNTRUSTED);
}

static void expired(void)
{
    refused(ISAKMP_XCHG_IDPROT, "b-expired.pem", ISAKMP_N_INVALID_CERTIFICATE, ISAKMP_FAIL_CERT_EXPIRED);
    refused(ISAKMP_XCHG_AGGRESSIVE, "b-expired.pem", ISAKMP_N_INVALID_CERTIFICATE, ISAKMP_FAIL_CERT_EXPIRED);
}

static void wrong_san(void)
{
    refused(ISAKMP_XCHG_IDPROT, "b-wrong-san.pem", ISAKMP_N_INVALID_ID_INFORMATION, ISAKMP_FAIL_CERT_ID);
    refused(ISAKMP_XCHG_AGGRESSIVE, "b-wrong-san.pem", ISAKMP_N_INVALID_ID_INFORMATION, ISAKMP_FAIL_CERT_ID);
}

static void a_in_2025(struct cert_fx *f) { f->p.ca.cert_time_base = T_2025_06_01; }
static void a_no_dates(struct cert_fx *f) { f->p.ca.cert_no_dates = true; }
static void b_sends_none(struct cert_fx *f) { f->p.cb.cert_send = ISAKMP_CERT_SEND_NEVER; }
static void a_asks_nothing(struct cert_fx *f) { f->p.ca.send_cr = false; }
static void a_asks_nothing_b_always(struct cert_fx *f)
{
    f->p.ca.send_cr = false;
    f->p.cb.cert_send = ISAKMP_CERT_SEND_ALWAYS;
}

static void not_yet_valid(void)
{
    /* A good certificate, but A's calendar says 2025 (valid from 2026). */
    refused_as(ISAKMP_XCHG_IDPROT, "b.pem", ISAKMP_N_INVALID_CERTIFICATE, ISAKMP_FAIL_CERT_EXPIRED,
               a_in_2025);
}

static void missing(void)
{
    refused_as(ISAKMP_XCHG_IDPROT, "b.pem", ISAKMP_N_CERTIFICATE_UNAVAILABLE, ISAKMP_FAIL_CERT_MISSING,
               b_sends_none);
    /* RFC 2408 §3.10: no CR from A, so B (IF_ASKED) sends none. */
    refused_as(ISAKMP_XCHG_AGGRESSIVE, "b.pem", ISAKMP_N_CERTIFICATE_UNAVAILABLE,
               ISAKMP_FAIL_CERT_MISSING, a_asks_nothing);
}

/* Accepted variants: dates switched off (the expired one passes); a
 * CERT sent unasked (ALWAYS); and the identities the SAN / DN carry. */
static void established_as(uint8_t xchg, const char *b_cert, void (*tweak)(struct cert_fx *),
                           const struct isakmp_identity *b_id, bool want_ok)
{
    struct cert_fx f;
    REQUIRE(cert_fx_setup(&f, b_cert, ISAKMP_AUTH_RSA_SIG));
    if (tweak)
        tweak(&f);
    if (b_id)
        f.p.cb.identity = *b_id;
    REQUIRE(pair_start(&f.p));
    REQUIRE(start(&f, f.p.b, xchg, false));
    memnet_run(f.p.net, memnet_now(f.p.net) + 60 * SEC);
    unsigned na = memnet_count(f.p.net, f.p.a, ISAKMP_EV_SA_ESTABLISHED);
    CHECK_MSG(na == (want_ok ? 1u : 0u), "%s id %u: A established %u", b_cert,
              b_id ? b_id->type : 0, na);
    if (!want_ok) {
        const struct isakmp_event *ev = memnet_last(f.p.net, f.p.a, ISAKMP_EV_EXCHANGE_FAILED);
        CHECK(ev && ev->u.exchange.reason == ISAKMP_FAIL_CERT_ID &&
              ev->u.exchange.notify == ISAKMP_N_INVALID_ID_INFORMATION);
    }
    cert_fx_free(&f);
}

static void switches(void)
{
    established_as(ISAKMP_XCHG_IDPROT, "b-expired.pem", a_no_dates, NULL, true);
    established_as(ISAKMP_XCHG_AGGRESSIVE, "b.pem", a_asks_nothing_b_always, NULL, true);
}

static struct isakmp_identity ident(uint8_t type, const void *d, size_t len)
{
    struct isakmp_identity id;
    memset(&id, 0, sizeof id);
    id.type = type;
    id.len = (uint16_t)len;
    memcpy(id.data, d, len);
    return id;
}

static void identities(void)
{
    struct isakmp_identity fqdn = ident(ISAKMP_ID_FQDN, "B.Example", 9);
    struct isakmp_identity mail = ident(ISAKMP_ID_USER_FQDN, "b@example", 9);
    struct isakmp_identity bad = ident(ISAKMP_ID_FQDN, "a.example", 9);
    size_t der_len;
    uint8_t *der = der_of("b.pem", &der_len);
    REQUIRE(der);
    struct isakmp_x509_view v;
    REQUIRE(isakmp_x509_view(der, der_len, &v) == 0 && v.subject_len <= ISAKMP_ID_MAX);
    struct isakmp_identity dn = ident(ISAKMP_ID_DER_ASN1_DN, v.subject, v.subject_len);
    struct isakmp_identity dn_bad = dn;
    dn_bad.data[dn_bad.len - 1] ^= 1;                /* one byte of "node b" */
    free(der);
    established_as(ISAKMP_XCHG_IDPROT, "b.pem", NULL, &fqdn, true);
    established_as(ISAKMP_XCHG_AGGRESSIVE, "b.pem", NULL, &mail, true);
    established_as(ISAKMP_XCHG_IDPROT, "b.pem", NULL, &dn, true);
    established_as(ISAKMP_XCHG_IDPROT, "b.pem", NULL, &bad, false);
    established_as(ISAKMP_XCHG_AGGRESSIVE, "b.pem", NULL, &dn_bad, false);
}

/* Aggressive Mode message 3 (B -> A, in the clear) with its CERT's
 * encoding changed from X.509 Signature (4) to PKCS #7 (1). */
static void cert_type(void)
{
    struct cert_fx f;
    REQUIRE(cert_fx_setup(&f, "b.pem", ISAKMP_AUTH_RSA_SIG));
    REQUIRE(pair_start(&f.p));
    memnet_drop(f.p.net, 3);
    REQUIRE(start(&f, f.p.b, ISAKMP_XCHG_AGGRESSIVE, false));
    memnet_run(f.p.net, memnet_now(f.p.net) + 1 * SEC);
    const struct memnet_packet *m3 = memnet_sent(f.p.net, 3);
    REQUIRE(m3);
    uint8_t buf[8192];
    REQUIRE(m3->len <= sizeof buf);
    size_t len = m3->len;
    memcpy(buf, m3->bytes, len);
    struct isakmp_addr from = m3->from, to = m3->to;
    REQUIRE(isakmp_decode(buf, len, 0, &msg) == 0);
    const struct isakmp_payload *c = isakmp_msg_find(&msg, ISAKMP_PL_CERT, 0);
    REQUIRE(c);
    buf[c->offset + 4] = ISAKMP_CERT_PKCS7;
    memnet_inject(f.p.net, buf, len, &from, &to);
    memnet_run(f.p.net, memnet_now(f.p.net) + 5 * SEC);
    const struct isakmp_event *ev = memnet_last(f.p.net, f.p.a, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(ev);
    CHECK_INT(ev->u.exchange.notify, ISAKMP_N_CERT_TYPE_UNSUPPORTED);
    CHECK_INT(ev->u.exchange.reason, ISAKMP_FAIL_CERT_TYPE);
    CHECK_INT(memnet_count(f.p.net, f.p.a, ISAKMP_EV_SA_ESTABLISHED), 0);
    cert_fx_free(&f);
}

/* Configurations an engine refuses to be created with. */
static void bad_config(void)
{
    struct cert_fx f;
    REQUIRE(cert_fx_setup(&f, "b.pem", ISAKMP_AUTH_RSA_SIG));
    struct isakmp_config c = f.p.ca;
    uint8_t junk[64];
    memset(junk, 0x30, sizeof junk);
    struct memnet *net = memnet_new(MS, 1);
    REQUIRE(net);
    c.cert = junk;
    c.cert_len = sizeof junk;
    CHECK(memnet_add(net, &c, isakmp_addr_v4(10, 0, 0, 5, 500)) < 0);
    c = f.p.ca;
    c.ca_certs = junk;
    c.ca_certs_len = sizeof junk;
    CHECK(memnet_add(net, &c, isakmp_addr_v4(10, 0, 0, 6, 500)) < 0);
    c = f.p.ca;
    c.cert_time_base = 0;            /* anchors but no calendar */
    CHECK(memnet_add(net, &c, isakmp_addr_v4(10, 0, 0, 7, 500)) < 0);
    c.cert_no_dates = true;
    CHECK(memnet_add(net, &c, isakmp_addr_v4(10, 0, 0, 8, 500)) >= 0);
    memnet_free(net);
    cert_fx_free(&f);
}

int main(void)
{
    RUN(good_main);
    RUN(good_aggressive);
    RUN(other_ca);
    RUN(expired);
    RUN(wrong_san);
    RUN(not_yet_valid);
    RUN(missing);
    RUN(switches);
    RUN(identities);
    RUN(cert_type);
    RUN(bad_config);
    return check_summary();
}
