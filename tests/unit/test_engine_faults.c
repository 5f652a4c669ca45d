/* Main Mode + Quick Mode under faults: every one of the 9 messages
 * dropped, duplicated, and replayed after completion; Quick Mode
 * messages with a wrong HASH or a wrong IV (forged by a test that knows
 * the keys); rate-limited error Notifies. */
#include "lib/check.h"
#include "lib/pair.h"
#include "isakmp/cipher.h"
#include "isakmp/keyschedule.h"

#include <stdio.h>
#include <string.h>

#define N_MSGS 9            /* Main Mode 6 + Quick Mode 3 */

/* Who receives message k of MM+QM: odd ones go to B, even ones to A. */
static int receiver(const struct pair *p, unsigned k) { return k % 2 ? p->b : p->a; }

static void expect_success(struct pair *p)
{
    CHECK_INT(pair_events_malformed(p, p->a), 0);
    CHECK_INT(pair_events_malformed(p, p->b), 0);
    CHECK_INT(memnet_count(p->net, p->a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p->net, p->b, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p->net, p->a, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_count(p->net, p->b, ISAKMP_EV_EXCHANGE_FAILED), 0);
}

static void drop_each_in(enum isakmp_defence_mode mode)
{
    for (unsigned k = 1; k <= N_MSGS; k++) {
        struct pair p;
        pair_setup(&p, 14, 0, "s3cret", "s3cret");
        p.cb.defence.mode = mode;
        REQUIRE(pair_start(&p));
        memnet_drop(p.net, k);
        REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
        memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
        expect_success(&p);
        struct isakmp_stats sa, sb;
        isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
        isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
        CHECK_MSG(sa.retransmits + sb.retransmits >= 1, "message %u dropped: no retransmission", k);
        pair_free(&p);
    }
}

static void drop_each(void) { drop_each_in(ISAKMP_DEFENCE_NONE); }
/* The stateless responder never retransmits message 2: the initiator's
 * retransmission of message 1 gets the same answer again. */
static void drop_each_stateless(void) { drop_each_in(ISAKMP_DEFENCE_STATELESS); }

static void duplicate_each(void)
{
    for (unsigned k = 1; k <= N_MSGS; k++) {
        struct pair p;
        REQUIRE(pair_init(&p, 14, 0, "s3cret", "s3cret"));
        memnet_duplicate(p.net, k);
        REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
        memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
        expect_success(&p);
        int r = receiver(&p, k);
        /* The first duplicate the receiver saw is the copy of message k
         * (answering it can make the peer see duplicates in turn). */
        const struct isakmp_event *evs, *d = NULL;
        size_t n_ev = memnet_events(p.net, r, &evs);
        for (size_t i = 0; i < n_ev && !d; i++)
            if (evs[i].type == ISAKMP_EV_DUPLICATE)
                d = &evs[i];
        CHECK_MSG(d != NULL, "message %u duplicated: no duplicate event", k);
        /* The copy arrives with the original: the receiver has just
         * answered it (every message but the last of an exchange: 6
         * ends Main Mode, 9 Quick Mode), so the copy says nothing about
         * a lost answer and is not answered again (the resend limits of
         * isakmp_config); it is counted as unanswered. */
        bool has_reply = k != 6 && k != 9;
        if (d) {
            CHECK_INT(d->u.message.number, k <= 6 ? k : k - 6);
            CHECK_MSG(!d->u.message.retransmission, "message %u: resent=%d", k,
                      d->u.message.retransmission);
            CHECK_MSG(d->u.message.unanswered == (has_reply ? 1u : 0u), "message %u: unanswered=%u",
                      k, d->u.message.unanswered);
        }
        /* No message was processed twice. */
        CHECK_INT(memnet_count(p.net, r, ISAKMP_EV_MESSAGE_REJECTED), 0);
        struct isakmp_stats st;
        isakmp_engine_stats(memnet_engine(p.net, r), &st);
        CHECK_INT(st.phase1_sas, 1);
        CHECK_INT(st.phase2_sas, 1);
        pair_free(&p);
    }
}

static void replay_each_after_completion(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "s3cret", "s3cret"));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    expect_success(&p);
    REQUIRE(memnet_sent_count(p.net) == N_MSGS);
    /* Past the time a finished exchange keeps its last reply. */
    memnet_run(p.net, memnet_now(p.net) + 300 * SEC);
    for (unsigned k = 1; k <= N_MSGS; k++) {
        const struct memnet_packet *pk = memnet_sent(p.net, k);
        int r = receiver(&p, k);
        unsigned before = memnet_count(p.net, r, ISAKMP_EV_REPLAY_REJECTED);
        size_t sent = memnet_sent_count(p.net);
        memnet_inject(p.net, pk->bytes, pk->len, &pk->from, &pk->to);
        CHECK_MSG(memnet_count(p.net, r, ISAKMP_EV_REPLAY_REJECTED) == before + 1,
                  "message %u replayed: not rejected as a replay", k);
        CHECK_INT(memnet_sent_count(p.net), sent);
    }
    struct isakmp_stats sa, sb;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sa.replays + sb.replays, N_MSGS);
    CHECK_INT(sa.phase1_sas + sb.phase1_sas, 2);
    CHECK_INT(sa.phase2_sas + sb.phase2_sas, 2);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    pair_free(&p);
}

/* ---- forged Quick Mode messages (the test knows the phase-1 keys) ------------ */

/* Step until `count` datagrams have been sent. */
static bool run_until_sent(struct pair *p, size_t count)
{
    while (memnet_sent_count(p->net) < count)
        if (!memnet_step(p->net, memnet_now(p->net) + 10 * SEC))
            return false;
    return true;
}

/* Decrypt QM message 1 (datagram 7) in place of a copy; iv gets its IV. */
static bool open_qm1(struct pair *p, uint8_t *msg, size_t *len, uint8_t *key, size_t *key_len,
                     uint8_t *iv)
{
    struct isakmp_phase1_keys k;
    if (!isakmp_engine_phase1_keys(memnet_engine(p->net, p->a), pair_sa(p, p->a, 1), &k))
        return false;
    const struct memnet_packet *mm6 = memnet_sent(p->net, 6), *qm1 = memnet_sent(p->net, 7);
    if (!mm6 || !qm1 || qm1->len > 4096)
        return false;
    memcpy(msg, qm1->bytes, qm1->len);
    *len = qm1->len;
    memcpy(key, k.enc_key, k.enc_key_len);
    *key_len = k.enc_key_len;
    /* IV = hash(last block of Main Mode message 6 | M-ID). */
    if (isakmp_ks_phase2_iv(ISAKMP_HASH_SHA1, mm6->bytes + mm6->len - 16, 16, msg + 20, iv) != 0)
        return false;
    uint8_t ivc[16];
    memcpy(ivc, iv, 16);
    return isakmp_cbc_decrypt(ISAKMP_ENC_AES_CBC, key, *key_len, ivc, 16, msg + 28, msg + 28,
                              *len - 28) == 0;
}

static void forged_qm(bool bad_hash)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "s3cret", "s3cret"));
    memnet_drop(p.net, 7);                         /* the genuine QM message 1 */
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    REQUIRE(run_until_sent(&p, 7));
    uint8_t msg[4096], key[64], iv[16];
    size_t len, key_len;
    REQUIRE(open_qm1(&p, msg, &len, key, &key_len, iv));
    CHECK_INT(msg[28], 1);                         /* HASH is followed by SA */
    if (bad_hash) {
        msg[28 + 4] ^= 0x01;                       /* first byte of HASH(1) */
    } else {
        memset(iv, 0x5a, sizeof iv);               /* a wrong IV chain */
    }
    REQUIRE(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, key, key_len, iv, 16, msg + 28, msg + 28,
                               len - 28) == 0);
    struct isakmp_stats before, after;
    isakmp_engine_stats(memnet_engine(p.net, p.b), &before);
    size_t mem = isakmp_engine_memory(memnet_engine(p.net, p.b));
    const struct memnet_packet *orig = memnet_sent(p.net, 7);
    struct isakmp_addr from = orig->from, to = orig->to;
    memnet_inject(p.net, msg, len, &from, &to);
    isakmp_engine_stats(memnet_engine(p.net, p.b), &after);
    CHECK_INT(after.rejected, before.rejected + 1);
    if (bad_hash)
        CHECK_INT(after.bad_hash, before.bad_hash + 1);
    else
        CHECK_INT(after.bad_hash + after.decrypt_errors, before.bad_hash + before.decrypt_errors + 1);
    CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, p.b)), mem);     /* no state kept */
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);
    /* The genuine retransmission then succeeds. */
    memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
    expect_success(&p);
    pair_free(&p);
}

static void qm_bad_hash_dropped(void) { forged_qm(true); }
static void qm_bad_iv_dropped(void) { forged_qm(false); }

static void notify_rate_limited(void)
{
    struct pair p;
    pair_setup(&p, 2, 0, "k", "k");
    p.p1b = memnet_p1(14);                         /* B accepts nothing A offers */
    p.cb.defence.notify_per_second = 3;
    REQUIRE(pair_start(&p));
    for (int i = 0; i < 10; i++)
        REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 20 * MS);
    struct isakmp_stats sb;
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_NOTIFY_SENT), 3);
    CHECK_INT(sb.notify_rate_limited, 7);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED), 3);
    const struct isakmp_event *f = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(f);
    CHECK_INT(f->u.exchange.notify, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK_INT(sb.half_open, 0);
    pair_free(&p);
}

int main(void)
{
    RUN(drop_each);
    RUN(drop_each_stateless);
    RUN(duplicate_each);
    RUN(replay_each_after_completion);
    RUN(qm_bad_hash_dropped);
    RUN(qm_bad_iv_dropped);
    RUN(notify_rate_limited);
    return check_summary();
}
