/* The default phase-1 algorithm policy: what is offered and accepted
 * when a configuration names no algorithms.  Weak algorithms (DES, MD5,
 * the 768-bit group 1, keys under 128 bits) stay implemented for
 * research but are left out here. */
#include "isakmp/cipher.h"
#include "isakmp/prf.h"
#include "isakmp/registry.h"

bool isakmp_policy_is_default_allowed(uint16_t cipher, uint16_t key_attr_bits,
                                      uint16_t hash, uint16_t group)
{
    const struct isakmp_cipher_desc *c = isakmp_cipher_find(cipher);
    const struct isakmp_hash_desc *h = isakmp_hash_find(hash);
    size_t key_len;
    if (!c || !h || c->weak || h->weak) return false;
    if (isakmp_cipher_key_len(cipher, key_attr_bits, &key_len) != ISAKMP_CIPHER_OK)
        return false;
    if (c->variable_key && key_len < 16) return false;
    return group != 0 && group != 1;
}

size_t isakmp_default_p1_transforms(uint16_t auth, struct isakmp_p1_transform *out,
                                    size_t max)
{
    static const struct { uint16_t cipher, bits, hash, group; } table[ISAKMP_DEFAULT_P1_COUNT] = {
        { ISAKMP_ENC_AES_CBC, 256, ISAKMP_HASH_SHA2_256, 14 },
        { ISAKMP_ENC_AES_CBC, 128, ISAKMP_HASH_SHA2_256, 14 },
        { ISAKMP_ENC_AES_CBC, 128, ISAKMP_HASH_SHA1, 14 },
        { ISAKMP_ENC_3DES_CBC, 0, ISAKMP_HASH_SHA1, 14 },
        { ISAKMP_ENC_AES_CBC, 128, ISAKMP_HASH_SHA1, 2 },
        { ISAKMP_ENC_3DES_CBC, 0, ISAKMP_HASH_SHA1, 2 },
    };
    size_t n = 0;
    for (; n < ISAKMP_DEFAULT_P1_COUNT && n < max && out; n++) {
        out[n] = (struct isakmp_p1_transform){
            .cipher = table[n].cipher, .key_bits = table[n].bits, .hash = table[n].hash,
            .auth = auth, .group = table[n].group,
        };
    }
    return n;
}
