/* libFuzzer target: RSA key and X.509 loading.  Certificate payloads come
 * from the network, so these parsers see hostile bytes; they must refuse
 * garbage cleanly, never read out of bounds, and never leak. */
#include "isakmp/rsa.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct isakmp_rsa_key *key = NULL;
    char err[128];
    if (isakmp_rsa_key_load(data, size, &key, err, sizeof err) == 0)
        isakmp_rsa_key_free(key);

    struct isakmp_x509_view v;
    if (isakmp_x509_view(data, size, &v) == 0) {
        /* The spans must lie inside the input. */
        if (v.tbs < data || v.tbs + v.tbs_len > data + size ||
            v.subject < data || v.subject + v.subject_len > data + size ||
            v.spki < data || v.spki + v.spki_len > data + size)
            abort();
    }

    uint8_t *der = NULL;
    size_t der_len = 0;
    if (isakmp_pem_decode(data, size, "CERTIFICATE", &der, &der_len) == 0)
        free(der);
    return 0;
}
