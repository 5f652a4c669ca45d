/* `isakmp peer`: what the peer does besides pumping datagrams - start
 * exchanges, keep the table of established SAs, renew SAs that are due,
 * delete everything on shutdown, obey control commands. */
#include "peer_state.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t peer_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void peer_log(struct peer_state *s, const char *fmt, ...)
{
    uint64_t t = peer_now() - s->t0;
    fprintf(s->log, "%4llu.%03llu ", (unsigned long long)(t / 1000000000ull),
            (unsigned long long)(t / 1000000ull % 1000));
    va_list ap;
    va_start(ap, fmt);
    vfprintf(s->log, fmt, ap);
    va_end(ap);
    fputc('\n', s->log);
    fflush(s->log);
}

static struct isakmp_policy policy_for(const struct peer_state *s, const struct peer_def *p)
{
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = s->cfg->local;
    pol.peer = p->addr;
    pol.exchange_type = p->exchange_type;
    pol.p1 = p->p1;
    pol.n_p1 = p->n_p1;
    pol.peer_id = p->peer_id;
    pol.p2 = p->p2;
    pol.n_p2 = p->n_p2;
    pol.client_local = p->client_local;
    pol.client_peer = p->client_peer;
    return pol;
}

isakmp_handle peer_initiate(struct peer_state *s, struct peer_def *p)
{
    struct isakmp_policy pol = policy_for(s, p);
    isakmp_handle h = isakmp_engine_initiate(s->engine, peer_now(), &pol);
    if (h) peer_log(s, "initiate name=%s handle=%u", p->name, h);
    else peer_log(s, "initiate name=%s failed (engine refused the policy)", p->name);
    peer_process_pending(s);
    return h;
}

/* The newest SA of `phase` with peer p. */
static struct peer_sa *newest(struct peer_state *s, const struct peer_def *p, uint8_t phase)
{
    struct peer_sa *best = NULL;
    for (size_t i = 0; i < s->n_sas; i++)
        if (s->sas[i].phase == phase && s->sas[i].peer == p &&
            (!best || s->sas[i].handle > best->handle))
            best = &s->sas[i];
    return best;
}

static isakmp_handle quick_under(struct peer_state *s, struct peer_def *p, isakmp_handle phase1)
{
    struct isakmp_policy pol = policy_for(s, p);
    if (pol.n_p2 == 0) {
        peer_log(s, "quick name=%s: the peer has no esp proposals", p->name);
        return 0;
    }
    isakmp_handle h = isakmp_engine_quick_mode(s->engine, peer_now(), phase1, &pol);
    if (h) peer_log(s, "quick name=%s phase1=%u handle=%u", p->name, phase1, h);
    else peer_log(s, "quick name=%s phase1=%u failed (engine refused)", p->name, phase1);
    peer_process_pending(s);
    return h;
}

isakmp_handle peer_quick(struct peer_state *s, struct peer_def *p)
{
    struct peer_sa *sa = newest(s, p, 1);
    if (!sa) {
        peer_log(s, "quick name=%s: no established phase-1 SA", p->name);
        return 0;
    }
    return quick_under(s, p, sa->handle);
}

static struct peer_sa *find_sa(struct peer_state *s, isakmp_handle h)
{
    for (size_t i = 0; i < s->n_sas; i++)
        if (s->sas[i].handle == h) return &s->sas[i];
    return NULL;
}

static void forget_sa(struct peer_state *s, isakmp_handle h)
{
    for (size_t i = 0; i < s->n_sas; i++)
        if (s->sas[i].handle == h) {
            s->sas[i] = s->sas[--s->n_sas];
            return;
        }
}

static void delete_sa(struct peer_state *s, isakmp_handle h)
{
    if (!isakmp_engine_delete(s->engine, peer_now(), h))
        peer_log(s, "delete handle=%u: unknown to the engine", h);
    peer_process_pending(s);
    forget_sa(s, h);     /* also when the engine emitted no event */
}

void peer_delete_all(struct peer_state *s)
{
    for (int phase = 2; phase >= 1; phase--) {
        size_t i = 0;
        while (i < s->n_sas) {
            if (s->sas[i].phase == phase) {
                size_t before = s->n_sas;
                delete_sa(s, s->sas[i].handle);
                if (s->n_sas < before) continue;   /* the table moved: look at i again */
            }
            i++;
        }
    }
}

/* REKEY_DUE for an SA we started: start its replacement once. */
static void rekey(struct peer_state *s, const struct isakmp_event *ev)
{
    struct peer_sa *sa = find_sa(s, ev->handle);
    if (!sa || !sa->initiator || sa->rekeyed || !sa->peer || !sa->peer->rekey) return;
    sa->rekeyed = true;
    struct peer_def *p = sa->peer;
    if (sa->phase == 2) {
        peer_log(s, "rekey phase=2 handle=%u name=%s", sa->handle, p->name);
        struct peer_sa *p1 = find_sa(s, sa->phase1);
        quick_under(s, p, p1 ? p1->handle : sa->phase1);
    } else {
        peer_log(s, "rekey phase=1 handle=%u name=%s", sa->handle, p->name);
        struct isakmp_policy pol = policy_for(s, p);
        pol.n_p2 = 0;     /* the IPsec SAs are renewed on their own schedule */
        isakmp_handle h = isakmp_engine_initiate(s->engine, peer_now(), &pol);
        peer_log(s, "initiate name=%s handle=%u (rekey of %u)", p->name, h, sa->handle);
    }
}

void peer_process_pending(struct peer_state *s)
{
    /* Acting on one event may queue more: take them one at a time. */
    size_t guard = 0;
    while (s->n_pending > 0 && guard++ < 4 * PEER_MAX_PENDING) {
        struct isakmp_event ev = s->pending[0];
        memmove(&s->pending[0], &s->pending[1], (s->n_pending - 1) * sizeof s->pending[0]);
        s->n_pending--;
        struct peer_def *p = peer_config_by_addr(s->cfg, &ev.peer);
        switch (ev.type) {
        case ISAKMP_EV_SA_ESTABLISHED:
            if (s->n_sas < PEER_MAX_SAS) {
                struct peer_sa *sa = &s->sas[s->n_sas++];
                memset(sa, 0, sizeof *sa);
                sa->handle = ev.handle;
                sa->phase = ev.u.sa.phase;
                sa->phase1 = ev.u.sa.phase1;
                sa->peer = p;
                sa->initiator = ev.u.sa.initiator;
            } else {
                peer_log(s, "warning: more than %d SAs, handle %u not tracked", PEER_MAX_SAS,
                         ev.handle);
            }
            peer_report_established(&s->out, s->engine, &ev, p ? p->name : NULL, &s->cfg->local);
            break;
        case ISAKMP_EV_SA_DELETED:
        case ISAKMP_EV_SA_EXPIRED:
            forget_sa(s, ev.handle);
            peer_report_gone(&s->out, &ev, p ? p->name : NULL);
            break;
        case ISAKMP_EV_SA_REKEY_DUE:
            rekey(s, &ev);
            break;
        default:
            break;
        }
    }
}

static void status(struct peer_state *s)
{
    struct isakmp_stats st;
    isakmp_engine_stats(s->engine, &st);
    peer_log(s, "status sas=%zu phase1=%u phase2=%u half_open=%u rx=%llu tx=%llu retransmits=%llu "
             "rejected=%llu exchanges_ok=%llu exchanges_failed=%llu memory=%zu",
             s->n_sas, st.phase1_sas, st.phase2_sas, st.half_open, (unsigned long long)st.rx,
             (unsigned long long)st.tx, (unsigned long long)st.retransmits,
             (unsigned long long)st.rejected, (unsigned long long)st.exchanges_ok,
             (unsigned long long)st.exchanges_failed, isakmp_engine_memory(s->engine));
    for (size_t i = 0; i < s->n_sas; i++)
        peer_log(s, "status sa handle=%u phase=%u phase1=%u name=%s initiator=%d", s->sas[i].handle,
                 s->sas[i].phase, s->sas[i].phase1, s->sas[i].peer ? s->sas[i].peer->name : "-",
                 s->sas[i].initiator);
}

void peer_control_line(struct peer_state *s, char *line)
{
    char *save = NULL;
    char *cmd = strtok_r(line, " \t\r\n", &save);
    char *arg = cmd ? strtok_r(NULL, " \t\r\n", &save) : NULL;
    if (!cmd || cmd[0] == '#') return;
    peer_log(s, "control %s%s%s", cmd, arg ? " " : "", arg ? arg : "");
    struct peer_def *p = arg ? peer_config_find(s->cfg, arg) : NULL;
    bool needs_peer = strcmp(cmd, "initiate") == 0 || strcmp(cmd, "quick") == 0 ||
                      strcmp(cmd, "delete-ike") == 0 || strcmp(cmd, "delete-esp") == 0;
    if (needs_peer && !p) {
        peer_log(s, "control: %s needs a configured peer name (got %s)", cmd, arg ? arg : "none");
        return;
    }
    if (strcmp(cmd, "initiate") == 0) {
        peer_initiate(s, p);
    } else if (strcmp(cmd, "quick") == 0) {
        peer_quick(s, p);
    } else if (strcmp(cmd, "delete-ike") == 0 || strcmp(cmd, "delete-esp") == 0) {
        struct peer_sa *sa = newest(s, p, cmd[7] == 'i' ? 1 : 2);
        if (sa) delete_sa(s, sa->handle);
        else peer_log(s, "control: no established %s SA with %s", cmd + 7, p->name);
    } else if (strcmp(cmd, "delete") == 0) {
        char *end;
        unsigned long h = arg ? strtoul(arg, &end, 10) : 0;
        if (!arg || *end || h == 0 || h > UINT32_MAX) peer_log(s, "control: delete needs a handle");
        else delete_sa(s, (isakmp_handle)h);
    } else if (strcmp(cmd, "status") == 0) {
        status(s);
    } else if (strcmp(cmd, "quit") == 0) {
        s->stop = true;
    } else {
        peer_log(s, "control: unknown command \"%s\" (initiate, quick, delete-ike, delete-esp, "
                 "delete, status, quit)", cmd);
    }
}
