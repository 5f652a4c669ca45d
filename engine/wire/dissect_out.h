/* Formatted output through the dissector's write callback (internal). */
#ifndef ISAKMP_DISSECT_OUT_H
#define ISAKMP_DISSECT_OUT_H

#include "isakmp/dissect.h"

struct dout {
    isakmp_write_fn write;
    void *ctx;
    unsigned indent;
    size_t max_hex;
};

void dout_printf(struct dout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One indented line: `depth` levels of 2 spaces after the base indent. */
void dout_line(struct dout *o, unsigned depth, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The indentation of a line at `depth` (then dout_printf, dout_hex, "\n"). */
void dout_indent(struct dout *o, unsigned depth);
/* "label: <hex> (n bytes)" as one line. */
void dout_hex_line(struct dout *o, unsigned depth, const char *label, struct isakmp_bytes v);
/* Lowercase hex of n bytes, cut at max (0 = all) with "...". */
void dout_hex(struct dout *o, const uint8_t *p, size_t n, size_t max);
/* An IPv4 (n = 4) or IPv6 (every group, no :: compression) address. */
void dout_addr(struct dout *o, const uint8_t *a, size_t n);
/* Non-empty and every byte printable: safe to show as text (a peer's
 * bytes could otherwise forge lines or send terminal escapes). */
bool dout_printable(struct isakmp_bytes v);

#endif
