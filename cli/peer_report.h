/* `isakmp peer`: what it tells the user and scripts.
 *   - one log line per engine event ("T+0.123 sa-established phase=1 ...");
 *   - the SA file: one line of key=value pairs per SA that is established,
 *     deleted or expired (keys only with --show-keys);
 *   - exports: Wireshark's ikev1_decryption_table, `ip xfrm state add`
 *     and setkey(8) commands for every IPsec SA.
 * Formats are documented in doc/peer-config.md ("Output"). */
#ifndef CLI_PEER_REPORT_H
#define CLI_PEER_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "isakmp/engine.h"

/* "10.9.0.2:500" into buf (at least 48 bytes). */
const char *peer_addr_str(const struct isakmp_addr *a, char *buf, size_t size);

/* The event as one log line (no timestamp, no newline) into buf. */
void peer_format_event(const struct isakmp_event *ev, const char *peer_name,
                       char *buf, size_t size);

/* Files the reports go to; NULL members are skipped. */
struct peer_outputs {
    FILE *sa_file;
    FILE *decrypt_table;
    FILE *xfrm;
    FILE *setkey;
    bool show_keys;            /* keys in the SA file */
};

/* An SA was established: write its line to sa_file (with keys from the
 * engine when show_keys), its table line / commands to the exports.
 * `ev` is a copy of the ISAKMP_EV_SA_ESTABLISHED event; phase-2 events
 * need `local` (our address) for the exports.  Call outside the event
 * callback (it asks the engine for keys). */
void peer_report_established(const struct peer_outputs *o, const struct isakmp_engine *e,
                             const struct isakmp_event *ev, const char *peer_name,
                             const struct isakmp_addr *local);

/* An SA was deleted or expired (ev: SA_DELETED / SA_EXPIRED). */
void peer_report_gone(const struct peer_outputs *o, const struct isakmp_event *ev,
                      const char *peer_name);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void peer_hex(const uint8_t *p, size_t n, char *out);

#endif
