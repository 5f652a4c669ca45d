/* Output helpers of the dissector: everything goes through the caller's
 * write callback, never to stdout. */
#include "dissect_out.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vout(struct dout *o, const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    o->write(o->ctx, buf, len);
}

void dout_printf(struct dout *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vout(o, fmt, ap);
    va_end(ap);
}

void dout_indent(struct dout *o, unsigned depth)
{
    static const char spaces[] = "                                                                ";
    size_t pad = o->indent + 2u * depth;
    while (pad) {
        size_t k = pad < sizeof spaces - 1 ? pad : sizeof spaces - 1;
        o->write(o->ctx, spaces, k);
        pad -= k;
    }
}

void dout_hex_line(struct dout *o, unsigned depth, const char *label, struct isakmp_bytes v)
{
    dout_indent(o, depth);
    dout_printf(o, "%s: ", label);
    if (v.len == 0)
        dout_printf(o, "(empty)");
    dout_hex(o, v.p, v.len, o->max_hex);
    dout_printf(o, " (%zu bytes)\n", v.len);
}

void dout_line(struct dout *o, unsigned depth, const char *fmt, ...)
{
    dout_indent(o, depth);
    va_list ap;
    va_start(ap, fmt);
    vout(o, fmt, ap);
    va_end(ap);
    o->write(o->ctx, "\n", 1);
}

void dout_hex(struct dout *o, const uint8_t *p, size_t n, size_t max)
{
    static const char digits[] = "0123456789abcdef";
    char buf[128];
    size_t shown = max && n > max ? max : n, k = 0;
    for (size_t i = 0; i < shown; i++) {
        buf[k++] = digits[p[i] >> 4];
        buf[k++] = digits[p[i] & 15];
        if (k == sizeof buf) {
            o->write(o->ctx, buf, k);
            k = 0;
        }
    }
    if (k)
        o->write(o->ctx, buf, k);
    if (shown < n)
        o->write(o->ctx, "...", 3);
}

void isakmp_write_file(void *file, const char *text, size_t n)
{
    fwrite(text, 1, n, (FILE *)file);
}

void isakmp_write_strbuf(void *sb_, const char *text, size_t n)
{
    struct isakmp_strbuf *sb = sb_;
    if (sb->cap > 0 && sb->len < sb->cap - 1) {
        size_t room = sb->cap - 1 - sb->len;
        size_t k = n < room ? n : room;
        memcpy(sb->buf + sb->len, text, k);
        sb->buf[sb->len + k] = '\0';
    }
    sb->len += n;
    if (sb->cap > 0 && sb->len >= sb->cap)
        sb->buf[sb->cap - 1] = '\0';
}

bool dout_printable(struct isakmp_bytes v)
{
    if (v.len == 0)
        return false;
    for (size_t i = 0; i < v.len; i++)
        if (!isprint(v.p[i]))
            return false;
    return true;
}

void dout_addr(struct dout *o, const uint8_t *a, size_t n)
{
    char buf[64];
    size_t k = 0;
    if (n == 4) {
        snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    } else {
        /* Plain groups (no :: compression): unambiguous and easy to check. */
        for (size_t i = 0; i + 1 < n && k + 6 < sizeof buf; i += 2)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%x", i ? ":" : "",
                                  (unsigned)(a[i] << 8 | a[i + 1]));
    }
    dout_printf(o, "%s", buf);
}
