/* Quantities with units: exact decimal parsing (see units.h). */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

struct unit {
    const char *name;   /* "" = no unit: the base unit */
    uint64_t factor;    /* base units per this unit, times `scale` */
};

/* Durations are kept in ns, rates in bit/s, sizes in bytes. */
static const struct unit duration_units[] = {
    { "", 1000000000ull }, { "ns", 1ull }, { "us", 1000ull }, { "ms", 1000000ull },
    { "s", 1000000000ull }, { "min", 60000000000ull }, { "h", 3600000000000ull },
    { NULL, 0 },
};
static const struct unit rate_units[] = {
    { "", 1ull }, { "bps", 1ull }, { "b/s", 1ull },
    { "kbps", 1000ull }, { "kb/s", 1000ull }, { "Kbps", 1000ull },
    { "Mbps", 1000000ull }, { "Mb/s", 1000000ull },
    { "Gbps", 1000000000ull }, { "Gb/s", 1000000000ull },
    { NULL, 0 },
};
static const struct unit size_units[] = {
    { "", 1ull }, { "B", 1ull }, { "kB", 1000ull }, { "KB", 1000ull }, { "MB", 1000000ull },
    { "GB", 1000000000ull }, { "KiB", 1024ull }, { "MiB", 1048576ull },
    { "GiB", 1073741824ull },
    { NULL, 0 },
};

/* Parse "  123.456 unit  " exactly: value = digits / 10^frac x factor,
 * rounded half up to an integer. */
static bool parse_quantity(const char *s, const struct unit *units, uint64_t *out)
{
    if (!s)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    unsigned __int128 mant = 0;
    unsigned frac = 0, digits = 0;
    bool dot = false;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s)) {
            if (digits >= 30)      /* more precision than any quantity needs */
                return false;
            mant = mant * 10 + (unsigned)(*s - '0');
            digits++;
            if (dot)
                frac++;
        } else if (*s == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    if (digits == 0)
        return false;
    if (*s == ' ')
        s++;
    size_t ulen = strlen(s);
    while (ulen > 0 && isspace((unsigned char)s[ulen - 1]))
        ulen--;
    for (const struct unit *u = units; u->name; u++) {
        if (strlen(u->name) != ulen || strncmp(u->name, s, ulen) != 0)
            continue;
        unsigned __int128 den = 1;
        for (unsigned i = 0; i < frac; i++)
            den *= 10;
        if (mant > ((unsigned __int128)1 << 100))
            return false;
        unsigned __int128 v = mant * u->factor;
        v = (v + den / 2) / den;
        if (v > UINT64_MAX)
            return false;
        *out = (uint64_t)v;
        return true;
    }
    return false;
}

bool isakmp_parse_duration(const char *s, uint64_t *out_ns)
{
    return parse_quantity(s, duration_units, out_ns);
}

bool isakmp_parse_rate(const char *s, uint64_t *out_bps)
{
    return parse_quantity(s, rate_units, out_bps);
}

bool isakmp_parse_size(const char *s, uint64_t *out_bytes)
{
    return parse_quantity(s, size_units, out_bytes);
}

bool isakmp_seconds_to_ns(double seconds, uint64_t *out_ns)
{
    if (!isfinite(seconds) || seconds < 0 || seconds > 1.8e10) /* ~570 years */
        return false;
    *out_ns = (uint64_t)llround(seconds * 1e9);
    return true;
}

bool isakmp_parse_ipv4(const char *s, uint32_t *out)
{
    struct in_addr a;
    if (!s || inet_pton(AF_INET, s, &a) != 1)
        return false;
    *out = ntohl(a.s_addr);
    return true;
}

bool isakmp_parse_ipv4_prefix(const char *s, uint32_t *out_addr, unsigned *out_len)
{
    if (!s)
        return false;
    char buf[32];
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    if (alen == 0 || alen >= sizeof buf)
        return false;
    memcpy(buf, s, alen);
    buf[alen] = '\0';
    uint32_t addr;
    if (!isakmp_parse_ipv4(buf, &addr))
        return false;
    unsigned len = 32;
    if (slash) {
        const char *p = slash + 1;
        if (!isdigit((unsigned char)p[0]) || (p[1] && !isdigit((unsigned char)p[1])) ||
            (p[1] && p[2]))
            return false;
        len = (unsigned)atoi(p);
        if (len > 32)
            return false;
    }
    uint32_t mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
    if (addr & ~mask)
        return false;
    *out_addr = addr;
    *out_len = len;
    return true;
}

char *isakmp_format_ipv4(uint32_t addr, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
             (addr >> 8) & 0xff, addr & 0xff);
    return buf;
}
