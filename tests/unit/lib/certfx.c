/* Certificate fixture (see certfx.h). */
#include "certfx.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *cert_data(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "tests/unit/data/certs/%s", name);
    uint8_t *d = read_file(path, len);
    if (!d)
        fprintf(stderr, "cannot read %s (run from the project root)\n", path);
    return d;
}

struct isakmp_rsa_key *cert_load_key(const char *name)
{
    size_t len;
    uint8_t *d = cert_data(name, &len);
    struct isakmp_rsa_key *k = NULL;
    if (d && isakmp_rsa_key_load(d, len, &k, NULL, 0) != ISAKMP_RSA_OK)
        k = NULL;
    free(d);
    return k;
}

bool cert_fx_setup(struct cert_fx *f, const char *b_cert, uint16_t auth)
{
    memset(f, 0, sizeof *f);
    pair_setup(&f->p, 14, 0, "unused", "unused");
    f->p.p1a.auth = f->p.p1b.auth = auth;
    f->ka = cert_load_key("a.key");
    f->kb = cert_load_key("b.key");
    f->ca = cert_data("ca.pem", &f->ca_len);
    f->cert_a = cert_data("a.pem", &f->cert_a_len);
    f->cert_b = cert_data(b_cert, &f->cert_b_len);
    if (!f->ka || !f->kb || !f->ca || !f->cert_a || !f->cert_b)
        return false;
    struct isakmp_config *c[2] = { &f->p.ca, &f->p.cb };
    for (int i = 0; i < 2; i++) {
        c[i]->rsa_key = i ? f->kb : f->ka;
        c[i]->cert = i ? f->cert_b : f->cert_a;
        c[i]->cert_len = i ? f->cert_b_len : f->cert_a_len;
        c[i]->ca_certs = f->ca;
        c[i]->ca_certs_len = f->ca_len;
        c[i]->send_cr = true;
        c[i]->cert_time_base = T_2027_06_01;
        c[i]->allow_base = c[i]->allow_auth_only = true;
    }
    return true;
}

void cert_fx_free(struct cert_fx *f)
{
    pair_free(&f->p);
    isakmp_rsa_key_free(f->ka);
    isakmp_rsa_key_free(f->kb);
    free(f->ca);
    free(f->cert_a);
    free(f->cert_b);
}
