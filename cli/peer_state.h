/* `isakmp peer`: the running peer (shared by cmd_peer.c, the driver
 * loop, and peer_control.c, the commands). */
#ifndef CLI_PEER_STATE_H
#define CLI_PEER_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "isakmp/engine.h"
#include "peer_config.h"
#include "peer_net.h"
#include "peer_pcap.h"
#include "peer_report.h"

#define PEER_MAX_SAS 256
#define PEER_MAX_PENDING 64

/* An SA we know to be established (from the engine's events). */
struct peer_sa {
    isakmp_handle handle;
    uint8_t phase;
    isakmp_handle phase1;               /* phase 2: its ISAKMP SA */
    struct peer_def *peer;              /* NULL: not a configured peer */
    bool initiator;
    bool rekeyed;                       /* a replacement was started */
};

struct peer_state {
    struct peer_config *cfg;
    struct isakmp_engine *engine;
    struct peer_net net;
    struct peer_pcap *pcap;
    struct peer_outputs out;
    FILE *log;
    bool verbose;
    uint64_t t0;                        /* CLOCK_MONOTONIC at start, ns */
    struct peer_sa sas[PEER_MAX_SAS];
    size_t n_sas;
    /* SA events copied in the event callback, acted on after the engine
     * call returns (the callback may not call back into the engine). */
    struct isakmp_event pending[PEER_MAX_PENDING];
    size_t n_pending;
    bool stop;                          /* leave the loop (then Delete everything) */
    void *dissect_scratch;              /* struct isakmp_message for --verbose */
};

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t peer_now(void);

/* One log line "  12.345 TEXT" (printf-style). */
void peer_log(struct peer_state *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Start phase 1 (+ Quick Mode when the peer has ESP proposals). */
isakmp_handle peer_initiate(struct peer_state *s, struct peer_def *p);

/* Start a Quick Mode with p under its newest established phase-1 SA. */
isakmp_handle peer_quick(struct peer_state *s, struct peer_def *p);

/* Send Deletes for every SA we hold (phase 2 first), then phase 1. */
void peer_delete_all(struct peer_state *s);

/* Act on the SA events queued during the last engine call. */
void peer_process_pending(struct peer_state *s);

/* Execute one control command line ("initiate NAME", "quick NAME",
 * "delete HANDLE", "delete-ike NAME", "delete-esp NAME", "status",
 * "quit").  Unknown commands are logged and ignored. */
void peer_control_line(struct peer_state *s, char *line);

#endif
