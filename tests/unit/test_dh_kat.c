/* Diffie-Hellman known answers:
 *  - ../shared/vectors/dh_known_answers.json: for every group we support,
 *    pub_i/pub_r recomputed from priv_i/priv_r, and the shared secret
 *    computed in both directions, full length;
 *    (every group the file holds, Brainpool 27-30 on libgcrypt included:
 *    a vector for an unsupported group fails);
 *  - ../shared/vectors/rfc5903_ecp_vectors.json: RFC 5903 §8 public
 *    values, KE payloads and shared x for groups 19-21. */
#include "lib/check.h"
#include "lib/testutil.h"
#include "isakmp/dh.h"
#include "isakmp/secmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *cur;                 /* the vector of the running case */

static struct isakmp_dh_key *key_from(uint16_t group, const char *field)
{
    size_t n = 0;
    uint8_t *priv = json_hex(cur, field, &n);
    if (!priv)
        return NULL;
    struct isakmp_dh_key *k = NULL;
    struct isakmp_crypto_cost rep;
    enum isakmp_dh_error err = isakmp_dh_key_from_private(group, priv, n, NULL, &k, &rep);
    CHECK_MSG(err == ISAKMP_DH_OK, "%s: %s", field, isakmp_dh_strerror(err));
    if (k) {
        CHECK_INT(rep.kind, ISAKMP_COST_DH_GENERATE);
        CHECK_INT(rep.group, group);
        CHECK_INT(rep.virtual_ns, 0);      /* no cost table given */
        /* export gives back the same value (left-padded) */
        uint8_t back[ISAKMP_DH_MAX_PUBLIC];
        size_t bn = isakmp_dh_key_export_private(k, back, sizeof back);
        CHECK(bn >= n);
        if (bn >= n) {
            for (size_t i = 0; i < bn - n; i++)
                CHECK(back[i] == 0);
            CHECK_MEM(back + (bn - n), n, priv, n);
        }
    }
    isakmp_free_secret(priv, n);
    return k;
}

static void check_shared(const struct isakmp_dh_key *k, const uint8_t *peer,
                         size_t peer_len, const uint8_t *want, size_t want_len)
{
    uint8_t s[ISAKMP_DH_MAX_SHARED];
    size_t sl = 0;
    struct isakmp_crypto_cost rep;
    enum isakmp_dh_error err = isakmp_dh_compute(k, peer, peer_len, s, sizeof s, &sl,
                                                 NULL, &rep);
    CHECK_MSG(err == ISAKMP_DH_OK, "compute: %s", isakmp_dh_strerror(err));
    CHECK_MEM(s, sl, want, want_len);
    CHECK_INT(rep.kind, ISAKMP_COST_DH_COMPUTE);
    isakmp_wipe(s, sizeof s);
}

static void kat_case(void)
{
    uint16_t group = (uint16_t)json_integer_value(json_object_get(cur, "ike_group"));
    const struct isakmp_dh_group_info *info = isakmp_dh_group(group);
    CHECK_MSG(info != NULL, "group %u not supported", group);
    REQUIRE(info != NULL);
    size_t pil, prl, shl;
    uint8_t *pub_i = json_hex(cur, "pub_i", &pil);
    uint8_t *pub_r = json_hex(cur, "pub_r", &prl);
    uint8_t *shared = json_hex(cur, "shared", &shl);
    REQUIRE(pub_i && pub_r && shared);
    CHECK_INT(pil, info->public_len);
    CHECK_INT(shl, info->shared_len);
    struct isakmp_dh_key *ki = key_from(group, "priv_i");
    struct isakmp_dh_key *kr = key_from(group, "priv_r");
    if (ki && kr) {
        size_t n;
        const uint8_t *p = isakmp_dh_public(ki, &n);
        CHECK_MEM(p, n, pub_i, pil);
        p = isakmp_dh_public(kr, &n);
        CHECK_MEM(p, n, pub_r, prl);
        CHECK_INT(isakmp_dh_key_group(ki), group);
        CHECK_INT(isakmp_dh_check_public(group, pub_i, pil), ISAKMP_DH_OK);
        check_shared(ki, pub_r, prl, shared, shl);   /* initiator's view */
        check_shared(kr, pub_i, pil, shared, shl);   /* responder's view */
        /* a copy of a key works the same */
        struct isakmp_dh_key *kd = isakmp_dh_key_dup(ki);
        CHECK(kd != NULL);
        if (kd)
            check_shared(kd, pub_r, prl, shared, shl);
        isakmp_dh_key_free(kd);
    }
    isakmp_dh_key_free(ki);
    isakmp_dh_key_free(kr);
    free(pub_i);
    free(pub_r);
    free(shared);
}

static void rfc5903_case(void)
{
    uint16_t group = (uint16_t)json_integer_value(json_object_get(cur, "ike_group"));
    REQUIRE(isakmp_dh_group(group) != NULL);
    size_t gixl, giyl, grxl, gryl, girl, kil = 0, krl = 0;
    uint8_t *gix = json_hex(cur, "gi_x", &gixl), *giy = json_hex(cur, "gi_y", &giyl);
    uint8_t *grx = json_hex(cur, "gr_x", &grxl), *gry = json_hex(cur, "gr_y", &gryl);
    uint8_t *gir = json_hex(cur, "gir_x", &girl);
    uint8_t *kei = json_hex(cur, "ke_payload_i", &kil);
    uint8_t *ker = json_hex(cur, "ke_payload_r", &krl);
    REQUIRE(gix && giy && grx && gry && gir);
    struct isakmp_dh_key *ki = key_from(group, "i");
    struct isakmp_dh_key *kr = key_from(group, "r");
    if (ki && kr) {
        size_t n;
        const uint8_t *p = isakmp_dh_public(ki, &n);
        CHECK_INT(n, gixl + giyl);
        CHECK_MEM(p, gixl, gix, gixl);
        CHECK_MEM(p + gixl, n - gixl, giy, giyl);
        if (kei)
            CHECK_MEM(p, n, kei, kil);
        const uint8_t *q = isakmp_dh_public(kr, &n);
        CHECK_MEM(q, grxl, grx, grxl);
        CHECK_MEM(q + grxl, n - grxl, gry, gryl);
        if (ker)
            CHECK_MEM(q, n, ker, krl);
        check_shared(ki, q, n, gir, girl);
        check_shared(kr, p, n, gir, girl);
    }
    isakmp_dh_key_free(ki);
    isakmp_dh_key_free(kr);
    free(gix); free(giy); free(grx); free(gry); free(gir); free(kei); free(ker);
}

int main(void)
{
    json_t *all = load_shared_json("vectors/dh_known_answers.json");
    size_t i;
    json_t *v;
    char name[96];
    int supported = 0;
    json_array_foreach(all, i, v) {
        cur = v;
        snprintf(name, sizeof name, "kat_group_%lld_%s",
                 (long long)json_integer_value(json_object_get(v, "ike_group")),
                 json_string_value(json_object_get(v, "name")));
        if (isakmp_dh_group((uint16_t)json_integer_value(json_object_get(v, "ike_group"))))
            supported++;
        RUN_NAMED(name, kat_case);
    }
    printf("# %d of the %zu vectors are for supported groups\n", supported,
           json_array_size(all));
    json_decref(all);

    json_t *ecp = load_shared_json("vectors/rfc5903_ecp_vectors.json");
    json_array_foreach(ecp, i, v) {
        cur = v;
        snprintf(name, sizeof name, "rfc5903_group_%lld",
                 (long long)json_integer_value(json_object_get(v, "ike_group")));
        RUN_NAMED(name, rfc5903_case);
    }
    json_decref(ecp);
    return check_summary();
}
