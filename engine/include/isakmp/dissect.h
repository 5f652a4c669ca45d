/* The ISAKMP dissector: a decoded message as an indented tree of named
 * fields, in the spirit of `tshark -V` (numbers in decimal with the
 * registry name, byte strings in plain hex), or as one line (--brief),
 * or as machine-readable "key=value" lines (--fields, used to compare
 * with tshark).  Output goes through a write callback, so the engine
 * never prints: the CLI passes a FILE*, the peer its log.
 *
 * status: complete */
#ifndef ISAKMP_DISSECT_H
#define ISAKMP_DISSECT_H

#include <stddef.h>
#include <stdio.h>

#include "isakmp/wire.h"

/* Receives n bytes of text (not NUL-terminated). */
typedef void (*isakmp_write_fn)(void *ctx, const char *text, size_t n);

struct isakmp_dissect_opts {
    unsigned indent;        /* spaces before every line (for nesting in a frame) */
    size_t max_hex;         /* byte strings longer than this are cut with "..." (0 = no limit) */
};

/* The tree of m.  `status` is what isakmp_decode returned: on error the
 * payloads decoded so far are printed, then the error and the Notify the
 * RFC says to answer with. */
void isakmp_dissect(const struct isakmp_message *m, int status,
                    const struct isakmp_dissect_opts *opts, isakmp_write_fn write, void *ctx);

/* Only the error lines isakmp_dissect ends with for a refused message
 * (status != 0): "Error: ..." and "Notify to send: ...", at the tree's
 * first level (e.g. after the tree of the same bytes decoded more leniently). */
void isakmp_dissect_error(const struct isakmp_message *m, int status,
                          const struct isakmp_dissect_opts *opts, isakmp_write_fn write, void *ctx);

/* One line: exchange, flags, cookies, message ID, payload chain. No newline. */
void isakmp_dissect_brief(const struct isakmp_message *m, int status, isakmp_write_fn write,
                          void *ctx);

/* Flat "name=value" lines, one per field, in message order; names follow
 * Wireshark's isakmp.* field names where one exists (see the tshark
 * comparison test).  Values: decimal numbers, lowercase hex bytes. */
void isakmp_dissect_fields(const struct isakmp_message *m, int status, isakmp_write_fn write,
                           void *ctx);

/* Adapters: a FILE* (ctx = FILE*) and a bounded buffer. */
void isakmp_write_file(void *file, const char *text, size_t n);
struct isakmp_strbuf {
    char *buf;              /* always NUL-terminated when cap > 0 */
    size_t cap, len;        /* len counts what was wanted, may exceed cap-1 (truncated) */
};
void isakmp_write_strbuf(void *strbuf, const char *text, size_t n);

/* Convenience: dissect into a FILE*. */
void isakmp_dissect_file(const struct isakmp_message *m, int status, FILE *out, unsigned indent);

#endif
