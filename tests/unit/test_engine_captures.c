/* Real implementations' answers (ike-scan captures of deployed devices,
 * ../shared/captures/ike-scan) fed to an engine that sent the matching
 * message 1: a Main Mode response is accepted and answered with message
 * 3; an Aggressive Mode response is parsed through to its HASH_R (which
 * cannot match: another key); a NO-PROPOSAL-CHOSEN Notify ends the
 * exchange with that Notify. */
#include "lib/check.h"
#include "lib/testutil.h"
#include "isakmp/engine.h"
#include "isakmp/drbg.h"
#include "isakmp/rsa.h"

#include <stdlib.h>
#include <string.h>

struct ctx {
    struct isakmp_drbg *rng;
    uint8_t script[8];
    size_t script_len;
    uint8_t last[4096];
    size_t last_len;
    unsigned sent;
    struct isakmp_event ev[256];
    unsigned n_ev;
};

static void cb_send(void *u, const uint8_t *b, size_t len, const struct isakmp_addr *f,
                    const struct isakmp_addr *t)
{
    (void)f; (void)t;
    struct ctx *c = u;
    c->sent++;
    if (len <= sizeof c->last) {
        memcpy(c->last, b, len);
        c->last_len = len;
    }
}

static void cb_event(void *u, const struct isakmp_event *ev)
{
    struct ctx *c = u;
    if (c->n_ev < 256)
        c->ev[c->n_ev++] = *ev;
}

/* The next random bytes come from the script (the captures' CKY-I). */
static void cb_random(void *u, uint8_t *b, size_t len)
{
    struct ctx *c = u;
    if (c->script_len && len == c->script_len) {
        memcpy(b, c->script, len);
        c->script_len = 0;
        return;
    }
    isakmp_drbg_generate(c->rng, b, len);
}

static const struct isakmp_event *last_of(struct ctx *c, enum isakmp_event_type t)
{
    for (unsigned i = c->n_ev; i-- > 0;)
        if (c->ev[i].type == t)
            return &c->ev[i];
    return NULL;
}

static struct isakmp_engine *engine(struct ctx *c, struct isakmp_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->rng = isakmp_drbg_new((const uint8_t *)"cap", 3, 1, 1);
    struct isakmp_callbacks cb = { cb_send, cb_event, cb_random, NULL };
    return isakmp_engine_new(cfg, &cb, c);
}

/* Start an exchange whose CKY-I is deadbeefdeadbeef, then feed `file`. */
static bool exchange(struct isakmp_engine *e, struct ctx *c, uint8_t xchg, const char *file)
{
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = isakmp_addr_v4(192, 0, 2, 1, 500);
    pol.peer = isakmp_addr_v4(192, 0, 2, 2, 500);
    pol.exchange_type = xchg;
    memcpy(c->script, "\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
    c->script_len = 8;
    if (!isakmp_engine_initiate(e, 1000, &pol) || c->sent != 1)
        return false;
    if (memcmp(c->last, "\xde\xad\xbe\xef\xde\xad\xbe\xef", 8) != 0)
        return false;
    size_t len = 0;
    uint8_t *b = read_file(shared_path(file), &len);
    if (!b)
        return false;
    isakmp_engine_recv(e, 2000, b, len, &pol.peer, &pol.local);
    free(b);
    return true;
}

static void main_mode_response(void)
{
    struct isakmp_config cfg;
    isakmp_config_defaults(&cfg);
    struct isakmp_p1_transform t = { ISAKMP_ENC_3DES_CBC, 0, ISAKMP_HASH_SHA1, ISAKMP_AUTH_RSA_SIG, 2, 28800, 0 };
    cfg.p1 = &t;
    cfg.n_p1 = 1;
    struct isakmp_drbg *r = isakmp_drbg_new((const uint8_t *)"k", 1, 1, 1);
    struct isakmp_rsa_key *key = NULL;
    REQUIRE(r && isakmp_rsa_key_generate(isakmp_drbg_random, r, 512, &key) == 0);
    cfg.rsa_key = key;
    struct ctx c;
    struct isakmp_engine *e = engine(&c, &cfg);
    REQUIRE(e);
    REQUIRE(exchange(e, &c, ISAKMP_XCHG_IDPROT, "captures/ike-scan/pkt-main-mode-response.dat"));
    /* Accepted: message 3 (KE + nonce) went out, with the device's CKY-R. */
    CHECK_INT(c.sent, 2);
    CHECK_MEM(c.last + 8, 8, "\x63\x6f\xa0\x75\xdc\xf8\xba\x90", 8);
    CHECK_INT(c.last[16], 4);                                   /* KE first */
    const struct isakmp_event *s = last_of(&c, ISAKMP_EV_MESSAGE_SENT);
    REQUIRE(s);
    CHECK_INT(s->u.message.number, 3);
    CHECK(last_of(&c, ISAKMP_EV_MESSAGE_REJECTED) == NULL);
    isakmp_engine_free(e);
    isakmp_drbg_free(c.rng);
    isakmp_rsa_key_free(key);
    isakmp_drbg_free(r);
}

static void aggressive_response(void)
{
    struct isakmp_config cfg;
    isakmp_config_defaults(&cfg);
    struct isakmp_p1_transform t = { ISAKMP_ENC_3DES_CBC, 0, ISAKMP_HASH_SHA1, ISAKMP_AUTH_PSK, 2, 28800, 0 };
    struct isakmp_psk psk;
    memset(&psk, 0, sizeof psk);
    psk.key = (const uint8_t *)"guess";
    psk.key_len = 5;
    cfg.psks = &psk;
    cfg.n_psks = 1;
    cfg.p1 = &t;
    cfg.n_p1 = 1;
    /* A wrong HASH_R is dropped and counted (test_engine_tamper.c); one
     * is enough to fail here. */
    cfg.auth_failures_max = 1;
    struct ctx c;
    struct isakmp_engine *e = engine(&c, &cfg);
    REQUIRE(e);
    size_t mem = isakmp_engine_memory(e);
    REQUIRE(exchange(e, &c, ISAKMP_XCHG_AGGRESSIVE, "captures/ike-scan/pkt-aggr-mode-response.dat"));
    /* Parsed through: SA, KE (128 bytes, group 2), nonce, ID, then HASH_R,
     * which our key cannot reproduce. */
    const struct isakmp_event *f = last_of(&c, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(f);
    CHECK_INT(f->u.exchange.reason, ISAKMP_FAIL_AUTH);
    CHECK_INT(f->u.exchange.notify, ISAKMP_N_AUTHENTICATION_FAILED);
    const struct isakmp_event *rx = last_of(&c, ISAKMP_EV_MESSAGE_RECEIVED);
    REQUIRE(rx);
    CHECK_INT(rx->u.message.number, 2);
    CHECK_INT(isakmp_engine_memory(e), mem);
    isakmp_engine_free(e);
    isakmp_drbg_free(c.rng);
}

static void notify_response(void)
{
    struct isakmp_config cfg;
    isakmp_config_defaults(&cfg);
    struct isakmp_p1_transform t = { ISAKMP_ENC_AES_CBC, 128, ISAKMP_HASH_SHA1, ISAKMP_AUTH_PSK, 14, 0, 0 };
    struct isakmp_psk psk;
    memset(&psk, 0, sizeof psk);
    psk.key = (const uint8_t *)"k";
    psk.key_len = 1;
    cfg.psks = &psk;
    cfg.n_psks = 1;
    cfg.p1 = &t;
    cfg.n_p1 = 1;
    struct ctx c;
    struct isakmp_engine *e = engine(&c, &cfg);
    REQUIRE(e);
    size_t mem = isakmp_engine_memory(e);
    REQUIRE(exchange(e, &c, ISAKMP_XCHG_IDPROT, "captures/ike-scan/pkt-notify-response.dat"));
    const struct isakmp_event *n = last_of(&c, ISAKMP_EV_NOTIFY_RECEIVED);
    REQUIRE(n);
    CHECK_INT(n->u.notify.type, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK(!n->u.notify.protected_);
    const struct isakmp_event *f = last_of(&c, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(f);
    CHECK_INT(f->u.exchange.reason, ISAKMP_FAIL_PEER_NOTIFY);
    CHECK_INT(f->u.exchange.notify, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK_INT(isakmp_engine_memory(e), mem);
    CHECK_INT(isakmp_engine_next_deadline(e), UINT64_MAX);
    isakmp_engine_free(e);
    isakmp_drbg_free(c.rng);
}

static void ikev2_and_malformed_refused(void)
{
    struct isakmp_config cfg;
    isakmp_config_defaults(&cfg);
    struct ctx c;
    struct isakmp_engine *e = engine(&c, &cfg);
    REQUIRE(e);
    static const char *files[] = {
        "captures/ike-scan/pkt-ikev2.dat", "captures/ike-scan/pkt-v2-sainit-response.dat",
        "captures/ike-scan/pkt-malformed.dat", "captures/ike-scan/pkt-v2-notify-response.dat",
    };
    struct isakmp_addr a = isakmp_addr_v4(192, 0, 2, 1, 500), b = isakmp_addr_v4(192, 0, 2, 2, 500);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len = 0;
        uint8_t *m = read_file(shared_path(files[i]), &len);
        REQUIRE(m);
        isakmp_engine_recv(e, 1000, m, len, &b, &a);
        free(m);
    }
    struct isakmp_stats st;
    isakmp_engine_stats(e, &st);
    CHECK_INT(st.rejected, 4);
    CHECK_INT(c.sent, 0);
    const struct isakmp_event *r = last_of(&c, ISAKMP_EV_MESSAGE_REJECTED);
    REQUIRE(r);
    CHECK_INT(r->u.reject.reason, ISAKMP_REJECT_UNSUPPORTED);
    isakmp_engine_free(e);
    isakmp_drbg_free(c.rng);
}

int main(void)
{
    RUN(main_mode_response);
    RUN(aggressive_response);
    RUN(notify_response);
    RUN(ikev2_and_malformed_refused);
    return check_summary();
}
