/* Event emission, randomness and handles: the engine's only ways out. */
#include "isakmp/framework.h"
#include "isakmp/cost.h"

#include <string.h>

void fw_event(struct isakmp_engine *e, struct isakmp_event *ev)
{
    ev->now = e->now;
    if (e->cb.event)
        e->cb.event(e->user, ev);
}

uint64_t fw_cost(const struct isakmp_engine *e, int kind)
{
    return isakmp_cost_lookup(e->cfg.cost, (enum isakmp_cost_kind)kind, 0, 0);
}

uint64_t fw_cpu_now(struct isakmp_engine *e)
{
    return e->cb.cpu_clock ? e->cb.cpu_clock(e->user) : 0;
}

void fw_event_crypto(struct isakmp_engine *e, enum isakmp_crypto_op op,
                     uint16_t group, uint64_t virtual_ns, uint64_t cpu_ns)
{
    fw_event_crypto_dh(e, op, group, 0, ISAKMP_CRYPTO_EXP_NONE, virtual_ns, cpu_ns);
}

void fw_event_crypto_dh(struct isakmp_engine *e, enum isakmp_crypto_op op, uint16_t group,
                        uint32_t bits, uint8_t exp_policy, uint64_t virtual_ns, uint64_t cpu_ns)
{
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_CRYPTO;
    ev.u.crypto.op = op;
    ev.u.crypto.group = group;
    ev.u.crypto.bits = bits;
    ev.u.crypto.exp_policy = exp_policy;
    ev.u.crypto.virtual_ns = virtual_ns;
    ev.u.crypto.cpu_ns = cpu_ns;
    e->cost += virtual_ns;
    fw_event(e, &ev);
}

void fw_event_reject(struct isakmp_engine *e, enum isakmp_reject_reason r,
                     uint8_t xchg, size_t size, const struct isakmp_addr *from)
{
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_MESSAGE_REJECTED;
    if (from)
        ev.peer = *from;
    ev.u.reject.reason = r;
    ev.u.reject.exchange_type = xchg;
    ev.u.reject.size = size;
    e->stats.rejected++;
    if (r == ISAKMP_REJECT_BAD_HASH) e->stats.bad_hash++;
    if (r == ISAKMP_REJECT_BAD_COOKIE) e->stats.bad_cookie++;
    if (r == ISAKMP_REJECT_DECRYPT) e->stats.decrypt_errors++;
    fw_event(e, &ev);
}

void fw_random(struct isakmp_engine *e, uint8_t *buf, size_t len)
{
    e->cb.random(e->user, buf, len);
}

isakmp_handle fw_new_handle(struct isakmp_engine *e)
{
    if (++e->next_handle == 0)
        ++e->next_handle;
    return e->next_handle;
}

struct isakmp_addr isakmp_addr_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    struct isakmp_addr x;
    memset(&x, 0, sizeof x);
    x.family = 4;
    x.addr[0] = a; x.addr[1] = b; x.addr[2] = c; x.addr[3] = d;
    x.port = port;
    return x;
}

bool isakmp_addr_equal(const struct isakmp_addr *x, const struct isakmp_addr *y)
{
    size_t n = x->family == 6 ? 16 : 4;
    return x->family == y->family && x->port == y->port && memcmp(x->addr, y->addr, n) == 0;
}

const char *isakmp_event_name(enum isakmp_event_type t)
{
    static const char *const names[] = {
        [ISAKMP_EV_EXCHANGE_STARTED] = "exchange-started",
        [ISAKMP_EV_MESSAGE_SENT] = "message-sent",
        [ISAKMP_EV_MESSAGE_RECEIVED] = "message-received",
        [ISAKMP_EV_DUPLICATE] = "duplicate",
        [ISAKMP_EV_REPLAY_REJECTED] = "replay-rejected",
        [ISAKMP_EV_MESSAGE_REJECTED] = "message-rejected",
        [ISAKMP_EV_EXCHANGE_COMPLETED] = "exchange-completed",
        [ISAKMP_EV_EXCHANGE_FAILED] = "exchange-failed",
        [ISAKMP_EV_SA_ESTABLISHED] = "sa-established",
        [ISAKMP_EV_SA_EXPIRED] = "sa-expired",
        [ISAKMP_EV_SA_DELETED] = "sa-deleted",
        [ISAKMP_EV_SA_REKEY_DUE] = "sa-rekey-due",
        [ISAKMP_EV_CRYPTO] = "crypto",
        [ISAKMP_EV_NOTIFY_SENT] = "notify-sent",
        [ISAKMP_EV_NOTIFY_RECEIVED] = "notify-received",
        [ISAKMP_EV_DELETE_SENT] = "delete-sent",
        [ISAKMP_EV_DELETE_RECEIVED] = "delete-received",
        [ISAKMP_EV_DEFENCE] = "defence",
        [ISAKMP_EV_NAT_DETECTED] = "nat-detected",
        [ISAKMP_EV_NAT_ADDRESS_CHANGED] = "nat-address-changed",
        [ISAKMP_EV_PLAINTEXT] = "plaintext",
    };
    if ((size_t)t < sizeof names / sizeof names[0] && names[t])
        return names[t];
    return "?";
}


const char *isakmp_fail_name(enum isakmp_fail_reason r)
{
    static const char *const names[] = {
        "none", "timeout", "no-proposal", "authentication", "bad-ke",
        "no-credential", "peer-notify", "malformed", "deleted", "local", "identity",
        "cert-invalid", "cert-untrusted", "cert-expired", "cert-identity", "cert-type",
        "cert-missing",
    };
    return (size_t)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

const char *isakmp_reject_name(enum isakmp_reject_reason r)
{
    static const char *const names[] = {
        "?", "malformed", "unknown-sa", "bad-cookie", "decrypt", "bad-hash",
        "unexpected", "unsupported", "limit", "rate-limited",
    };
    return (size_t)r < sizeof names / sizeof names[0] ? names[r] : "?";
}
