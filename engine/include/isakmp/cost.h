/* status: complete
 *
 * What cryptography costs: a table of virtual-time figures the simulator
 * charges, and the report every expensive operation fills in.
 *
 * Two figures per operation:
 *   - virtual_ns: DETERMINISTIC, looked up in a struct isakmp_cost_table.
 *     The simulator charges it, so runs repeat exactly whatever machine
 *     they run on.
 *   - cpu_ns: what the operation really took on this machine, measured
 *     with clock_gettime(CLOCK_THREAD_CPUTIME_ID) (isakmp_cpu_thread_ns).
 *     A measurement only: it never influences a protocol decision.
 *
 * The table.  Entries are (kind, group, bits) -> ns:
 *   DH_GENERATE / DH_COMPUTE   group = IKE group number, bits = private
 *                              exponent (scalar) bits actually used;
 *   RSA_SIGN/VERIFY/ENCRYPT/DECRYPT  group = 0, bits = modulus bits;
 *   PRF, CIPHER, COOKIE        group = 0, bits = 0 (one key schedule,
 *                              one message, one cookie MAC);
 *   CHEAP                      group = 0, bits = 0: the constant for any
 *                              other small piece of work (the default of
 *                              PRF/CIPHER/COOKIE when they have no entry).
 * Lookup (isakmp_cost_lookup): an exact entry wins; otherwise a DH entry
 * of the same kind and group with other exponent bits is scaled linearly
 * by bits (an exponentiation is a chain of ~bits squarings), an RSA entry
 * of the same kind with another modulus is scaled by the model's power of
 * the modulus; otherwise the DEFAULT MODEL gives the figure (unless the
 * table says model_fallback = false, then 0).
 *
 * THE DEFAULT MODEL ("quadratic reference model", isakmp_cost_model).
 * It is a model, not a measurement: a few reference figures scaled by
 * simple power laws, all in integer arithmetic so every platform gets the
 * same numbers.
 *   MODP: ns = 300 000 x (exp_bits / 256) x (modulus_bits / 2048)^2
 *         (one reference: group 14 with a 256-bit exponent = 0.30 ms,
 *         GMP 6.2 mpz_powm_sec on one core, shared/notes/ns3.md; cost
 *         linear in exponent bits, quadratic in modulus bits, which
 *         matches that table within ~10% for groups 1-18).
 *   ECP (NIST curves): compute ns = 95 000 x (field_bits / 256)^3,
 *         generate = compute / 3 (fixed-base tables); curve25519: 55 000
 *         (both), curve448: 170 000 (both).  Reference figures: nettle 3.8
 *         on the development machine (bench/bench_dh).
 *   ECP (Brainpool 27-30, libgcrypt): generate = compute
 *         = 850 000 x (field limbs / 4)^2, limbs = ceil(field_bits / 64)
 *         (224 and 256 bits: 0.85 ms, 384: 1.91 ms, 512: 3.4 ms; libgcrypt
 *         1.10.1, `isakmp calibrate` medians on the development machine:
 *         0.85, 0.85, 1.63-1.71, 3.24-3.35 ms).
 *   RSA:  sign/decrypt ns = 1 500 000 x (bits/2048)^3,
 *         verify/encrypt ns = 45 000 x (bits/2048)^2 (e = 65537).
 *   CHEAP (and PRF, CIPHER, COOKIE): 2 000 ns.
 * The simulator's `isakmp calibrate` replaces these by measurements
 * (isakmp_cost_set + isakmp_cost_table_save); scenarios may set values.
 *
 * File format (isakmp_cost_table_parse/load/save): one entry per line,
 *     KIND GROUP BITS NS
 * KIND one of dh-generate dh-compute rsa-sign rsa-verify rsa-encrypt
 * rsa-decrypt prf cipher cookie cheap; GROUP, BITS, NS decimal integers
 * ("-" allowed for a 0 GROUP/BITS); '#' starts a comment; blank lines
 * ignored.  Also the line "model off" / "model on" (model_fallback).
 * Errors name file:line.
 *
 * Thread safety: a table is plain data; lookups only read it. */
#ifndef ISAKMP_COST_H
#define ISAKMP_COST_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

enum isakmp_cost_kind {
    ISAKMP_COST_DH_GENERATE = 0,    /* private value + public value */
    ISAKMP_COST_DH_COMPUTE,         /* validate peer value + shared secret */
    ISAKMP_COST_RSA_SIGN,
    ISAKMP_COST_RSA_VERIFY,
    ISAKMP_COST_RSA_ENCRYPT,
    ISAKMP_COST_RSA_DECRYPT,
    ISAKMP_COST_PRF,
    ISAKMP_COST_CIPHER,
    ISAKMP_COST_COOKIE,
    ISAKMP_COST_CHEAP,
    ISAKMP_COST_KIND_COUNT
};

/* "dh-generate", ... (the file-format names); NULL when out of range. */
const char *isakmp_cost_kind_name(enum isakmp_cost_kind kind);
/* Inverse of isakmp_cost_kind_name; false when unknown. */
bool isakmp_cost_kind_parse(const char *name, enum isakmp_cost_kind *out);

#define ISAKMP_COST_MAX_ENTRIES 256

struct isakmp_cost_entry {
    enum isakmp_cost_kind kind;
    uint16_t group;                 /* DH: IKE group number; else 0 */
    uint32_t bits;                  /* DH: exponent bits; RSA: modulus bits; else 0 */
    uint64_t ns;                    /* virtual nanoseconds */
};

/* Plain data: may be declared statically, copied, filled by hand. */
struct isakmp_cost_table {
    size_t n;                       /* entries used */
    struct isakmp_cost_entry e[ISAKMP_COST_MAX_ENTRIES];
    bool model_fallback;            /* no matching entry: use the model (else 0) */
};

/* An empty table that falls back to the default model for everything
 * (= the DEFAULT cost table). */
void isakmp_cost_table_init(struct isakmp_cost_table *t);

/* Set (add or replace) the entry (kind, group, bits).  Returns false when
 * the kind is out of range or the table is full. */
bool isakmp_cost_set(struct isakmp_cost_table *t, enum isakmp_cost_kind kind,
                     uint16_t group, uint32_t bits, uint64_t ns);

/* The virtual cost of one operation (rules above).  t == NULL gives 0
 * (no cost table configured).  Never fails. */
uint64_t isakmp_cost_lookup(const struct isakmp_cost_table *t,
                            enum isakmp_cost_kind kind,
                            uint16_t group, uint32_t bits);

/* The default model alone (see above); 0 for a DH group it does not know. */
uint64_t isakmp_cost_model(enum isakmp_cost_kind kind, uint16_t group,
                           uint32_t bits);

/* Parse the text format into *t (entries are added to / replace those
 * already in t; call isakmp_cost_table_init first for a fresh table).
 * `name` is used in error messages ("name:line: message").  On error
 * returns false, writes the message into err (always NUL-terminated when
 * errlen > 0) and leaves t with the lines before the bad one applied. */
bool isakmp_cost_table_parse(struct isakmp_cost_table *t, const char *text,
                             size_t len, const char *name,
                             char *err, size_t errlen);

/* Format *t in the text format (entries in table order, "model on/off"
 * first).  Writes at most cap bytes including the NUL; returns the length
 * the whole text needs (excluding the NUL), like snprintf. */
size_t isakmp_cost_table_format(const struct isakmp_cost_table *t,
                                char *buf, size_t cap);

/* File wrappers for drivers (the simulator, the CLI); the engine itself
 * never calls them.  load = read the file + parse (errors "path:line:
 * ..." or "path: <strerror>"); save = format + write.  false on error,
 * with the message in err. */
bool isakmp_cost_table_load(struct isakmp_cost_table *t, const char *path,
                            char *err, size_t errlen);
bool isakmp_cost_table_save(const struct isakmp_cost_table *t, const char *path,
                            char *err, size_t errlen);

/* What one cryptographic operation cost: filled in by the DH functions
 * (isakmp/dh.h) and available to other crypto code. */
struct isakmp_crypto_cost {
    enum isakmp_cost_kind kind;     /* the operation */
    uint16_t group;                 /* DH group (0 for non-DH) */
    uint32_t bits;                  /* exponent/scalar bits (DH), modulus bits (RSA) */
    uint64_t cpu_ns;                /* measured thread CPU time */
    uint64_t virtual_ns;            /* from the cost table (0 if table NULL) */
};

/* This thread's CPU time in ns: clock_gettime(CLOCK_THREAD_CPUTIME_ID).
 * The one clock read the engine makes; it is a measurement reported in
 * isakmp_crypto_cost.cpu_ns and never influences protocol decisions.
 * 0 if the clock is unavailable. */
uint64_t isakmp_cpu_thread_ns(void);

#ifdef __cplusplus
}
#endif

#endif
