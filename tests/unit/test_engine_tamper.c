/* One altered datagram no longer ends an exchange: an encrypted message
 * that does not decrypt or carries a wrong HASH is rejected without a
 * state change (the IV stays), counted, and the exchange fails only at
 * config.auth_failures_max of them - so a bit flip followed by the
 * genuine retransmission completes, while a wrong pre-shared key is
 * still reported as an authentication failure after that many attempts.
 * The same for Quick Mode HASH(1), and for Aggressive Mode's HASH_R /
 * SIG_R (message 2) and HASH_I / SIG_I (message 3), sent in the clear. */
#include "lib/check.h"
#include "lib/pair.h"
#include "isakmp/cipher.h"
#include "isakmp/keyschedule.h"

#include <string.h>

static bool run_until_sent(struct pair *p, size_t count)
{
    while (memnet_sent_count(p->net) < count)
        if (!memnet_step(p->net, memnet_now(p->net) + 10 * SEC))
            return false;
    return true;
}

static unsigned rejected(struct pair *p, int node, enum isakmp_reject_reason why)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    unsigned c = 0;
    for (size_t i = 0; i < n; i++)
        c += evs[i].type == ISAKMP_EV_MESSAGE_REJECTED && evs[i].u.reject.reason == why;
    return c;
}

/* Rejections at distinct moments (copies arriving together count once). */
static unsigned rejected_moments(struct pair *p, int node, enum isakmp_reject_reason why)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    unsigned c = 0;
    uint64_t last = UINT64_MAX;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == ISAKMP_EV_MESSAGE_REJECTED && evs[i].u.reject.reason == why &&
            evs[i].now != last) {
            c++;
            last = evs[i].now;
        }
    return c;
}

static unsigned sent_msg(struct pair *p, int node, uint8_t xchg, uint8_t number)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    unsigned c = 0;
    for (size_t i = 0; i < n; i++)
        c += evs[i].type == ISAKMP_EV_MESSAGE_SENT && evs[i].u.message.exchange_type == xchg &&
             evs[i].u.message.number == number;
    return c;
}

static void expect_success(struct pair *p)
{
    CHECK_INT(memnet_count(p->net, p->a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p->net, p->b, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p->net, p->a, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_count(p->net, p->b, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(pair_events_malformed(p, p->a), 0);
    CHECK_INT(pair_events_malformed(p, p->b), 0);
    struct isakmp_phase1_keys ka, kb;
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p->net, p->a), pair_sa(p, p->a, 1), &ka));
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p->net, p->b), pair_sa(p, p->b, 1), &kb));
    CHECK_MEM(ka.skeyid_d, ka.prf_len, kb.skeyid_d, kb.prf_len);
}

/* Main Mode message 5 (datagram 5) altered at `offset` of its encrypted
 * body; the genuine one is lost, its retransmission arrives. */
static void mm5_flip(size_t offset, enum isakmp_reject_reason want)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "s3cret", "s3cret"));
    memnet_drop(p.net, 5);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    REQUIRE(run_until_sent(&p, 5));
    const struct memnet_packet *m5 = memnet_sent(p.net, 5);
    uint8_t msg[2048];
    size_t len = m5->len;
    struct isakmp_addr from = m5->from, to = m5->to;
    REQUIRE(len == 28 + 48);          /* ID (12) + HASH (24) + padding: 3 AES blocks */
    memcpy(msg, m5->bytes, len);
    msg[28 + offset] ^= 0x04;
    memnet_inject(p.net, msg, len, &from, &to);
    CHECK_INT(rejected(&p, p.b, want), 1);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED), 0);
    struct isakmp_stats sb;
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sb.auth_failures, 1);
    CHECK_INT(sb.half_open, 1);                   /* the exchange is still there */
    memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
    /* A heard (in the clear) that B could not read it, and went on. */
    const struct isakmp_event *n = memnet_last(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED);
    REQUIRE(n);
    CHECK_INT(n->u.notify.type, ISAKMP_N_AUTHENTICATION_FAILED);
    CHECK(!n->u.notify.protected_);
    /* The original, then A's retransmission (and its answer to B's own
     * retransmission of message 4, which came at the same moment). */
    CHECK(sent_msg(&p, p.a, ISAKMP_XCHG_IDPROT, 5) >= 2);
    CHECK_INT(rejected(&p, p.b, want), 1);            /* only the altered one */
    expect_success(&p);
    pair_free(&p);
}

/* A bit in the second block: the HASH_I bytes only (blocks 2 and 3 of
 * the plaintext) - the message decrypts and its hash is wrong. */
static void mm5_bad_hash_then_genuine(void) { mm5_flip(16, ISAKMP_REJECT_BAD_HASH); }
/* A bit in the first block: the payload chain breaks. */
static void mm5_garbled_then_genuine(void) { mm5_flip(1, ISAKMP_REJECT_DECRYPT); }

static void wrong_psk(uint32_t max)
{
    struct pair p;
    pair_setup(&p, 14, 0, "right-key", "wrong-key");
    p.ca.auth_failures_max = p.cb.auth_failures_max = max;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    unsigned want = max ? max : 3;
    /* B read `want` copies of message 5 (the original and retransmissions),
     * none decrypted, then failed; A failed on B's Notify. */
    CHECK_INT(rejected_moments(&p, p.b, ISAKMP_REJECT_DECRYPT), want);
    CHECK(sent_msg(&p, p.a, ISAKMP_XCHG_IDPROT, 5) >= want);
    const struct isakmp_event *fb = memnet_last(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED);
    const struct isakmp_event *evs, *fa = NULL;
    size_t n = memnet_events(p.net, p.a, &evs);
    for (size_t i = 0; i < n && !fa; i++)
        if (evs[i].type == ISAKMP_EV_EXCHANGE_FAILED)
            fa = &evs[i];
    REQUIRE(fa && fb);
    CHECK_INT(fb->u.exchange.reason, ISAKMP_FAIL_AUTH);
    CHECK_INT(fb->u.exchange.notify, ISAKMP_N_AUTHENTICATION_FAILED);
    CHECK_INT(fa->u.exchange.reason, ISAKMP_FAIL_PEER_NOTIFY);
    CHECK_INT(fa->u.exchange.notify, ISAKMP_N_AUTHENTICATION_FAILED);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED), 1);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED) +
              memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 0);
    struct isakmp_stats sa, sb;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sb.auth_failures, rejected(&p, p.b, ISAKMP_REJECT_DECRYPT));
    CHECK_INT(sb.half_open, 0);
    CHECK_INT(isakmp_engine_next_deadline(memnet_engine(p.net, p.a)), UINT64_MAX);
    CHECK_INT(isakmp_engine_next_deadline(memnet_engine(p.net, p.b)), UINT64_MAX);
    pair_free(&p);
}

static void wrong_psk_default(void) { wrong_psk(0); }
static void wrong_psk_four(void) { wrong_psk(4); }

/* Quick Mode message 1 re-encrypted by the test (it knows the keys) with
 * one byte of HASH(1) changed, `copies` times; the genuine one is lost. */
static void qm_bad_hash1(unsigned copies, uint32_t max)
{
    struct pair p;
    pair_setup(&p, 14, 0, "s3cret", "s3cret");
    p.ca.auth_failures_max = p.cb.auth_failures_max = max;
    p.ca.retransmit.initial_ns = 5 * SEC;           /* A's genuine retransmission comes late */
    REQUIRE(pair_start(&p));
    memnet_drop(p.net, 7);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    REQUIRE(run_until_sent(&p, 7));
    struct isakmp_phase1_keys k;
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p.net, p.a), pair_sa(&p, p.a, 1), &k));
    const struct memnet_packet *mm6 = memnet_sent(p.net, 6), *qm1 = memnet_sent(p.net, 7);
    uint8_t msg[4096], iv[16], ivc[16];
    size_t len = qm1->len;
    REQUIRE(len <= sizeof msg);
    memcpy(msg, qm1->bytes, len);
    struct isakmp_addr from = qm1->from, to = qm1->to;
    REQUIRE(isakmp_ks_phase2_iv(ISAKMP_HASH_SHA1, mm6->bytes + mm6->len - 16, 16, msg + 20, iv) == 0);
    memcpy(ivc, iv, 16);
    REQUIRE(isakmp_cbc_decrypt(ISAKMP_ENC_AES_CBC, k.enc_key, k.enc_key_len, ivc, 16, msg + 28,
                               msg + 28, len - 28) == 0);
    REQUIRE(msg[28] == ISAKMP_PL_SA);              /* HASH(1) first, then SA */
    msg[28 + 4] ^= 0x01;
    memcpy(ivc, iv, 16);
    REQUIRE(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, k.enc_key, k.enc_key_len, ivc, 16, msg + 28,
                               msg + 28, len - 28) == 0);
    size_t mem = isakmp_engine_memory(memnet_engine(p.net, p.b));
    /* A burst of copies counts once ... */
    for (unsigned i = 0; i < 10; i++)
        memnet_inject(p.net, msg, len, &from, &to);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED), 0);
    /* ... copies half a second apart (B retransmits after 1 s) count each. */
    for (unsigned i = 1; i < copies; i++) {
        memnet_run(p.net, memnet_now(p.net) + 600 * MS);
        memnet_inject(p.net, msg, len, &from, &to);
    }
    CHECK_INT(rejected(&p, p.b, ISAKMP_REJECT_BAD_HASH), copies + 9);
    unsigned limit = max ? max : 3;
    if (copies < limit) {
        CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, p.b)), mem);    /* no state */
        CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED), 0);
        memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
        expect_success(&p);                          /* A's retransmission */
    } else {
        const struct isakmp_event *fb = memnet_last(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED);
        REQUIRE(fb);
        CHECK_INT(fb->u.exchange.exchange_type, ISAKMP_XCHG_QUICK);
        CHECK_INT(fb->u.exchange.reason, ISAKMP_FAIL_AUTH);
        CHECK_INT(fb->u.exchange.notify, ISAKMP_N_INVALID_HASH_INFORMATION);
        memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
        /* A learns it from the protected Notify; phase 1 stands. */
        const struct isakmp_event *fa = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
        REQUIRE(fa);
        CHECK_INT(fa->u.exchange.exchange_type, ISAKMP_XCHG_QUICK);
        CHECK_INT(fa->u.exchange.reason, ISAKMP_FAIL_PEER_NOTIFY);
        CHECK_INT(fa->u.exchange.notify, ISAKMP_N_INVALID_HASH_INFORMATION);
        CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 1);
        CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);
        CHECK_INT(pair_events_malformed(&p, p.a), 0);
        CHECK_INT(pair_events_malformed(&p, p.b), 0);
    }
    pair_free(&p);
}

static void qm_bad_hash1_twice_then_genuine(void) { qm_bad_hash1(2, 0); }
static void qm_bad_hash1_three_times_fails(void) { qm_bad_hash1(3, 0); }
static void qm_bad_hash1_limit_two(void) { qm_bad_hash1(2, 2); }

/* Offset of the body of the first payload of `type` in a clear message
 * (0: none), its length in *body_len. */
static size_t find_payload(const uint8_t *m, size_t len, uint8_t type, size_t *body_len)
{
    size_t off = 28;
    uint8_t t = m[16];
    while (t && off + 4 <= len) {
        size_t pl = (size_t)(m[off + 2] << 8 | m[off + 3]);
        if (pl < 4 || off + pl > len)
            return 0;
        if (t == type) {
            *body_len = pl - 4;
            return off + 4;
        }
        t = m[off];
        off += pl;
    }
    return 0;
}

/* Aggressive Mode: datagram `seq` (2: message 2, B -> A; 3: message 3,
 * A -> B) arrives with one bit of its HASH or SIG payload flipped before
 * the genuine one (delayed, or lost and retransmitted).  The copy is
 * dropped and counted without a state change - the initiator keeps its
 * DH key pair and nonce - and the genuine message completes. */
static void am_flip(struct pair *p, unsigned seq, uint8_t auth_pl, bool lose_genuine)
{
    if (lose_genuine)
        memnet_drop(p->net, seq);
    else
        memnet_delay(p->net, seq, 300 * MS);
    REQUIRE(pair_initiate(p, ISAKMP_XCHG_AGGRESSIVE, true));
    REQUIRE(run_until_sent(p, seq));
    const struct memnet_packet *g = memnet_sent(p->net, seq);
    uint8_t msg[4096];
    size_t len = g->len, bl = 0;
    REQUIRE(len <= sizeof msg);
    memcpy(msg, g->bytes, len);
    struct isakmp_addr from = g->from, to = g->to;
    size_t at = find_payload(msg, len, auth_pl, &bl);
    REQUIRE(at && bl >= 16);
    msg[at + bl / 2] ^= 0x10;
    int victim = seq == 2 ? p->a : p->b;
    struct isakmp_engine *ev = memnet_engine(p->net, victim);
    size_t mem = isakmp_engine_memory(ev);
    memnet_inject(p->net, msg, len, &from, &to);
    CHECK_INT(rejected(p, victim, ISAKMP_REJECT_BAD_HASH), 1);
    CHECK_INT(memnet_count(p->net, victim, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_count(p->net, victim, ISAKMP_EV_SA_ESTABLISHED), 0);
    struct isakmp_stats st;
    isakmp_engine_stats(ev, &st);
    CHECK_INT(st.auth_failures, 1);
    /* Nothing kept from the forged copy: the initiator holds what it
     * held after message 1 (its key pair included). */
    if (seq == 2)
        CHECK_INT(isakmp_engine_memory(ev), mem);
    memnet_run(p->net, memnet_now(p->net) + 60 * SEC);
    CHECK_INT(rejected(p, victim, ISAKMP_REJECT_BAD_HASH), 1);     /* only the copy */
    expect_success(p);
    pair_free(p);
}

static void am2_bad_hash_then_genuine(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 19, 0, "s3cret", "s3cret"));
    am_flip(&p, 2, ISAKMP_PL_HASH, false);
}

static void am2_bad_hash_genuine_lost(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "s3cret", "s3cret"));
    am_flip(&p, 2, ISAKMP_PL_HASH, true);          /* B's retransmission completes */
}

static void am3_bad_hash_then_genuine(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 19, 0, "s3cret", "s3cret"));
    am_flip(&p, 3, ISAKMP_PL_HASH, true);          /* A resends 3 for B's resent 2 */
}

static struct pair_rsa_keys rsa;

static void am_sig_flip(unsigned seq)
{
    struct pair p;
    struct isakmp_rsa_peer peers[2];
    REQUIRE(pair_rsa_keys(&rsa));
    pair_setup_rsa(&p, &rsa, peers, rsa.a, ISAKMP_AUTH_RSA_SIG, 19, 0);
    REQUIRE(pair_start(&p));
    am_flip(&p, seq, ISAKMP_PL_SIG, false);
}

static void am2_bad_sig_then_genuine(void) { am_sig_flip(2); }
static void am3_bad_sig_then_genuine(void) { am_sig_flip(3); }

/* A wrong pre-shared key in Aggressive Mode: A finds HASH_R wrong in
 * every copy of message 2 (B's retransmissions, answers to A's own),
 * counts them, and fails at auth_failures_max with AUTHENTICATION-FAILED
 * - not at the first one. */
static void am_wrong_psk(uint32_t max)
{
    struct pair p;
    pair_setup(&p, 14, 0, "right-key", "wrong-key");
    p.ca.auth_failures_max = p.cb.auth_failures_max = max;
    REQUIRE(pair_start(&p));
    size_t mem_a = isakmp_engine_memory(memnet_engine(p.net, p.a));
    size_t mem_b = isakmp_engine_memory(memnet_engine(p.net, p.b));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_AGGRESSIVE, true));
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    unsigned want = max ? max : 3;
    CHECK_INT(rejected_moments(&p, p.a, ISAKMP_REJECT_BAD_HASH), want);
    const struct isakmp_event *evs, *fa = NULL, *fb = NULL;
    size_t n = memnet_events(p.net, p.a, &evs);
    for (size_t i = 0; i < n && !fa; i++)
        if (evs[i].type == ISAKMP_EV_EXCHANGE_FAILED)
            fa = &evs[i];
    n = memnet_events(p.net, p.b, &evs);
    for (size_t i = 0; i < n && !fb; i++)
        if (evs[i].type == ISAKMP_EV_EXCHANGE_FAILED)
            fb = &evs[i];
    REQUIRE(fa && fb);
    CHECK_INT(fa->u.exchange.exchange_type, ISAKMP_XCHG_AGGRESSIVE);
    CHECK_INT(fa->u.exchange.reason, ISAKMP_FAIL_AUTH);
    CHECK_INT(fa->u.exchange.notify, ISAKMP_N_AUTHENTICATION_FAILED);
    /* A announces only its final failure (a clear message 2 gets no
     * Notify per copy: anyone can forge one); B ends on that Notify. */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_NOTIFY_SENT), 1);
    CHECK_INT(fb->u.exchange.reason, ISAKMP_FAIL_PEER_NOTIFY);
    CHECK_INT(fb->u.exchange.notify, ISAKMP_N_AUTHENTICATION_FAILED);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED) +
              memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 0);
    struct isakmp_stats sa;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    CHECK_INT(sa.auth_failures, rejected(&p, p.a, ISAKMP_REJECT_BAD_HASH));
    CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, p.a)), mem_a);
    CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, p.b)), mem_b);
    CHECK_INT(isakmp_engine_next_deadline(memnet_engine(p.net, p.a)), UINT64_MAX);
    CHECK_INT(isakmp_engine_next_deadline(memnet_engine(p.net, p.b)), UINT64_MAX);
    CHECK_INT(pair_events_malformed(&p, p.a), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    pair_free(&p);
}

static void am_wrong_psk_default(void) { am_wrong_psk(0); }
static void am_wrong_psk_four(void) { am_wrong_psk(4); }

int main(void)
{
    RUN(mm5_bad_hash_then_genuine);
    RUN(mm5_garbled_then_genuine);
    RUN(wrong_psk_default);
    RUN(wrong_psk_four);
    RUN(qm_bad_hash1_twice_then_genuine);
    RUN(qm_bad_hash1_three_times_fails);
    RUN(qm_bad_hash1_limit_two);
    RUN(am2_bad_hash_then_genuine);
    RUN(am2_bad_hash_genuine_lost);
    RUN(am3_bad_hash_then_genuine);
    RUN(am2_bad_sig_then_genuine);
    RUN(am3_bad_sig_then_genuine);
    RUN(am_wrong_psk_default);
    RUN(am_wrong_psk_four);
    pair_rsa_keys_free(&rsa);
    return check_summary();
}
