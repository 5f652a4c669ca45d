/* Log lines, SA file and exports of `isakmp peer` (see peer_report.h). */
#include "peer_report.h"

#include <stdarg.h>
#include <string.h>

#include "isakmp/natt.h"
#include "isakmp/registry.h"
#include "isakmp/secmem.h"
#include "peer_proposal.h"

const char *peer_addr_str(const struct isakmp_addr *a, char *buf, size_t size)
{
    if (a->family == 4)
        snprintf(buf, size, "%u.%u.%u.%u:%u", a->addr[0], a->addr[1], a->addr[2], a->addr[3],
                 a->port);
    else if (a->family == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "ipv6:%u", a->port);
    return buf;
}

/* Address without the port, for xfrm/setkey. */
static const char *ip_str(const struct isakmp_addr *a, char *buf, size_t size)
{
    snprintf(buf, size, "%u.%u.%u.%u", a->addr[0], a->addr[1], a->addr[2], a->addr[3]);
    return buf;
}

void peer_hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = 0;
}

/* Append to a bounded string. */
struct sb {
    char *buf;
    size_t size, len;
};

static void sb_add(struct sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sb *s, const char *fmt, ...)
{
    if (s->len >= s->size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->buf + s->len, s->size - s->len, fmt, ap);
    va_end(ap);
    if (n > 0) s->len += (size_t)n;
    if (s->len >= s->size) s->len = s->size - 1;
}

static const char *xchg_short(uint8_t x)
{
    switch (x) {
    case ISAKMP_XCHG_IDPROT: return "main";
    case ISAKMP_XCHG_AGGRESSIVE: return "aggressive";
    case ISAKMP_XCHG_QUICK: return "quick";
    case ISAKMP_XCHG_INFO: return "info";
    default: return isakmp_exchange_name(x);
    }
}

static const char *proto_short(uint8_t p)
{
    switch (p) {
    case ISAKMP_PROTO_ISAKMP: return "isakmp";
    case ISAKMP_PROTO_AH: return "ah";
    case ISAKMP_PROTO_ESP: return "esp";
    case ISAKMP_PROTO_IPCOMP: return "ipcomp";
    default: return "?";
    }
}

static const char *end_name(enum isakmp_sa_end e)
{
    switch (e) {
    case ISAKMP_END_LOCAL: return "local";
    case ISAKMP_END_PEER: return "peer";
    case ISAKMP_END_LIFETIME: return "lifetime";
    case ISAKMP_END_ENGINE_FREE: return "shutdown";
    case ISAKMP_END_DPD: return "dpd";
    case ISAKMP_END_KILOBYTES: return "kilobytes";
    default: return "?";
    }
}

static const char *crypto_name(enum isakmp_crypto_op op)
{
    static const char *const n[] = {"?", "dh-keygen", "dh-shared", "prf", "cipher", "rsa-sign",
                                    "rsa-verify", "rsa-encrypt", "rsa-decrypt", "cookie"};
    return (size_t)op < sizeof n / sizeof n[0] ? n[op] : "?";
}

static const char *defence_name(enum isakmp_defence_action a)
{
    static const char *const n[] = {"?", "cookie-bad", "half-open-global", "half-open-source",
                                    "stateless-reply", "secret-rotated", "memory-limit"};
    return (size_t)a < sizeof n / sizeof n[0] ? n[a] : "?";
}

/* Encapsulation mode names (RFC 2407 §4.5, RFC 3947 §5.1 and its drafts). */
static const char *encap_name(uint16_t m)
{
    switch (m) {
    case ISAKMP_ENCAP_TUNNEL: return "tunnel";
    case ISAKMP_ENCAP_TRANSPORT: return "transport";
    case ISAKMP_ENCAP_UDP_TUNNEL: return "udp-tunnel";
    case ISAKMP_ENCAP_UDP_TRANSPORT: return "udp-transport";
    case ISAKMP_ENCAP_UDP_TUNNEL_DRAFT: return "udp-tunnel-draft";
    case ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT: return "udp-transport-draft";
    default: return "none";
    }
}

static bool is_transport(uint16_t m)
{
    return m == ISAKMP_ENCAP_TRANSPORT || m == ISAKMP_ENCAP_UDP_TRANSPORT ||
           m == ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT;
}

/* NAT traversal of an SA: the dialect, what NAT-D showed, and (ESP in
 * UDP) the ports of the encapsulation. */
static void natt_fields(struct sb *s, const struct isakmp_event *ev)
{
    sb_add(s, " nat_t=%s", isakmp_natt_variant_name(ev->u.sa.natt));
    if (!ev->u.sa.natt) return;
    sb_add(s, " nat_local=%d nat_peer=%d nat_forced=%d", ev->u.sa.nat_local, ev->u.sa.nat_peer,
           ev->u.sa.nat_forced);
    if (ev->u.sa.phase == 2)
        sb_add(s, " udp_encap=%d", ev->u.sa.udp_encap);
    if (ev->u.sa.local.family)
        sb_add(s, " sport=%u dport=%u", ev->u.sa.local.port, ev->peer.port);
}

/* The algorithm part shared by the log line and the SA file. */
static void sa_fields(struct sb *s, const struct isakmp_event *ev)
{
    char h1[17], h2[17];
    if (ev->u.sa.phase == 1) {
        const struct isakmp_p1_transform *t = &ev->u.sa.p1;
        peer_hex(ev->u.sa.cky_i, 8, h1);
        peer_hex(ev->u.sa.cky_r, 8, h2);
        sb_add(s, " mode=%s cky_i=%s cky_r=%s cipher=%s hash=%s group=%s auth=%s life=%u",
               xchg_short(ev->u.sa.exchange_type), h1, h2, peer_p1_cipher_name(t->cipher, t->key_bits),
               peer_p1_hash_name(t->hash), peer_group_name(t->group), peer_auth_method_name(t->auth),
               t->life_seconds);
        natt_fields(s, ev);
        return;
    }
    sb_add(s, " phase1=%u", ev->u.sa.phase1);
    for (unsigned i = 0; i < ev->u.sa.n_protocols && i < ISAKMP_P2_MAX_PROTOCOLS; i++) {
        const struct isakmp_p2_protocol *p = &ev->u.sa.protocols[i].alg;
        const char *pre = i == 0 ? "" : (i == 1 ? "2_" : "3_");
        sb_add(s, " %sproto=%s %sspi_in=%08x %sspi_out=%08x", pre, proto_short(p->protocol), pre,
               ev->u.sa.protocols[i].spi_in, pre, ev->u.sa.protocols[i].spi_out);
        if (p->protocol == ISAKMP_PROTO_ESP)
            sb_add(s, " %scipher=%s", pre, peer_esp_name(p->transform, p->key_bits));
        else
            sb_add(s, " %stransform=%u", pre, p->transform);
        sb_add(s, " %sinteg=%s %sencap=%s", pre, peer_esp_auth_name(p->auth), pre,
               encap_name(p->encap));
    }
    sb_add(s, " pfs=%s life=%u", peer_group_name(ev->u.sa.pfs_group), ev->u.sa.life_seconds);
    natt_fields(s, ev);
}

void peer_format_event(const struct isakmp_event *ev, const char *peer_name, char *buf, size_t size)
{
    struct sb s = {buf, size, 0};
    char a[64];
    buf[0] = 0;
    sb_add(&s, "%s handle=%u", isakmp_event_name(ev->type), ev->handle);
    if (ev->peer.family) sb_add(&s, " peer=%s", peer_addr_str(&ev->peer, a, sizeof a));
    if (peer_name) sb_add(&s, " name=%s", peer_name);
    switch (ev->type) {
    case ISAKMP_EV_EXCHANGE_STARTED:
    case ISAKMP_EV_EXCHANGE_COMPLETED:
    case ISAKMP_EV_EXCHANGE_FAILED:
        sb_add(&s, " xchg=%s initiator=%d", xchg_short(ev->u.exchange.exchange_type),
               ev->u.exchange.initiator);
        if (ev->u.exchange.phase1) sb_add(&s, " phase1=%u", ev->u.exchange.phase1);
        if (ev->type == ISAKMP_EV_EXCHANGE_FAILED)
            sb_add(&s, " reason=%s notify=%s", isakmp_fail_name(ev->u.exchange.reason),
                   ev->u.exchange.notify ? isakmp_notify_name(ev->u.exchange.notify) : "none");
        break;
    case ISAKMP_EV_MESSAGE_SENT:
    case ISAKMP_EV_MESSAGE_RECEIVED:
    case ISAKMP_EV_DUPLICATE:
    case ISAKMP_EV_REPLAY_REJECTED:
        sb_add(&s, " xchg=%s msg=%u mid=%08x size=%zu", xchg_short(ev->u.message.exchange_type),
               ev->u.message.number, ev->u.message.message_id, ev->u.message.size);
        if (ev->u.message.retransmission) sb_add(&s, " retransmission=1");
        break;
    case ISAKMP_EV_MESSAGE_REJECTED:
        sb_add(&s, " reason=%s xchg=%s size=%zu", isakmp_reject_name(ev->u.reject.reason),
               ev->u.reject.exchange_type ? xchg_short(ev->u.reject.exchange_type) : "-",
               ev->u.reject.size);
        break;
    case ISAKMP_EV_SA_ESTABLISHED:
    case ISAKMP_EV_SA_EXPIRED:
    case ISAKMP_EV_SA_DELETED:
    case ISAKMP_EV_SA_REKEY_DUE:
        sb_add(&s, " phase=%u initiator=%d", ev->u.sa.phase, ev->u.sa.initiator);
        if (ev->type == ISAKMP_EV_SA_EXPIRED || ev->type == ISAKMP_EV_SA_DELETED)
            sb_add(&s, " end=%s", end_name(ev->u.sa.end));
        sa_fields(&s, ev);
        break;
    case ISAKMP_EV_CRYPTO:
        sb_add(&s, " op=%s group=%u cpu_ns=%llu", crypto_name(ev->u.crypto.op), ev->u.crypto.group,
               (unsigned long long)ev->u.crypto.cpu_ns);
        break;
    case ISAKMP_EV_NOTIFY_SENT:
    case ISAKMP_EV_NOTIFY_RECEIVED:
    case ISAKMP_EV_DELETE_SENT:
    case ISAKMP_EV_DELETE_RECEIVED: {
        char spi[33];
        size_t n = ev->u.notify.spi_len <= 16 ? ev->u.notify.spi_len : 16;
        peer_hex(ev->u.notify.spi, n, spi);
        if (ev->type == ISAKMP_EV_NOTIFY_SENT || ev->type == ISAKMP_EV_NOTIFY_RECEIVED)
            sb_add(&s, " type=%s", isakmp_notify_name(ev->u.notify.type));
        sb_add(&s, " proto=%s protected=%d spi=%s", proto_short(ev->u.notify.protocol),
               ev->u.notify.protected_, n ? spi : "-");
        if (ev->type == ISAKMP_EV_DELETE_SENT || ev->type == ISAKMP_EV_DELETE_RECEIVED)
            sb_add(&s, " n_spis=%u", ev->u.notify.n_spis);
        break;
    }
    case ISAKMP_EV_DEFENCE:
        sb_add(&s, " action=%s half_open=%u", defence_name(ev->u.defence.action),
               ev->u.defence.half_open);
        break;
    case ISAKMP_EV_NAT_DETECTED:
    case ISAKMP_EV_NAT_ADDRESS_CHANGED:
        sb_add(&s, " nat_t=%s local_behind_nat=%d peer_behind_nat=%d forced=%d local=%s",
               isakmp_natt_variant_name(ev->u.natt.variant), ev->u.natt.local_behind,
               ev->u.natt.peer_behind, ev->u.natt.forced,
               peer_addr_str(&ev->u.natt.local, a, sizeof a));
        break;
    case ISAKMP_EV_PLAINTEXT:
        sb_add(&s, " %s xchg=%s mid=%08x size=%zu", ev->u.plain.sent ? "sent" : "received",
               xchg_short(ev->u.plain.exchange_type), ev->u.plain.message_id, ev->u.plain.len);
        break;
    }
}

static void hex_field(FILE *f, const char *name, const uint8_t *p, size_t n)
{
    char h[2 * ISAKMP_MAX_KEYMAT + 1];
    if (n > ISAKMP_MAX_KEYMAT) n = ISAKMP_MAX_KEYMAT;
    peer_hex(p, n, h);
    fprintf(f, " %s=%s", name, h);
    isakmp_wipe(h, sizeof h);
}

static void export_ipsec(const struct peer_outputs *o, const struct isakmp_event *ev,
                         const struct isakmp_phase2_keys *k, const struct isakmp_p2_protocol *alg,
                         const struct isakmp_addr *local)
{
    int ek = peer_esp_key_len(alg->transform, alg->key_bits);
    int ak = peer_esp_auth_key_len(alg->auth);
    if (alg->protocol != ISAKMP_PROTO_ESP || ek < 0 || ak < 0 || (size_t)(ek + ak) > k->keymat_len)
        return;
    unsigned trunc = 0;
    const char *xe = peer_xfrm_enc(alg->transform), *xa = peer_xfrm_auth(alg->auth, &trunc);
    const char *se = peer_setkey_enc(alg->transform), *sa = peer_setkey_auth(alg->auth);
    const char *mode = is_transport(alg->encap) ? "transport" : "tunnel";
    /* ESP in UDP (RFC 3948): the ports the ISAKMP SA floated to. */
    bool udp = ev->u.sa.udp_encap;
    if (ev->u.sa.local.family) local = &ev->u.sa.local;
    char me[32], them[32];
    ip_str(local, me, sizeof me);
    ip_str(&ev->peer, them, sizeof them);
    for (int dir = 0; dir < 2; dir++) {
        /* dir 0: inbound (peer -> us, our SPI), dir 1: outbound */
        const uint8_t *km = dir == 0 ? k->keymat_in : k->keymat_out;
        uint32_t spi = dir == 0 ? k->spi_in : k->spi_out;
        const char *src = dir == 0 ? them : me, *dst = dir == 0 ? me : them;
        char ekey[2 * ISAKMP_MAX_KEYMAT + 1], akey[2 * ISAKMP_MAX_KEYMAT + 1];
        peer_hex(km, (size_t)ek, ekey);
        peer_hex(km + ek, (size_t)ak, akey);
        if (o->xfrm && xe) {
            fprintf(o->xfrm, "ip xfrm state add src %s dst %s proto esp spi 0x%08x reqid %u mode %s"
                    " enc '%s' 0x%s", src, dst, spi, ev->handle, mode, xe, ek ? ekey : "");
            if (xa) fprintf(o->xfrm, " auth-trunc '%s' 0x%s %u", xa, akey, trunc);
            if (udp)
                fprintf(o->xfrm, " encap espinudp %u %u 0.0.0.0",
                        dir == 0 ? ev->peer.port : local->port, dir == 0 ? local->port : ev->peer.port);
            fprintf(o->xfrm, "\n");
            fflush(o->xfrm);
        }
        if (o->setkey && se) {
            if (udp)    /* setkey(8) add has no syntax for it: say so */
                fprintf(o->setkey, "# ESP in UDP (RFC 3948) sport %u dport %u: setkey cannot "
                        "express it, use the ip xfrm export\n",
                        dir == 0 ? ev->peer.port : local->port, dir == 0 ? local->port : ev->peer.port);
            fprintf(o->setkey, "add %s %s esp 0x%08x -m %s -E %s", src, dst, spi, mode, se);
            if (ek) fprintf(o->setkey, " 0x%s", ekey);
            if (sa) fprintf(o->setkey, " -A %s 0x%s", sa, akey);
            fprintf(o->setkey, ";\n");
            fflush(o->setkey);
        }
        isakmp_wipe(ekey, sizeof ekey);
        isakmp_wipe(akey, sizeof akey);
    }
}

void peer_report_established(const struct peer_outputs *o, const struct isakmp_engine *e,
                             const struct isakmp_event *ev, const char *peer_name,
                             const struct isakmp_addr *local)
{
    char a[64], line[1024];
    struct sb s = {line, sizeof line, 0};
    sb_add(&s, "sa=established phase=%u handle=%u peer=%s name=%s initiator=%d", ev->u.sa.phase,
           ev->handle, peer_addr_str(&ev->peer, a, sizeof a), peer_name ? peer_name : "-",
           ev->u.sa.initiator);
    sa_fields(&s, ev);
    if (ev->u.sa.phase == 1) {
        struct isakmp_phase1_keys k;
        bool have = isakmp_engine_phase1_keys(e, ev->handle, &k);
        if (o->sa_file) {
            fprintf(o->sa_file, "%s", line);
            if (o->show_keys && have) {
                size_t n = k.prf_len <= ISAKMP_MAX_KEY ? k.prf_len : ISAKMP_MAX_KEY;
                hex_field(o->sa_file, "skeyid", k.skeyid, n);
                hex_field(o->sa_file, "skeyid_d", k.skeyid_d, n);
                hex_field(o->sa_file, "skeyid_a", k.skeyid_a, n);
                hex_field(o->sa_file, "skeyid_e", k.skeyid_e, n);
                hex_field(o->sa_file, "enc_key", k.enc_key,
                          k.enc_key_len <= ISAKMP_MAX_KEY ? k.enc_key_len : ISAKMP_MAX_KEY);
            }
            fprintf(o->sa_file, "\n");
            fflush(o->sa_file);
        }
        if (o->decrypt_table) {
            char w[16 + 1 + 2 * ISAKMP_MAX_KEY + 1];
            if (isakmp_engine_wireshark_line(e, ev->handle, w, sizeof w)) {
                fprintf(o->decrypt_table, "%s\n", w);
                fflush(o->decrypt_table);
            }
            isakmp_wipe(w, sizeof w);
        }
        isakmp_wipe(&k, sizeof k);
        return;
    }
    if (o->sa_file) fprintf(o->sa_file, "%s", line);
    for (unsigned i = 0; i < ev->u.sa.n_protocols && i < ISAKMP_P2_MAX_PROTOCOLS; i++) {
        struct isakmp_phase2_keys k;
        if (!isakmp_engine_phase2_keys(e, ev->handle, i, &k)) continue;
        const struct isakmp_p2_protocol *alg = &ev->u.sa.protocols[i].alg;
        if (o->sa_file && o->show_keys) {
            const char *pre = i == 0 ? "" : (i == 1 ? "2_" : "3_");
            char name[32];
            int ek = peer_esp_key_len(alg->transform, alg->key_bits);
            int ak = peer_esp_auth_key_len(alg->auth);
            snprintf(name, sizeof name, "%skeymat_in", pre);
            hex_field(o->sa_file, name, k.keymat_in, k.keymat_len);
            snprintf(name, sizeof name, "%skeymat_out", pre);
            hex_field(o->sa_file, name, k.keymat_out, k.keymat_len);
            if (alg->protocol == ISAKMP_PROTO_ESP && ek >= 0 && ak >= 0 &&
                (size_t)(ek + ak) <= k.keymat_len) {
                snprintf(name, sizeof name, "%senc_key_in", pre);
                hex_field(o->sa_file, name, k.keymat_in, (size_t)ek);
                snprintf(name, sizeof name, "%sinteg_key_in", pre);
                hex_field(o->sa_file, name, k.keymat_in + ek, (size_t)ak);
                snprintf(name, sizeof name, "%senc_key_out", pre);
                hex_field(o->sa_file, name, k.keymat_out, (size_t)ek);
                snprintf(name, sizeof name, "%sinteg_key_out", pre);
                hex_field(o->sa_file, name, k.keymat_out + ek, (size_t)ak);
            }
        }
        export_ipsec(o, ev, &k, alg, local);
        isakmp_wipe(&k, sizeof k);
    }
    if (o->sa_file) {
        fprintf(o->sa_file, "\n");
        fflush(o->sa_file);
    }
}

void peer_report_gone(const struct peer_outputs *o, const struct isakmp_event *ev,
                      const char *peer_name)
{
    if (!o->sa_file) return;
    char a[64];
    fprintf(o->sa_file, "sa=%s phase=%u handle=%u peer=%s name=%s end=%s\n",
            ev->type == ISAKMP_EV_SA_EXPIRED ? "expired" : "deleted", ev->u.sa.phase, ev->handle,
            peer_addr_str(&ev->peer, a, sizeof a), peer_name ? peer_name : "-",
            end_name(ev->u.sa.end));
    fflush(o->sa_file);
}
