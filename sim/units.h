/* status: complete
 *
 * Quantities with units, as people write them in scenario files and on
 * the command line: durations ("10ms", "1.5s", "2min"), data rates
 * ("100Mbps", "1.5Gbps"), sizes ("64KiB", "1500B"), IPv4 addresses and
 * prefixes ("10.0.0.0/24").
 *
 * Numbers are parsed as exact decimals (no floating point), so "0.1s" is
 * exactly 100 000 000 ns on every machine.  A number without a unit is in
 * the base unit (seconds, bit/s, bytes).  Leading/trailing blanks and one
 * blank between number and unit are allowed; anything else is an error.
 * All functions return false on a malformed string or a value that does
 * not fit in 64 bits, and then leave *out unchanged.
 */
#ifndef ISAKMP_SIM_UNITS_H
#define ISAKMP_SIM_UNITS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Units: ns, us, ms, s, min, h.  Result in nanoseconds (rounded to the
 * nearest ns when more digits are given). */
bool isakmp_parse_duration(const char *s, uint64_t *out_ns);

/* Units: bps, kbps, Mbps, Gbps (also written b/s, kb/s, Mb/s, Gb/s; the
 * k/M/G prefixes are powers of 1000).  Result in bit/s. */
bool isakmp_parse_rate(const char *s, uint64_t *out_bps);

/* Units: B, kB, MB, GB (powers of 1000), KiB, MiB, GiB (powers of 1024).
 * Result in bytes. */
bool isakmp_parse_size(const char *s, uint64_t *out_bytes);

/* Seconds as a floating-point number to ns; false when negative, not
 * finite or too large. */
bool isakmp_seconds_to_ns(double seconds, uint64_t *out_ns);

/* Dotted-quad IPv4 address, result in host byte order. */
bool isakmp_parse_ipv4(const char *s, uint32_t *out);

/* "a.b.c.d/len" (len 0..32; "a.b.c.d" alone means /32).  The address
 * must be the first of its prefix (no host bits set). */
bool isakmp_parse_ipv4_prefix(const char *s, uint32_t *out_addr, unsigned *out_len);

/* Writes "a.b.c.d" into buf (at least 16 bytes). Returns buf. */
char *isakmp_format_ipv4(uint32_t addr, char *buf);

#ifdef __cplusplus
}
#endif

#endif
