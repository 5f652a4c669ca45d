/* The scenario reader: the example scenarios parse to the values written in
 * them; every kind of mistake is refused with the right FILE:LINE message;
 * overrides apply (and bad ones are refused the same way); sweeps expand to
 * every combination x replication in a stable order; units parse exactly. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "scenario.h"
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

/* Write text to TMPDIR/name; returns the path (static buffer). */
static const char *write_tmp(const char *name, const char *text)
{
    static char path[128];
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/test_scenario.XXXXXX");
        if (!mkdtemp(tmpdir))
            return NULL;
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fputs(text, f);
    fclose(f);
    return path;
}

/* ---- the examples ----------------------------------------------------------- */

static void basic_main_mode_parses(void)
{
    char err[512];
    struct isakmp_scenario *s = isakmp_scenario_load("scenarios/basic-main-mode.cfg", NULL, 0,
                                                     err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    REQUIRE(s != NULL);
    CHECK_STR(s->name, "basic-main-mode");
    CHECK_INT(s->seed, 1);
    CHECK_INT(s->run, 1);
    CHECK_INT(s->duration_ns, 10000000000ll);
    CHECK_INT(s->sample_period_ns, 100000000);
    CHECK(s->pcap_all && s->trace);
    REQUIRE(s->n_nodes == 2 && s->n_links == 1 && s->n_policies == 1);
    int alice = isakmp_scenario_node(s, "alice"), bob = isakmp_scenario_node(s, "bob");
    CHECK_INT(alice, 0);
    CHECK_INT(bob, 1);
    CHECK_INT(s->nodes[alice].role, ISAKMP_SCN_INITIATOR);
    CHECK_INT(s->nodes[bob].role, ISAKMP_SCN_RESPONDER);
    CHECK_INT(s->nodes[bob].address, 0x0a000002);
    CHECK_INT(s->nodes[alice].initiate.peer, bob);
    CHECK_INT(s->nodes[alice].initiate.start_ns, 100000000);
    CHECK_INT(s->nodes[alice].initiate.count, 1);
    CHECK_INT(s->nodes[alice].initiate.quick_modes, 1);
    CHECK_INT(s->nodes[alice].cores, 1);
    const struct isakmp_scn_link *l = &s->links[0];
    CHECK_INT(l->type, ISAKMP_SCN_P2P);
    CHECK_INT(l->rate_bps, 100000000);
    CHECK_INT(l->delay_ns, 1000000);
    CHECK_INT(l->queue_packets, 100);
    CHECK_INT(l->n_ends, 2);
    CHECK_INT(l->addrs[0], 0x0a000001);
    const struct isakmp_scn_policy *p = &s->policies[0];
    CHECK_INT(s->nodes[alice].policy, 0);
    CHECK_INT(p->mode, ISAKMP_SCN_MAIN);
    CHECK_INT(p->auth, ISAKMP_AUTH_PSK);
    CHECK_MEM(p->psk, p->psk_len, "lab-secret-1", 12);
    REQUIRE(p->n_p1 == 1 && p->n_p2 == 1);
    CHECK_INT(p->p1[0].cipher, ISAKMP_ENC_AES_CBC);
    CHECK_INT(p->p1[0].key_bits, 128);
    CHECK_INT(p->p1[0].hash, ISAKMP_HASH_SHA1);
    CHECK_INT(p->p1[0].group, 14);
    CHECK_INT(p->p1[0].auth, ISAKMP_AUTH_PSK);
    CHECK_INT(p->p1[0].life_seconds, 8 * 3600);
    CHECK_INT(p->p2[0].n_protocols, 1);
    CHECK_INT(p->p2[0].protocols[0].protocol, ISAKMP_PROTO_ESP);
    CHECK_INT(p->p2[0].protocols[0].transform, ISAKMP_ESP_AES);
    CHECK_INT(p->p2[0].protocols[0].key_bits, 128);
    CHECK_INT(p->p2[0].protocols[0].auth, ISAKMP_AALG_HMAC_SHA);
    CHECK_INT(p->p2[0].protocols[0].encap, ISAKMP_ENCAP_TUNNEL);
    CHECK_INT(p->p2[0].pfs_group, 0);
    CHECK_INT(p->p2[0].life_seconds, 3600);
    CHECK_INT(p->retransmit_initial_ns, 1000000000);
    CHECK_INT(p->retransmit_factor, 2);
    CHECK_INT(p->retransmit_cap_ns, 8000000000ll);
    CHECK_INT(p->retransmit_tries, 4);
    CHECK(!p->short_exponent);
    CHECK_INT(p->identity.type, ISAKMP_ID_IPV4_ADDR);
    CHECK_INT(p->identity.len, 0);
    CHECK_INT(s->sweep.n_params, 0);
    isakmp_scenario_free(s);
}

static void default_flood_parses(void)
{
    char err[512];
    struct isakmp_scenario *s = isakmp_scenario_load("scenarios/default-flood.cfg", NULL, 0,
                                                     err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    REQUIRE(s != NULL);
    CHECK_STR(s->name, "default-flood");
    CHECK_INT(s->n_nodes, 10);
    int gw = isakmp_scenario_node(s, "gw");
    REQUIRE(gw == 0);
    CHECK_INT(s->nodes[gw].role, ISAKMP_SCN_RESPONDER);
    CHECK(!s->nodes[gw].defence.cookies);
    CHECK_INT(s->nodes[gw].defence.half_open_max, 10000);
    int legit = 0;
    for (size_t i = 0; i < s->n_nodes; i++)
        if (s->nodes[i].role == ISAKMP_SCN_INITIATOR) {
            legit++;
            CHECK_INT(s->nodes[i].initiate.peer, gw);   /* the only responder */
            CHECK_INT(s->nodes[i].initiate.arrival, ISAKMP_SCN_ARRIVAL_POISSON);
            CHECK_INT(s->nodes[i].initiate.count, 0);
        }
    CHECK_INT(legit, 8);
    REQUIRE(s->n_links == 1);
    CHECK_INT(s->links[0].type, ISAKMP_SCN_CSMA);
    CHECK_INT(s->links[0].n_ends, 10);
    CHECK_INT(s->policies[0].n_p1, 2);
    CHECK_INT(s->policies[0].p1[1].cipher, ISAKMP_ENC_3DES_CBC);
    CHECK_INT(s->policies[0].p1[1].key_bits, 0);
    CHECK_INT(s->policies[0].p1[1].group, 2);
    REQUIRE(s->n_attacks == 1);
    const struct isakmp_scn_attack *a = &s->attacks[0];
    CHECK_STR(a->name, "flood");
    CHECK_INT(a->kind, ISAKMP_SCN_SPOOFED_FLOOD);
    CHECK_INT(a->node, isakmp_scenario_node(s, "mallory"));
    CHECK_INT(a->target, gw);
    CHECK(a->rate == 200.0);
    CHECK_INT(a->start_ns, 5000000000ll);
    CHECK_INT(a->stop_ns, 25000000000ll);
    CHECK_INT(a->n_pools, 2);
    CHECK_INT(a->pools[1].addr, 0xcb007100);
    CHECK_INT(a->pools[1].len, 24);
    CHECK(a->random_sources);
    CHECK_INT(s->sweep.replications, 5);
    REQUIRE(s->sweep.n_params == 2);
    CHECK_STR(s->sweep.params[0].path, "nodes.gw.defence.cookies");
    CHECK_INT(s->sweep.params[0].n_values, 2);
    CHECK_STR(s->sweep.params[0].values[1], "true");
    CHECK_INT(s->sweep.params[1].n_values, 6);
    CHECK_STR(s->sweep.params[1].values[5], "2000");
    isakmp_scenario_free(s);
}

/* ---- errors --------------------------------------------------------------- */

static const char *const base[] = {
    "name = \"t\";",                                                         /* 1 */
    "duration = \"10s\";",                                                   /* 2 */
    "policies = { p = { auth = \"psk\"; psk = \"k\"; phase1 = ( { cipher = \"aes\"; hash = \"sha1\"; group = \"modp2048\"; } ); }; };", /* 3 */
    "nodes = {",                                                             /* 4 */
    "  a = { address = \"10.0.0.1\"; role = \"initiator\"; policy = \"p\"; };", /* 5 */
    "  b = { address = \"10.0.0.2\"; role = \"responder\"; policy = \"p\"; };", /* 6 */
    "};",                                                                    /* 7 */
    "links = {",                                                             /* 8 */
    "  l1 = { nodes = [\"a\", \"b\"]; rate = \"10Mbps\"; delay = \"10ms\"; };", /* 9 */
    "};",                                                                    /* 10 */
    NULL,
};

/* The base scenario with line `line` replaced (0: none) and `extra` appended. */
static char *variant(int line, const char *repl, const char *extra)
{
    static char buf[4096];
    buf[0] = '\0';
    for (int i = 0; base[i]; i++) {
        strcat(buf, i + 1 == line ? repl : base[i]);
        strcat(buf, "\n");
    }
    if (extra)
        strcat(buf, extra);
    return buf;
}

struct bad_case {
    const char *name;
    int line;            /* line replaced */
    const char *repl;
    const char *extra;
    int err_line;        /* expected line in the message; 0 = none */
    const char *msg;     /* expected text after "FILE:LINE: " */
};

static const struct bad_case bad_cases[] = {
    { "syntax", 9, "  l1 = { nodes = [\"a\", \"b\"]; rate = 10Mbps; delay = \"10ms\"; };", NULL,
      9, "syntax error" },
    { "unknown_key", 9, "  l1 = { nodes = [\"a\", \"b\"]; rate = \"10Mbps\"; dealy = \"10ms\"; };", NULL,
      9, "link 'l1': unknown setting 'dealy'" },
    { "unknown_top_level", 2, "duraton = \"10s\";", NULL, 2, "scenario: unknown setting 'duraton'" },
    { "wrong_type", 5, "  a = { address = 10; role = \"initiator\"; policy = \"p\"; };", NULL,
      5, "node 'a': 'address' must be a string" },
    { "bad_duration_unit", 9, "  l1 = { nodes = [\"a\", \"b\"]; rate = \"10Mbps\"; delay = \"10 parsecs\"; };", NULL,
      9, "link 'l1': 'delay' must be a duration like \"10ms\" or a number of seconds" },
    { "bad_rate_unit", 9, "  l1 = { nodes = [\"a\", \"b\"]; rate = \"10Mbit\"; delay = \"10ms\"; };", NULL,
      9, "link 'l1': 'rate' must be a rate like \"10Mbps\" or a number of bit/s" },
    { "zero_rate", 9, "  l1 = { nodes = [\"a\", \"b\"]; rate = 0; delay = \"10ms\"; };", NULL,
      9, "link 'l1': 'rate' must be > 0" },
    { "unknown_node", 9, "  l1 = { nodes = [\"a\", \"c\"]; rate = \"10Mbps\"; delay = \"10ms\"; };", NULL,
      9, "link 'l1': unknown node 'c'" },
    { "duplicate_name", 6, "  a = { address = \"10.0.0.2\"; role = \"responder\"; policy = \"p\"; };", NULL,
      6, "syntax error: duplicate setting name" },
    { "link_named_like_node", 10, "  a = { nodes = [\"a\", \"b\"]; rate = 1; delay = 1; };\n};", NULL,
      10, "link 'a': the name is already a node's" },
    { "overlapping_address", 6, "  b = { address = \"10.0.0.1\"; role = \"responder\"; policy = \"p\"; };", NULL,
      6, "node 'b': address 10.0.0.1 is already node 'a''s" },
    { "not_one_subnet", 6, "  b = { address = \"10.0.1.2\"; role = \"responder\"; policy = \"p\"; };", NULL,
      9, "link 'l1': 10.0.0.1 and 10.0.1.2 are not in one /24 subnet" },
    { "missing_psk", 3, "policies = { p = { auth = \"psk\"; phase1 = ( { cipher = \"aes\"; hash = \"sha1\"; group = \"modp2048\"; } ); }; };", NULL,
      3, "policy 'p': auth psk needs the key" },
    { "unknown_cipher", 3, "policies = { p = { psk = \"k\"; phase1 = ( { cipher = \"aes-gcm\"; hash = \"sha1\"; group = 14; } ); }; };", NULL,
      3, "policy 'p': phase1[0]: unknown cipher \"aes-gcm\"" },
    { "unknown_group", 3, "policies = { p = { psk = \"k\"; phase1 = ( { cipher = \"aes\"; hash = \"sha1\"; group = \"modp9999\"; } ); }; };", NULL,
      3, "policy 'p': phase1[0]: unknown group \"modp9999\"" },
    { "unsupported_group_number", 3, "policies = { p = { psk = \"k\"; phase1 = ( { cipher = \"aes\"; hash = \"sha1\"; group = 3; } ); }; };", NULL,
      3, "policy 'p': phase1[0]: unknown group 3" },
    { "bad_keylen", 3, "policies = { p = { psk = \"k\"; phase1 = ( { cipher = \"aes\"; keylen = 100; hash = \"sha1\"; group = 14; } ); }; };", NULL,
      3, "policy 'p': phase1[0]: aes 'keylen' must be 128, 192 or 256" },
    { "unknown_policy", 5, "  a = { address = \"10.0.0.1\"; role = \"initiator\"; policy = \"q\"; };", NULL,
      5, "node 'a': unknown policy 'q'" },
    { "bad_role", 5, "  a = { address = \"10.0.0.1\"; role = \"client\"; policy = \"p\"; };", NULL,
      5, "node 'a': 'role' must be one of responder, initiator, attacker, middlebox (not \"client\")" },
    { "missing_duration", 2, "", NULL, 0, "scenario: missing 'duration'" },
    { "dotted_name_is_syntax", 0, NULL,
      "nodes.m = { address = \"10.0.0.9\"; role = \"attacker\"; };\n"
      "links.l1.nodes = [\"a\", \"b\"];\n", 11, "syntax error" },
    { "flood_rate_zero", 10, "  l2 = { nodes = [\"b\", \"m\"]; addresses = [\"10.0.1.2\", \"10.0.1.9\"]; rate = 1; delay = 0; };\n};",
      "attack = { f = { kind = \"spoofed-flood\"; node = \"m\"; target = \"b\";\n"
      "                 rate = 0; }; };\n", 13, "attack 'f': 'rate' must be > 0 messages per second" },
    { "flood_target_not_responder", 10, "  l2 = { nodes = [\"b\", \"m\"]; addresses = [\"10.0.1.2\", \"10.0.1.9\"]; rate = 1; delay = 0; };\n};",
      "attack = { f = { kind = \"spoofed-flood\"; node = \"m\"; target = \"a\"; rate = 5; }; };\n",
      12, "attack 'f': target 'a' is not a responder" },
    { "second_link_same_address", 10, "  l2 = { nodes = [\"b\", \"m\"]; rate = 1; delay = 0; };\n};", NULL,
      10, "link 'l2': node 'b' already has 10.0.0.2 on link 'l1': give this link 'addresses'" },
    { "condition_unknown_link", 0, NULL, "conditions = ( { start = \"1s\"; link = \"l9\"; loss = 0.1; } );\n",
      11, "condition 1: unknown link 'l9'" },
    { "condition_no_effect", 0, NULL, "conditions = ( { start = \"1s\"; link = \"l1\"; } );\n",
      11, "condition 1: changes nothing" },
    { "int_beyond_32_bits", 9, "  l1 = { nodes = [\"a\", \"b\"]; rate = 5000000000; delay = \"10ms\"; };", NULL,
      9, "integer 5000000000 does not fit in 32 bits: write 5000000000L" },
    { "sweep_zero_step", 0, NULL,
      "sweep = { parameters = ( { path = \"links.l1.queue\"; start = 1; stop = 4; step = 0; } ); };\n",
      11, "sweep parameter 1: 'step' must be non-zero" },
};

/* For the attacker cases, node m must exist: insert it into the nodes group. */
static char *bad_text(const struct bad_case *k)
{
    char *t = variant(k->line, k->repl, k->extra);
    if (strstr(t, "\"m\"") && !strstr(t, "nodes.m")) {
        static char buf[4096];
        const char *at = strstr(t, "};\nlinks");
        size_t head = (size_t)(at - t);
        snprintf(buf, sizeof buf, "%.*s  m = { address = \"10.0.1.9\"; role = \"attacker\"; };\n%s",
                 (int)head, t, at);
        return buf;
    }
    return t;
}

static const struct bad_case *current;

static void one_bad_case(void)
{
    const struct bad_case *k = current;
    char *text = bad_text(k);
    /* the inserted attacker line shifts everything after line 6 by one */
    int shift = (strstr(text, "  m = {") && k->err_line > 6) ? 1 : 0;
    const char *path = write_tmp("bad.cfg", text);
    REQUIRE(path != NULL);
    char err[512], want[512];
    struct isakmp_scenario *s = isakmp_scenario_load(path, NULL, 0, err, sizeof err);
    CHECK_MSG(s == NULL, "accepted:\n%s", text);
    isakmp_scenario_free(s);
    if (k->err_line)
        snprintf(want, sizeof want, "%s:%d: %s", path, k->err_line + shift, k->msg);
    else
        snprintf(want, sizeof want, "%s: %s", path, k->msg);
    CHECK_MSG(strncmp(err, want, strlen(want)) == 0, "got  \"%s\"\nwant \"%s...\"", err, want);
}

static void missing_file(void)
{
    char err[512];
    CHECK(isakmp_scenario_load("/nonexistent/x.cfg", NULL, 0, err, sizeof err) == NULL);
    CHECK_MSG(strncmp(err, "/nonexistent/x.cfg: cannot read the file", 40) == 0, "%s", err);
}

static void base_is_valid(void)
{
    char err[512];
    struct isakmp_scenario *s = isakmp_scenario_parse(variant(0, NULL, NULL), "t.cfg", NULL, 0,
                                                      err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    if (s) {
        CHECK_INT(s->links[0].delay_ns, 10000000);
        CHECK_INT(s->nodes[0].initiate.peer, 1);
    }
    isakmp_scenario_free(s);
    /* with the L suffix, 64-bit values are fine; hex, floats and digits in
     * strings or comments are not integers to check */
    s = isakmp_scenario_parse(variant(9, "  l1 = { nodes = [\"a\", \"b\"]; rate = 5000000000L; "
                                         "delay = 1.0e10; queue = 0x10; }; # 99999999999", NULL),
                              "t.cfg", NULL, 0, err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    if (s) {
        CHECK_INT(s->links[0].rate_bps, 5000000000ll);
        CHECK_INT(s->links[0].queue_packets, 16);
    }
    isakmp_scenario_free(s);
}

/* ---- overrides -------------------------------------------------------------- */

static void overrides_apply(void)
{
    const char *sets[] = {
        "links.l1.delay = 5ms",                        /* string setting: verbatim */
        "nodes.b.cores=4",                             /* absent: created as an integer */
        "nodes.b.defence.cookies=true",                /* group created on the way */
        "policies.p.phase1.[0].group=modp1024",        /* list element by [index] */
        "policies.p.phase1.0.hash=md5",                /* ... or by plain index */
        "seed=7",
        "name=\"1234\"",                               /* quotes force a string */
    };
    char err[512];
    struct isakmp_scenario *s = isakmp_scenario_parse(variant(0, NULL, NULL), "t.cfg", sets,
                                                      sizeof sets / sizeof sets[0], err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    REQUIRE(s != NULL);
    CHECK_INT(s->links[0].delay_ns, 5000000);
    CHECK_INT(s->nodes[1].cores, 4);
    CHECK(s->nodes[1].defence.cookies);
    CHECK_INT(s->policies[0].p1[0].group, 2);
    CHECK_INT(s->policies[0].p1[0].hash, ISAKMP_HASH_MD5);
    CHECK_INT(s->seed, 7);
    CHECK_STR(s->name, "1234");
    isakmp_scenario_free(s);
}

static void bad_overrides_refused(void)
{
    static const struct { const char *set, *msg; } cases[] = {
        { "links.l1.dealy=5ms", "t.cfg: --set links.l1.dealy=5ms: link 'l1': unknown setting 'dealy'" },
        { "nodes.b.cores=abc", "t.cfg: --set nodes.b.cores=abc: node 'b': 'cores' must be an integer" },
        { "links.l1.rate=-5", "t.cfg: --set links.l1.rate=-5: link 'l1': 'rate' must be a rate" },
        { "links.l1.delay=fast", "t.cfg: --set links.l1.delay=fast: link 'l1': 'delay' must be a duration" },
        { "nodes.b=3", "t.cfg: --set nodes.b=3: 'b' is a group or list, not a single value" },
        { "nodes.b.cores", "t.cfg: --set nodes.b.cores: expected PATH=VALUE" },
        { "policies.p.phase1.[3].group=1", "t.cfg: --set policies.p.phase1.[3].group=1: there is no element 3" },
        { "policies.p.phase1.[0].group=modp9", "t.cfg: --set policies.p.phase1.[0].group=modp9: policy 'p': phase1[0]: unknown group" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512];
        const char *set = cases[i].set;
        struct isakmp_scenario *s = isakmp_scenario_parse(variant(0, NULL, NULL), "t.cfg", &set, 1,
                                                          err, sizeof err);
        CHECK_MSG(s == NULL, "accepted %s", set);
        isakmp_scenario_free(s);
        CHECK_MSG(strncmp(err, cases[i].msg, strlen(cases[i].msg)) == 0, "got  \"%s\"\nwant \"%s...\"",
                  err, cases[i].msg);
    }
}

/* ---- sweeps ------------------------------------------------------------------ */

static void sweep_expansion_order(void)
{
    const char *extra =
        "run = 10;\n"
        "sweep = { replications = 2; parameters = (\n"
        "  { path = \"links.l1.queue\"; values = [10, 20]; },\n"
        "  { path = \"links.l1.delay\"; start = 0.5; stop = 1.5; step = 0.5; },\n"
        "  { path = \"nodes.b.defence.stateless\"; values = [true]; }\n"
        "); };\n";
    char err[512];
    struct isakmp_scenario *s = isakmp_scenario_parse(variant(0, NULL, extra), "t.cfg", NULL, 0,
                                                      err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    REQUIRE(s != NULL);
    size_t n = 0;
    struct isakmp_scn_run *runs = isakmp_scn_sweep_expand(s, &n, err, sizeof err);
    REQUIRE(runs != NULL);
    CHECK_INT(n, 2 * 3 * 1 * 2);
    /* the expected order, written as nested loops: replication outermost,
     * then the parameters in file order, the last one fastest */
    const char *queues[] = { "10", "20" }, *delays[] = { "0.5", "1.0", "1.5" };
    size_t idx = 0;
    for (unsigned rep = 0; rep < 2; rep++)
        for (int q = 0; q < 2; q++)
            for (int d = 0; d < 3; d++, idx++) {
                REQUIRE(idx < n && runs[idx].n_set == 3);
                char want[3][64];
                snprintf(want[0], 64, "links.l1.queue=%s", queues[q]);
                snprintf(want[1], 64, "links.l1.delay=%s", delays[d]);
                snprintf(want[2], 64, "nodes.b.defence.stateless=true");
                for (int k = 0; k < 3; k++)
                    CHECK_STR(runs[idx].set[k], want[k]);
                CHECK_INT(runs[idx].replication, rep);
                CHECK_INT(runs[idx].run, 10 + rep);
                CHECK_INT(runs[idx].point, q * 3 + d);
                CHECK_INT(runs[idx].index, idx);
                CHECK_STR(runs[idx].values[1], delays[d]);
                /* every run's overrides give a valid scenario with its values */
                struct isakmp_scenario *p = isakmp_scenario_parse(variant(0, NULL, extra), "t.cfg",
                                                                  (const char *const *)runs[idx].set, 3,
                                                                  err, sizeof err);
                CHECK_MSG(p != NULL, "%s", err);
                if (p) {
                    CHECK_INT(p->links[0].queue_packets, q ? 20 : 10);
                    CHECK_INT(p->links[0].delay_ns, 500000000ll * (d + 1));
                    CHECK(p->nodes[1].defence.stateless && p->nodes[1].defence.cookies);
                }
                isakmp_scenario_free(p);
            }
    isakmp_scn_runs_free(runs, n);
    isakmp_scenario_free(s);
}

static void default_flood_sweep(void)
{
    char err[512];
    struct isakmp_scenario *s = isakmp_scenario_load("scenarios/default-flood.cfg", NULL, 0,
                                                     err, sizeof err);
    REQUIRE(s != NULL);
    size_t n = 0;
    struct isakmp_scn_run *runs = isakmp_scn_sweep_expand(s, &n, err, sizeof err);
    REQUIRE(runs != NULL);
    CHECK_INT(n, 2 * 6 * 5);
    static const double rates[] = { 50, 100, 200, 500, 1000, 2000 };
    for (size_t i = 0; i < n; i++) {
        struct isakmp_scenario *p = isakmp_scenario_load("scenarios/default-flood.cfg",
                                                         (const char *const *)runs[i].set,
                                                         runs[i].n_set, err, sizeof err);
        CHECK_MSG(p != NULL, "%s", err);
        if (!p)
            continue;
        size_t point = i % 12;
        CHECK_INT(p->nodes[0].defence.cookies, point / 6);
        CHECK(p->attacks[0].rate == rates[point % 6]);
        CHECK_INT(runs[i].run, 1 + i / 12);
        isakmp_scenario_free(p);
    }
    isakmp_scn_runs_free(runs, n);
    isakmp_scenario_free(s);
}

static void no_sweep_is_one_run(void)
{
    char err[512];
    struct isakmp_scenario *s = isakmp_scenario_parse(variant(0, NULL, NULL), "t.cfg", NULL, 0,
                                                      err, sizeof err);
    REQUIRE(s != NULL);
    size_t n = 0;
    struct isakmp_scn_run *runs = isakmp_scn_sweep_expand(s, &n, err, sizeof err);
    CHECK_INT(n, 1);
    CHECK(runs && runs[0].n_set == 0 && runs[0].run == 1);
    isakmp_scn_runs_free(runs, n);
    isakmp_scenario_free(s);
}

static void sweep_duplicate_path(void)
{
    const char *extra = "sweep = { parameters = ( { path = \"seed\"; values = [1]; },\n"
                        "  { path = \"seed\"; values = [2]; } ); };\n";
    char err[512];
    CHECK(isakmp_scenario_parse(variant(0, NULL, extra), "t.cfg", NULL, 0, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "t.cfg:12: sweep: 'seed' is swept twice") == err, "%s", err);
}

/* ---- units ------------------------------------------------------------------- */

static void units_parse_exactly(void)
{
    uint64_t v = 0;
    CHECK(isakmp_parse_duration("1.5s", &v) && v == 1500000000ull);
    CHECK(isakmp_parse_duration("0.1s", &v) && v == 100000000ull);
    CHECK(isakmp_parse_duration(" 250 us ", &v) && v == 250000ull);
    CHECK(isakmp_parse_duration("2min", &v) && v == 120000000000ull);
    CHECK(isakmp_parse_duration("3", &v) && v == 3000000000ull);
    CHECK(isakmp_parse_duration("7ns", &v) && v == 7);
    CHECK(!isakmp_parse_duration("1.2.3s", &v));
    CHECK(!isakmp_parse_duration("ms", &v));
    CHECK(!isakmp_parse_duration("-1s", &v));
    CHECK(!isakmp_parse_duration("10 sec", &v));
    CHECK(!isakmp_parse_duration("99999999999999h", &v));   /* > 2^64 ns */
    CHECK(isakmp_parse_rate("1.5Gbps", &v) && v == 1500000000ull);
    CHECK(isakmp_parse_rate("64kbps", &v) && v == 64000);
    CHECK(isakmp_parse_rate("10Mb/s", &v) && v == 10000000);
    CHECK(!isakmp_parse_rate("10MBps", &v));
    CHECK(isakmp_parse_size("64KiB", &v) && v == 65536);
    CHECK(isakmp_parse_size("1.5kB", &v) && v == 1500);
    CHECK(isakmp_parse_size("1500", &v) && v == 1500);
    uint32_t a;
    unsigned len;
    CHECK(isakmp_parse_ipv4_prefix("198.51.100.0/24", &a, &len) && a == 0xc6336400u && len == 24);
    CHECK(!isakmp_parse_ipv4_prefix("198.51.100.1/24", &a, &len));   /* host bits set */
    CHECK(!isakmp_parse_ipv4_prefix("198.51.100.0/33", &a, &len));
    char buf[16];
    CHECK_STR(isakmp_format_ipv4(0x0a000001, buf), "10.0.0.1");
}

int main(void)
{
    RUN(basic_main_mode_parses);
    RUN(default_flood_parses);
    RUN(base_is_valid);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char name[96];
        snprintf(name, sizeof name, "bad_scenario_%s", bad_cases[i].name);
        current = &bad_cases[i];
        RUN_NAMED(name, one_bad_case);
    }
    RUN(missing_file);
    RUN(overrides_apply);
    RUN(bad_overrides_refused);
    RUN(sweep_expansion_order);
    RUN(default_flood_sweep);
    RUN(no_sweep_is_one_run);
    RUN(sweep_duplicate_path);
    RUN(units_parse_exactly);
    if (tmpdir[0]) {
        char path[128];
        snprintf(path, sizeof path, "%s/bad.cfg", tmpdir);
        unlink(path);
        rmdir(tmpdir);
    }
    return check_summary();
}
