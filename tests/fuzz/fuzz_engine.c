/* libFuzzer target: the engine under hostile datagrams, deep in a real
 * handshake.  Two engines (memnet, tests/unit/lib) run Main Mode + Quick
 * Mode; the fuzz input is an edit script applied to one genuine message
 * of the handshake, so every input starts from a message the receiver
 * expects (encrypted ones included) and the fuzzer explores from there:
 *
 *   byte 0      which message (1..9) to replace with the edited copy
 *   byte 1      bit 0: also deliver the genuine message afterwards
 *               bit 1: Aggressive Mode instead of Main Mode
 *   byte 2-3    new length (big-endian; 0 = keep), longer = pad with input
 *   then        (offset hi, offset lo, xor) triples applied to the copy
 *
 * Nothing may crash, leak or read out of bounds (ASan), and the engines
 * must be freeable whatever state the edit left them in. */
#include "../unit/lib/pair.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    unsigned k = 1 + data[0] % 9;
    bool also_genuine = data[1] & 1;
    uint8_t xchg = (data[1] & 2) ? ISAKMP_XCHG_AGGRESSIVE : ISAKMP_XCHG_IDPROT;
    size_t new_len = (size_t)data[2] << 8 | data[3];

    struct pair p;
    if (!pair_init(&p, 19, 19, "fuzz", "fuzz")) return 0;
    memnet_drop(p.net, k);
    if (!pair_initiate(&p, xchg, true)) { pair_free(&p); return 0; }
    while (memnet_sent_count(p.net) < k)
        if (!memnet_step(p.net, memnet_now(p.net) + SEC)) break;
    if (memnet_sent_count(p.net) >= k) {
        const struct memnet_packet *pk = memnet_sent(p.net, k);
        static uint8_t m[4096];
        size_t len = pk->len < sizeof m ? pk->len : sizeof m;
        memcpy(m, pk->bytes, len);
        struct isakmp_addr from = pk->from, to = pk->to;
        size_t i = 4;
        if (new_len && new_len <= sizeof m) {
            for (size_t j = len; j < new_len; j++)      /* grow with input bytes */
                m[j] = data[(i + j) % size];
            len = new_len;
        }
        for (; i + 3 <= size; i += 3) {
            size_t off = ((size_t)data[i] << 8 | data[i + 1]);
            if (len) m[off % len] ^= data[i + 2];
        }
        memnet_inject(p.net, m, len, &from, &to);
        if (also_genuine) {
            const struct memnet_packet *g = memnet_sent(p.net, k);
            memnet_inject(p.net, g->bytes, g->len, &g->from, &g->to);
        }
        memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    }
    pair_free(&p);
    return 0;
}
