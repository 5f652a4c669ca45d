/* Every message the engine writes passes the wire codec's strict RFC 2408
 * §5 checks (lengths, RESERVED fields, proposal and transform numbering,
 * attribute encodings): clear ones as they are, encrypted ones after
 * decryption with the keys the engine reports, IVs chained as RFC 2409
 * Appendix B says.  Covers Main and Aggressive Mode, Quick Mode with PFS,
 * client identities, an AH+ESP bundle and the commit bit, Informational
 * Notify and Delete. */
#include "lib/check.h"
#include "lib/pair.h"
#include "isakmp/wire.h"
#include "isakmp/cipher.h"

#include <nettle/sha1.h>
#include <stdlib.h>
#include <string.h>

static struct isakmp_message msg;       /* large: off the stack */

static void sha1(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t out[20])
{
    struct sha1_ctx h;
    sha1_init(&h);
    sha1_update(&h, al, a);
    sha1_update(&h, bl, b);
    sha1_digest(&h, 20, out);
}

/* Body of the first KE payload of a clear message. */
static const uint8_t *ke_of(const struct memnet_packet *p, size_t *len)
{
    if (isakmp_decode(p->bytes, p->len, 0, &msg) != 0)
        return NULL;
    const struct isakmp_payload *ke = isakmp_msg_find(&msg, ISAKMP_PL_KE, 0);
    if (!ke)
        return NULL;
    *len = ke->u.data.len;
    return ke->u.data.p;
}

/* Decode every datagram; decrypt the encrypted ones. AES-128/SHA-1. */
static void check_all(struct pair *p, uint8_t xchg, const struct isakmp_phase1_keys *kp)
{
    struct isakmp_phase1_keys k = *kp;
    size_t n = memnet_sent_count(p->net);
    /* Phase-1 IV = hash(g^xi | g^xr): the KE payloads of messages 3 and 4
     * (Main) or 1 and 2 (Aggressive). */
    unsigned ki = xchg == ISAKMP_XCHG_IDPROT ? 3 : 1;
    size_t li, lr;
    const uint8_t *gi = ke_of(memnet_sent(p->net, ki), &li);
    REQUIRE(gi);
    uint8_t gxi[1024];
    memcpy(gxi, gi, li);
    const uint8_t *gr = ke_of(memnet_sent(p->net, ki + 1), &lr);
    REQUIRE(gr);
    uint8_t h[20], p1_last[16];
    sha1(gxi, li, gr, lr, h);
    memcpy(p1_last, h, 16);
    /* IVs of the exchanges by message ID (phase 2 chains per M-ID). */
    struct { uint32_t id; uint8_t iv[16]; } ivs[32];
    size_t n_ivs = 0;
    unsigned encrypted = 0, clear = 0;
    for (unsigned s = 1; s <= n; s++) {
        const struct memnet_packet *pk = memnet_sent(p->net, s);
        uint8_t buf[4096];
        REQUIRE(pk->len <= sizeof buf);
        memcpy(buf, pk->bytes, pk->len);
        int r = isakmp_decode(buf, pk->len, 0, &msg);
        CHECK_MSG(r == 0, "datagram %u: %s (%s)", s, isakmp_wire_status_name(r), msg.err.what);
        if (r != 0 || !msg.encrypted) {
            clear++;
            continue;
        }
        uint32_t id = msg.hdr.msgid;
        uint8_t *iv = NULL;
        if (id == 0) {
            iv = p1_last;
        } else {
            for (size_t i = 0; i < n_ivs; i++)
                if (ivs[i].id == id)
                    iv = ivs[i].iv;
            if (!iv) {
                REQUIRE(n_ivs < 32);
                ivs[n_ivs].id = id;
                uint8_t mid[4] = { (uint8_t)(id >> 24), (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id };
                sha1(p1_last, 16, mid, 4, h);
                memcpy(ivs[n_ivs].iv, h, 16);
                iv = ivs[n_ivs++].iv;
            }
        }
        size_t blen = pk->len - 28;
        uint8_t next[16];
        memcpy(next, buf + pk->len - 16, 16);
        REQUIRE(isakmp_cbc_decrypt(ISAKMP_ENC_AES_CBC, k.enc_key, k.enc_key_len, iv, 16,
                                   buf + 28, buf + 28, blen) == 0);
        /* CBC chaining: the next message of this M-ID starts from the
         * last ciphertext block (phase 1 and Quick Mode alike). */
        memcpy(iv, next, 16);
        r = isakmp_decode_payloads(msg.hdr.next_payload, buf + 28, blen, 0, &msg);
        CHECK_MSG(r == 0, "datagram %u (exchange %u, decrypted): %s (%s)", s, msg.hdr.exchange,
                  isakmp_wire_status_name(r), msg.err.what);
        CHECK_MSG(msg.padding < 16, "datagram %u: %zu padding bytes", s, msg.padding);
        encrypted++;
    }
    CHECK(encrypted >= 3);
    CHECK(clear >= 3);
}

static void main_and_quick(void)
{
    struct pair p;
    pair_setup(&p, 14, 14, "k", "k");
    p.ca.initial_contact = true;
    struct isakmp_p2_proposal bundle = memnet_p2_esp(14);
    bundle.n_protocols = 2;
    bundle.protocols[1] = bundle.protocols[0];
    memset(&bundle.protocols[0], 0, sizeof bundle.protocols[0]);
    bundle.protocols[0].protocol = ISAKMP_PROTO_AH;
    bundle.protocols[0].transform = ISAKMP_AH_SHA;
    bundle.protocols[0].auth = ISAKMP_AALG_HMAC_SHA;
    bundle.protocols[0].encap = ISAKMP_ENCAP_TUNNEL;
    struct isakmp_p2_proposal offer[2] = { p.p2a, bundle };
    struct isakmp_p2_proposal accept[1] = { bundle };
    p.cb.p2 = accept;
    p.cb.n_p2 = 1;
    p.cb.max_p2_life_seconds = 600;          /* RESPONDER-LIFETIME in QM 2 */
    REQUIRE(pair_start(&p));
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = memnet_addr(p.net, p.a);
    pol.peer = memnet_addr(p.net, p.b);
    pol.p2 = offer;
    pol.n_p2 = 2;
    pol.commit = true;
    pol.client_local.type = ISAKMP_ID_IPV4_ADDR_SUBNET;
    memcpy(pol.client_local.data, "\x0a\x01\x00\x00\xff\xff\xff\x00", 8);
    pol.client_local.len = 8;
    pol.client_peer.type = ISAKMP_ID_IPV4_ADDR;
    memcpy(pol.client_peer.data, "\x0a\x02\x00\x07", 4);
    pol.client_peer.len = 4;
    pol.client_peer.protocol = 17;
    pol.client_peer.port = 53;
    REQUIRE(isakmp_engine_initiate(memnet_engine(p.net, p.a), memnet_now(p.net), &pol));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    REQUIRE(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED) == 2);
    /* Informational: a Notify and the Deletes. */
    const uint8_t seq[4] = { 0, 0, 0, 1 };
    REQUIRE(isakmp_engine_notify(memnet_engine(p.net, p.a), memnet_now(p.net), pair_sa(&p, p.a, 1),
                                 ISAKMP_N_DPD_R_U_THERE, seq, 4));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    struct isakmp_phase1_keys k;
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p.net, p.a), pair_sa(&p, p.a, 1), &k));
    REQUIRE(isakmp_engine_delete(memnet_engine(p.net, p.a), memnet_now(p.net), pair_sa(&p, p.a, 1)));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    CHECK_INT(memnet_sent_count(p.net), 6 + 4 + 2 + 3);
    check_all(&p, ISAKMP_XCHG_IDPROT, &k);
    pair_free(&p);
}

static void aggressive(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 2, 0, "k", "k"));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_AGGRESSIVE, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    REQUIRE(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED) == 2);
    struct isakmp_phase1_keys k;
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p.net, p.a), pair_sa(&p, p.a, 1), &k));
    check_all(&p, ISAKMP_XCHG_AGGRESSIVE, &k);
    pair_free(&p);
}

static void clear_notify(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "k", "k");
    p.p1b.group = 2;                            /* NO-PROPOSAL-CHOSEN, in the clear */
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    REQUIRE(memnet_sent_count(p.net) == 2);
    const struct memnet_packet *pk = memnet_sent(p.net, 2);
    CHECK_INT(isakmp_decode(pk->bytes, pk->len, 0, &msg), 0);
    const struct isakmp_payload *n = isakmp_msg_find(&msg, ISAKMP_PL_N, 0);
    REQUIRE(n);
    CHECK_INT(n->u.notify.type, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK_INT(n->u.notify.doi, ISAKMP_DOI_IPSEC);
    pair_free(&p);
}

int main(void)
{
    RUN(main_and_quick);
    RUN(aggressive);
    RUN(clear_notify);
    return check_summary();
}
