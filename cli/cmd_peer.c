/* isakmp peer: a real IKEv1 endpoint on UDP 500 around the sans-I/O
 * engine - sockets, the monotonic clock, getrandom(2), a poll loop on
 * the engine's next deadline, a control FIFO, and reports (log, SA file,
 * pcap, Wireshark decryption table, ip xfrm / setkey exports).
 * The configuration format is in doc/peer-config.md. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "isakmp/dissect.h"
#include "isakmp/wire.h"
#include "peer_state.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: isakmp peer [options] CONFIG\n"
        "\n"
        "Run one IKEv1 endpoint on UDP port 500 (and 4500 with NAT traversal) with\n"
        "the configuration file CONFIG (libconfig syntax, described in\n"
        "doc/peer-config.md).  It answers every\n"
        "configured peer, starts exchanges when told, logs one line per event, and\n"
        "on SIGINT/SIGTERM (or the control command quit) deletes its SAs with\n"
        "Informational Deletes before it exits.\n"
        "\n"
        "options:\n"
        "  -i, --initiate NAME     start phase 1 (and Quick Mode) with peer NAME at\n"
        "                          start-up; repeatable (peers with auto = \"start\" too)\n"
        "  -c, --control PATH      make a FIFO at PATH and obey the lines written to it:\n"
        "                          initiate NAME | quick NAME (another Quick Mode on the\n"
        "                          newest ISAKMP SA) | delete-ike NAME | delete-esp NAME |\n"
        "                          delete HANDLE | status | quit\n"
        "  -l, --log PATH          log to PATH instead of standard error\n"
        "  -v, --verbose           also log every message sent and received, dissected,\n"
        "                          an encrypted one also in clear (decrypted by the\n"
        "                          engine), NAT keepalives, and the cost of every\n"
        "                          cryptographic operation\n"
        "  -k, --show-keys         write SKEYID*, the cipher key and KEYMAT to the SA file\n"
        "  -s, --sa-file PATH      append one key=value line per SA established, deleted\n"
        "                          or expired (sa=established phase=1 handle=1 ...)\n"
        "  -p, --pcap PATH         write every datagram sent and received to a pcap file\n"
        "                          (raw IPv4 link type, synthesized IPv4/UDP headers)\n"
        "  -w, --decrypt-table PATH  write Wireshark ikev1_decryption_table lines\n"
        "                          (CKY-I,cipher key) for every ISAKMP SA\n"
        "  -x, --xfrm PATH         write `ip xfrm state add` commands for every IPsec SA\n"
        "  -S, --setkey PATH       write setkey(8) `add` commands for every IPsec SA\n"
        "  -d, --duration SECONDS  stop (cleanly, with Deletes) after SECONDS\n"
        "  -h, --help              this text\n"
        "\n"
        "NAT traversal (RFC 3947): engine.nat_t = \"on\" announces it, detects a NAT\n"
        "with NAT-D, floats to UDP 4500 (local.nat_t_port; the non-ESP marker is added\n"
        "and stripped there), negotiates UDP-encapsulated ESP and sends keepalives\n"
        "from behind the NAT (engine.nat_keepalive seconds); \"force\" pretends a NAT\n"
        "(like charon's encap = yes).  The SA file, --xfrm (encap espinudp SPORT\n"
        "DPORT) and the log (nat-detected, nat-address-changed) show it.\n"
        "\n"
        "signals: SIGINT/SIGTERM stop cleanly; SIGUSR1 initiates with every peer.\n"
        "exit status: 0 after a clean stop, 1 on a start-up error, 2 on bad usage.\n"
        "\n"
        "authentication (per peer, auth = ...): \"psk\" (pre-shared key) or \"rsasig\"\n"
        "(RSA signatures) with the peer's key configured (public_key) or with X.509\n"
        "certificates in CERT payloads: local.certificate (ours, for local.private_key)\n"
        "and local.ca_certificates (trust anchors; the peer's certificate must chain to\n"
        "one, be valid by the wall clock and name the identity it sends).\n"
        "\n"
        "configuration, in short (see doc/peer-config.md for every setting):\n"
        "  local = { address = \"10.9.0.1\"; private_key = \"key.pem\"; # for rsasig\n"
        "            certificate = \"cert.pem\"; ca_certificates = [\"ca.pem\"];\n"
        "            send_cert_request = true; send_certificate = \"always\";\n"
        "          };\n"
        "  engine = { aggressive = true; nat_t = \"on\"; };   # nat_t: off | on | force\n"
        "  peers = ( { name = \"charon\"; address = \"10.9.0.2\"; mode = \"main\";\n"
        "              psk = \"testsecret\"; ike = \"aes128-sha1-modp2048\";\n"
        "              esp = \"aes128-sha1-modp2048\"; },\n"
        "            { name = \"rsa\"; address = \"10.9.0.3\"; auth = \"rsasig\";\n"
        "              public_key = \"peer.pem\"; ike = \"aes256-sha256-modp2048\"; },\n"
        "            { name = \"x509\"; address = \"10.9.0.4\"; auth = \"rsasig\";\n"
        "              id = \"dn:C=CH, O=Lab, CN=gw\"; } );   # certificate checked\n");
}

/* ---- callbacks -------------------------------------------------------- */

static void log_dissected(struct peer_state *s, const char *dir, const uint8_t *b, size_t n)
{
    struct isakmp_message *m = s->dissect_scratch;
    int st = isakmp_decode(b, n, 0, m);
    peer_log(s, "%s %zu bytes:", dir, n);
    isakmp_dissect_file(m, st, s->log, 8);
    fflush(s->log);
}

static void cb_send(void *user, const uint8_t *bytes, size_t len,
                    const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    struct peer_state *s = user;
    const uint8_t *wire;
    size_t wire_len;
    char a[64];
    if (peer_net_send(&s->net, bytes, len, from, to, &wire, &wire_len) < 0) {
        peer_log(s, "send to %s failed: %s", peer_addr_str(to, a, sizeof a), strerror(errno));
        return;
    }
    peer_pcap_write(s->pcap, wire, wire_len, from, to);
    if (isakmp_natt_is_keepalive(bytes, len)) {
        if (s->verbose) peer_log(s, "sent NAT keepalive to %s", peer_addr_str(to, a, sizeof a));
        return;
    }
    if (s->verbose) log_dissected(s, "sent", bytes, len);
}

static void cb_event(void *user, const struct isakmp_event *ev)
{
    struct peer_state *s = user;
    if (ev->type == ISAKMP_EV_CRYPTO && !s->verbose) return;
    if (ev->type == ISAKMP_EV_PLAINTEXT) {
        /* --verbose: the encrypted message we just sent or accepted, in clear. */
        if (s->verbose)
            log_dissected(s, ev->u.plain.sent ? "sent, before encryption," : "received, decrypted,",
                          ev->u.plain.bytes, ev->u.plain.len);
        return;
    }
    char line[1024];
    struct peer_def *p = peer_config_by_addr(s->cfg, &ev->peer);
    peer_format_event(ev, p ? p->name : NULL, line, sizeof line);
    peer_log(s, "%s", line);
    if (ev->type == ISAKMP_EV_SA_ESTABLISHED || ev->type == ISAKMP_EV_SA_DELETED ||
        ev->type == ISAKMP_EV_SA_EXPIRED || ev->type == ISAKMP_EV_SA_REKEY_DUE) {
        if (s->n_pending < PEER_MAX_PENDING) s->pending[s->n_pending++] = *ev;
        else peer_log(s, "warning: SA event of handle %u not acted on (queue full)", ev->handle);
    }
}

static void cb_random(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    while (len > 0) {
        ssize_t r = getrandom(buf, len, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            /* No randomness means no safe key: nothing sensible remains. */
            fprintf(stderr, "isakmp peer: getrandom: %s\n", strerror(errno));
            abort();
        }
        buf += r;
        len -= (size_t)r;
    }
}

static uint64_t cb_cpu_clock(void *user)
{
    (void)user;
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- signals ------------------------------------------------------------ */

static volatile sig_atomic_t sig_stop, sig_usr1;
static void on_signal(int sig)
{
    if (sig == SIGUSR1) sig_usr1 = 1;
    else sig_stop = 1;
}

/* ---- the loop ----------------------------------------------------------- */

static void drain_socket(struct peer_state *s, int fd, uint8_t *buf)
{
    for (int i = 0; i < 64; i++) {        /* bounded: timers must not starve */
        struct isakmp_addr from, to;
        const uint8_t *ike;
        size_t ike_len;
        ssize_t r = peer_net_recv(&s->net, fd, buf, PEER_NET_MAX_DGRAM, &from, &to, &ike, &ike_len);
        if (r < 0) {
            peer_log(s, "receive error: %s", strerror(errno));
            return;
        }
        if (r == 0) return;
        peer_pcap_write(s->pcap, buf, (size_t)r, &from, &to);
        if (!ike) continue;     /* ESP-in-UDP or a keepalive on the NAT-T port */
        if (s->verbose) log_dissected(s, "received", ike, ike_len);
        isakmp_engine_recv(s->engine, peer_now(), ike, ike_len, &from, &to);
        peer_process_pending(s);
    }
}

/* Read what the FIFO holds and run complete lines. */
static void drain_control(struct peer_state *s, int fd, char *acc, size_t *acc_len, size_t cap)
{
    for (;;) {
        ssize_t r = read(fd, acc + *acc_len, cap - 1 - *acc_len);
        if (r <= 0) return;
        *acc_len += (size_t)r;
        acc[*acc_len] = 0;
        char *nl;
        while ((nl = strchr(acc, '\n')) != NULL) {
            *nl = 0;
            peer_control_line(s, acc);
            size_t used = (size_t)(nl + 1 - acc);
            memmove(acc, nl + 1, *acc_len - used + 1);
            *acc_len -= used;
        }
        if (*acc_len == cap - 1) {        /* an endless line: drop it */
            peer_log(s, "control: line too long, ignored");
            *acc_len = 0;
        }
    }
}

static int run(struct peer_state *s, int ctl_fd, double duration)
{
    uint8_t *buf = malloc(PEER_NET_MAX_DGRAM);
    if (!buf) return CLI_FAILED;
    char acc[1024];
    size_t acc_len = 0;
    uint64_t end = duration > 0 ? peer_now() + (uint64_t)(duration * 1e9) : UINT64_MAX;
    sigset_t none;
    sigemptyset(&none);
    while (!s->stop) {
        if (sig_stop) break;
        if (sig_usr1) {
            sig_usr1 = 0;
            for (size_t i = 0; i < s->cfg->n_peers; i++) peer_initiate(s, &s->cfg->peers[i]);
        }
        uint64_t now = peer_now();
        if (now >= end) {
            peer_log(s, "duration reached");
            break;
        }
        uint64_t deadline = isakmp_engine_next_deadline(s->engine);
        if (deadline > end) deadline = end;
        struct timespec ts = {0, 0};
        if (deadline > now) {
            uint64_t d = deadline - now;
            if (d > 3600ull * 1000000000ull) d = 3600ull * 1000000000ull;
            ts.tv_sec = (time_t)(d / 1000000000ull);
            ts.tv_nsec = (long)(d % 1000000000ull);
        }
        struct pollfd pfd[3];
        int n = 0;
        pfd[n++] = (struct pollfd){.fd = s->net.fd, .events = POLLIN};
        if (s->net.fd_natt >= 0) pfd[n++] = (struct pollfd){.fd = s->net.fd_natt, .events = POLLIN};
        if (ctl_fd >= 0) pfd[n++] = (struct pollfd){.fd = ctl_fd, .events = POLLIN};
        /* Signals are blocked except inside ppoll: none is lost between
         * the flag checks above and the wait. */
        int r = ppoll(pfd, (nfds_t)n, &ts, &none);
        if (r < 0 && errno != EINTR) {
            peer_log(s, "poll: %s", strerror(errno));
            break;
        }
        for (int i = 0; r > 0 && i < n; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLERR))) continue;
            if (pfd[i].fd == ctl_fd) drain_control(s, ctl_fd, acc, &acc_len, sizeof acc);
            else drain_socket(s, pfd[i].fd, buf);
        }
        now = peer_now();
        if (isakmp_engine_next_deadline(s->engine) <= now) {
            isakmp_engine_timeout(s->engine, now);
            peer_process_pending(s);
        }
    }
    peer_log(s, "stopping: deleting %zu SAs", s->n_sas);
    peer_delete_all(s);
    free(buf);
    return CLI_OK;
}

/* ---- main --------------------------------------------------------------- */

/* The engine's `now` is peer_now() (CLOCK_MONOTONIC); certificate dates
 * are checked at cert_time_base + now: the Unix time at which the
 * monotonic clock read 0.  Taken once: a later jump of the wall clock
 * is not followed (NTP slews it; a step of a few seconds hardly matters
 * against certificate lifetimes). */
static uint64_t wall_clock_base(void)
{
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    uint64_t mono = peer_now() / 1000000000ull;
    return (uint64_t)wall.tv_sec > mono ? (uint64_t)wall.tv_sec - mono : 1;
}

static FILE *open_out(const char *path, const char *what)
{
    if (!path) return NULL;
    FILE *f = fopen(path, "w");
    if (!f) fprintf(stderr, "isakmp peer: %s %s: %s\n", what, path, strerror(errno));
    return f;
}

static int peer_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"initiate", required_argument, NULL, 'i'}, {"control", required_argument, NULL, 'c'},
        {"log", required_argument, NULL, 'l'}, {"verbose", no_argument, NULL, 'v'},
        {"show-keys", no_argument, NULL, 'k'}, {"sa-file", required_argument, NULL, 's'},
        {"pcap", required_argument, NULL, 'p'}, {"decrypt-table", required_argument, NULL, 'w'},
        {"xfrm", required_argument, NULL, 'x'}, {"setkey", required_argument, NULL, 'S'},
        {"duration", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *initiate[PEER_MAX_PEERS];
    size_t n_initiate = 0;
    const char *control = NULL, *log_path = NULL, *sa_path = NULL, *pcap_path = NULL;
    const char *table_path = NULL, *xfrm_path = NULL, *setkey_path = NULL;
    double duration = 0;
    bool verbose = false, show_keys = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:c:l:vks:p:w:x:S:d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (n_initiate == PEER_MAX_PEERS) return cli_usage_error("peer", "too many --initiate");
            initiate[n_initiate++] = optarg;
            break;
        case 'c': control = optarg; break;
        case 'l': log_path = optarg; break;
        case 'v': verbose = true; break;
        case 'k': show_keys = true; break;
        case 's': sa_path = optarg; break;
        case 'p': pcap_path = optarg; break;
        case 'w': table_path = optarg; break;
        case 'x': xfrm_path = optarg; break;
        case 'S': setkey_path = optarg; break;
        case 'd': {
            char *end;
            duration = strtod(optarg, &end);
            if (*end || duration <= 0) return cli_usage_error("peer", "bad --duration %s", optarg);
            break;
        }
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_usage_error("peer", "unknown option");
        }
    }
    if (optind != argc - 1) return cli_usage_error("peer", "one CONFIG file expected");

    int rc = CLI_FAILED, ctl_fd = -1;
    char err[512];
    struct peer_state *s = calloc(1, sizeof *s);
    struct peer_config *cfg = calloc(1, sizeof *cfg);
    if (!s || !cfg) goto out;
    s->net.fd = s->net.fd_natt = -1;
    if (peer_config_load(argv[optind], cfg, err, sizeof err)) {
        fprintf(stderr, "isakmp peer: %s\n", err);
        goto out;
    }
    for (size_t i = 0; i < n_initiate; i++)
        if (!peer_config_find(cfg, initiate[i])) {
            fprintf(stderr, "isakmp peer: --initiate %s: no such peer in %s\n", initiate[i],
                    argv[optind]);
            goto out;
        }
    s->cfg = cfg;
    s->verbose = verbose;
    s->log = log_path ? fopen(log_path, "w") : stderr;
    if (!s->log) {
        fprintf(stderr, "isakmp peer: log %s: %s\n", log_path, strerror(errno));
        s->log = stderr;
        goto out;
    }
    s->out.show_keys = show_keys;
    if ((sa_path && !(s->out.sa_file = open_out(sa_path, "SA file"))) ||
        (table_path && !(s->out.decrypt_table = open_out(table_path, "decryption table"))) ||
        (xfrm_path && !(s->out.xfrm = open_out(xfrm_path, "xfrm file"))) ||
        (setkey_path && !(s->out.setkey = open_out(setkey_path, "setkey file"))))
        goto out;
    if (pcap_path && !(s->pcap = peer_pcap_open(pcap_path, err, sizeof err))) {
        fprintf(stderr, "isakmp peer: pcap: %s\n", err);
        goto out;
    }
    if (verbose && !(s->dissect_scratch = calloc(1, sizeof(struct isakmp_message)))) goto out;
    if (peer_net_open(&s->net, &cfg->local, cfg->natt_port, err, sizeof err)) {
        fprintf(stderr, "isakmp peer: %s\n", err);
        goto out;
    }
    if (control) {
        unlink(control);
        if (mkfifo(control, 0600) < 0) {
            fprintf(stderr, "isakmp peer: mkfifo %s: %s\n", control, strerror(errno));
            goto out;
        }
        /* O_RDWR: we hold a writer ourselves, so the FIFO never reads EOF
         * when a client closes it. */
        ctl_fd = open(control, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (ctl_fd < 0) {
            fprintf(stderr, "isakmp peer: open %s: %s\n", control, strerror(errno));
            goto out;
        }
    }
    struct isakmp_callbacks cb = {cb_send, cb_event, cb_random, cb_cpu_clock};
    s->t0 = peer_now();
    cfg->engine.plaintext_events = verbose;     /* no copy, no cost otherwise */
    cfg->engine.cert_time_base = wall_clock_base();
    s->engine = isakmp_engine_new(&cfg->engine, &cb, s);
    if (!s->engine) {
        fprintf(stderr, "isakmp peer: the engine refused the configuration in %s "
                "(an algorithm or group it does not implement%s?)\n", argv[optind],
                cfg->cert_der || cfg->ca_pem ? ", or a certificate GnuTLS does not parse" : "");
        goto out;
    }
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    char a[64];
    if (cfg->natt_port)
        peer_log(s, "listening on %s and NAT-T port %u, %zu peers",
                 peer_addr_str(&cfg->local, a, sizeof a), cfg->natt_port, cfg->n_peers);
    else
        peer_log(s, "listening on %s, %zu peers", peer_addr_str(&cfg->local, a, sizeof a),
                 cfg->n_peers);
    if (cfg->cert_der || cfg->ca_pem) {
        static const char *const when[] = {"if-asked", "always", "never"};
        peer_log(s, "certificates: ours %s (sent %s), %zu trust anchors, cert requests %s, "
                 "dates %s", cfg->cert_der ? "loaded" : "none",
                 cfg->cert_der ? when[cfg->engine.cert_send] : "never", cfg->n_anchors,
                 cfg->engine.send_cr ? "sent" : "not sent",
                 !cfg->ca_pem ? "unused (no trust anchors)"
                 : cfg->engine.cert_no_dates ? "NOT checked" : "checked against the wall clock");
    }
    for (size_t i = 0; i < cfg->n_peers; i++)
        if (cfg->peers[i].auto_start) peer_initiate(s, &cfg->peers[i]);
    for (size_t i = 0; i < n_initiate; i++) peer_initiate(s, peer_config_find(cfg, initiate[i]));
    rc = run(s, ctl_fd, duration);
    peer_log(s, "stopped");
out:
    if (s) {
        isakmp_engine_free(s->engine);
        peer_net_close(&s->net);
        peer_pcap_close(s->pcap);
        if (s->out.sa_file) fclose(s->out.sa_file);
        if (s->out.decrypt_table) fclose(s->out.decrypt_table);
        if (s->out.xfrm) fclose(s->out.xfrm);
        if (s->out.setkey) fclose(s->out.setkey);
        if (s->log && s->log != stderr) fclose(s->log);
        free(s->dissect_scratch);
    }
    if (ctl_fd >= 0) {
        close(ctl_fd);
        unlink(control);
    }
    if (cfg) {
        peer_config_wipe(cfg);
        free(cfg);
    }
    free(s);
    return rc;
}

const struct cli_command cli_cmd_peer = {
    .name = "peer",
    .summary = "run a real IKEv1 peer on UDP 500 (interoperates with strongSwan)",
    .main = peer_main,
    .usage = usage,
};
