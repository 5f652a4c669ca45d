/* LD_PRELOAD shim for strongSwan 5.9's user-space ESP (kernel-libipsec),
 * used only by the interoperability tests.
 *
 * Why: the test machines' kernel has XFRM but no ESP, so charon needs
 * kernel-libipsec; in 5.9 libipsec only accepts UDP-encapsulated
 * tunnel-mode SAs (ipsec_sa_create refuses the rest).  A peer that does
 * not negotiate NAT-T (ours, so far) then gets every CHILD_SA refused at
 * install time, after a perfectly good Quick Mode.  The tests exercise
 * IKE, not ESP (no traffic flows, policies = no), so this shim passes
 * every SA on to libipsec as UDP-encapsulated tunnel mode.
 *
 * ipsec_sa_create is exported by libipsec.so and called through the PLT,
 * so a preloaded definition takes its place.  The real one is looked up
 * in the already loaded libipsec (RTLD_NOLOAD): the plugin dlopens it
 * without RTLD_GLOBAL, so dlsym(RTLD_NEXT) would not see it.  The prototype is strongSwan 5.9.8's
 * src/libipsec/ipsec_sa.h, with its types spelled out. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { unsigned char *ptr; size_t len; } ix_chunk_t;   /* chunk_t */
typedef struct { uint32_t value, mask; } ix_mark_t;               /* mark_t */
enum { IX_MODE_TRANSPORT = 1, IX_MODE_TUNNEL = 2 };               /* ipsec_mode_t */

typedef void *(*ix_create_fn)(uint32_t spi, void *src, void *dst, uint8_t protocol,
                              uint32_t reqid, ix_mark_t mark, uint32_t tfc, void *lifetime,
                              uint16_t enc_alg, ix_chunk_t enc_key, uint16_t int_alg,
                              ix_chunk_t int_key, int mode, uint16_t ipcomp, uint16_t cpi,
                              bool encap, bool esn, bool inbound);

void *ipsec_sa_create(uint32_t spi, void *src, void *dst, uint8_t protocol,
                      uint32_t reqid, ix_mark_t mark, uint32_t tfc, void *lifetime,
                      uint16_t enc_alg, ix_chunk_t enc_key, uint16_t int_alg,
                      ix_chunk_t int_key, int mode, uint16_t ipcomp, uint16_t cpi,
                      bool encap, bool esn, bool inbound);

void *ipsec_sa_create(uint32_t spi, void *src, void *dst, uint8_t protocol,
                      uint32_t reqid, ix_mark_t mark, uint32_t tfc, void *lifetime,
                      uint16_t enc_alg, ix_chunk_t enc_key, uint16_t int_alg,
                      ix_chunk_t int_key, int mode, uint16_t ipcomp, uint16_t cpi,
                      bool encap, bool esn, bool inbound)
{
    static const char *const names[] = { "libipsec.so.0", "/usr/lib/ipsec/libipsec.so.0" };
    ix_create_fn real = NULL;
    for (size_t i = 0; i < 2 && !real; i++) {
        void *lib = dlopen(names[i], RTLD_LAZY | RTLD_NOLOAD);
        if (lib) {
            real = (ix_create_fn)dlsym(lib, "ipsec_sa_create");
            dlclose(lib);       /* only drops the reference NOLOAD took */
        }
    }
    (void)encap;
    if (!real) {
        fprintf(stderr, "libipsec_shim: libipsec's ipsec_sa_create not found\n");
        return NULL;
    }
    if (mode == IX_MODE_TRANSPORT) mode = IX_MODE_TUNNEL;
    return real(spi, src, dst, protocol, reqid, mark, tfc, lifetime, enc_alg, enc_key,
                int_alg, int_key, mode, ipcomp, cpi, true, esn, inbound);
}
