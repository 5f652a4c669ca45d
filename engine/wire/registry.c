/* The number registries of ISAKMP, IKEv1 and the IPsec DOI, as tables.
 * One table per registry; ranges name reserved / private-use blocks.
 * Names follow the RFC (or IANA) spelling so a dump can be checked
 * against the standard by eye. */
#include "isakmp/registry.h"

#define ROW(v, n) { (v), (v), (n) }
#define RANGE(a, b, n) { (a), (b), (n) }
#define TABLE(name) static const struct isakmp_reg_entry name[]

TABLE(exchange_tbl) = {
    ROW(0, "NONE"), ROW(1, "Base"), ROW(2, "Identity Protection (Main Mode)"),
    ROW(3, "Authentication Only"), ROW(4, "Aggressive"), ROW(5, "Informational"),
    ROW(6, "Transaction (Config Mode)"), RANGE(7, 31, "ISAKMP Future Use"),
    ROW(32, "Quick Mode"), ROW(33, "New Group Mode"),
    /* IKEv2 numbers, named so that a refused IKEv2 message reads well */
    ROW(34, "IKE_SA_INIT (IKEv2)"), ROW(35, "IKE_AUTH (IKEv2)"),
    ROW(36, "CREATE_CHILD_SA (IKEv2)"), ROW(37, "INFORMATIONAL (IKEv2)"),
    RANGE(38, 239, "DOI Specific Use"), RANGE(240, 255, "Private Use"),
};

TABLE(payload_tbl) = {
    ROW(0, "NONE"), ROW(1, "Security Association"), ROW(2, "Proposal"), ROW(3, "Transform"),
    ROW(4, "Key Exchange"), ROW(5, "Identification"), ROW(6, "Certificate"),
    ROW(7, "Certificate Request"), ROW(8, "Hash"), ROW(9, "Signature"), ROW(10, "Nonce"),
    ROW(11, "Notification"), ROW(12, "Delete"), ROW(13, "Vendor ID"),
    ROW(14, "Attribute (Config Mode)"), RANGE(15, 19, "Reserved"),
    ROW(20, "NAT-D (RFC 3947)"), ROW(21, "NAT-OA (RFC 3947)"), RANGE(22, 127, "Reserved"),
    ROW(130, "NAT-D (draft)"), ROW(131, "NAT-OA (draft)"),
    RANGE(128, 255, "Private Use"),
};

TABLE(notify_tbl) = {
    ROW(1, "INVALID-PAYLOAD-TYPE"), ROW(2, "DOI-NOT-SUPPORTED"),
    ROW(3, "SITUATION-NOT-SUPPORTED"), ROW(4, "INVALID-COOKIE"),
    ROW(5, "INVALID-MAJOR-VERSION"), ROW(6, "INVALID-MINOR-VERSION"),
    ROW(7, "INVALID-EXCHANGE-TYPE"), ROW(8, "INVALID-FLAGS"), ROW(9, "INVALID-MESSAGE-ID"),
    ROW(10, "INVALID-PROTOCOL-ID"), ROW(11, "INVALID-SPI"), ROW(12, "INVALID-TRANSFORM-ID"),
    ROW(13, "ATTRIBUTES-NOT-SUPPORTED"), ROW(14, "NO-PROPOSAL-CHOSEN"),
    ROW(15, "BAD-PROPOSAL-SYNTAX"), ROW(16, "PAYLOAD-MALFORMED"),
    ROW(17, "INVALID-KEY-INFORMATION"), ROW(18, "INVALID-ID-INFORMATION"),
    ROW(19, "INVALID-CERT-ENCODING"), ROW(20, "INVALID-CERTIFICATE"),
    ROW(21, "CERT-TYPE-UNSUPPORTED"), ROW(22, "INVALID-CERT-AUTHORITY"),
    ROW(23, "INVALID-HASH-INFORMATION"), ROW(24, "AUTHENTICATION-FAILED"),
    ROW(25, "INVALID-SIGNATURE"), ROW(26, "ADDRESS-NOTIFICATION"),
    ROW(27, "NOTIFY-SA-LIFETIME"), ROW(28, "CERTIFICATE-UNAVAILABLE"),
    ROW(29, "UNSUPPORTED-EXCHANGE-TYPE"), ROW(30, "UNEQUAL-PAYLOAD-LENGTHS"),
    RANGE(31, 8191, "Reserved (Future Use)"), RANGE(8192, 16383, "Private Use (errors)"),
    ROW(16384, "CONNECTED"), RANGE(16385, 24575, "Reserved (Future Use, status)"),
    ROW(24576, "RESPONDER-LIFETIME"), ROW(24577, "REPLAY-STATUS"),
    ROW(24578, "INITIAL-CONTACT"), RANGE(24579, 32767, "DOI-specific (status)"),
    ROW(36136, "R-U-THERE"), ROW(36137, "R-U-THERE-ACK"),
    RANGE(32768, 40959, "Private Use (status)"), RANGE(40960, 65535, "Reserved"),
};

TABLE(doi_tbl) = { ROW(0, "ISAKMP"), ROW(1, "IPsec"), ROW(2, "GDOI") };

TABLE(protocol_tbl) = {
    ROW(0, "RESERVED"), ROW(1, "PROTO_ISAKMP"), ROW(2, "PROTO_IPSEC_AH"),
    ROW(3, "PROTO_IPSEC_ESP"), ROW(4, "PROTO_IPCOMP"), RANGE(249, 255, "Private Use"),
};

TABLE(xf_isakmp_tbl) = { ROW(0, "RESERVED"), ROW(1, "KEY_IKE"), RANGE(249, 255, "Private Use") };

TABLE(xf_ah_tbl) = {
    ROW(2, "AH_MD5"), ROW(3, "AH_SHA"), ROW(4, "AH_DES"), ROW(5, "AH_SHA2-256"),
    ROW(6, "AH_SHA2-384"), ROW(7, "AH_SHA2-512"), ROW(8, "AH_RIPEMD"),
    ROW(9, "AH_AES-XCBC-MAC"), ROW(10, "AH_RSA"), ROW(11, "AH_AES-128-GMAC"),
    ROW(12, "AH_AES-192-GMAC"), ROW(13, "AH_AES-256-GMAC"), RANGE(249, 255, "Private Use"),
};

TABLE(xf_esp_tbl) = {
    ROW(1, "ESP_DES_IV64"), ROW(2, "ESP_DES"), ROW(3, "ESP_3DES"), ROW(4, "ESP_RC5"),
    ROW(5, "ESP_IDEA"), ROW(6, "ESP_CAST"), ROW(7, "ESP_BLOWFISH"), ROW(8, "ESP_3IDEA"),
    ROW(9, "ESP_DES_IV32"), ROW(10, "ESP_RC4"), ROW(11, "ESP_NULL"), ROW(12, "ESP_AES"),
    ROW(13, "ESP_AES-CTR"), ROW(14, "ESP_AES-CCM_8"), ROW(15, "ESP_AES-CCM_12"),
    ROW(16, "ESP_AES-CCM_16"), ROW(18, "ESP_AES-GCM_8"), ROW(19, "ESP_AES-GCM_12"),
    ROW(20, "ESP_AES-GCM_16"), ROW(21, "ESP_SEED_CBC"), ROW(22, "ESP_CAMELLIA"),
    ROW(23, "ESP_NULL_AUTH_AES-GMAC"), RANGE(249, 255, "Private Use"),
};

TABLE(xf_ipcomp_tbl) = {
    ROW(1, "IPCOMP_OUI"), ROW(2, "IPCOMP_DEFLATE"), ROW(3, "IPCOMP_LZS"),
    ROW(4, "IPCOMP_LZJH"), RANGE(249, 255, "Private Use"),
};

TABLE(id_type_tbl) = {
    ROW(0, "RESERVED"), ROW(1, "ID_IPV4_ADDR"), ROW(2, "ID_FQDN"), ROW(3, "ID_USER_FQDN"),
    ROW(4, "ID_IPV4_ADDR_SUBNET"), ROW(5, "ID_IPV6_ADDR"), ROW(6, "ID_IPV6_ADDR_SUBNET"),
    ROW(7, "ID_IPV4_ADDR_RANGE"), ROW(8, "ID_IPV6_ADDR_RANGE"), ROW(9, "ID_DER_ASN1_DN"),
    ROW(10, "ID_DER_ASN1_GN"), ROW(11, "ID_KEY_ID"), RANGE(249, 255, "Private Use"),
};

TABLE(cert_tbl) = {
    ROW(0, "NONE"), ROW(1, "PKCS #7 wrapped X.509 certificate"), ROW(2, "PGP Certificate"),
    ROW(3, "DNS Signed Key"), ROW(4, "X.509 Certificate - Signature"),
    ROW(5, "X.509 Certificate - Key Exchange"), ROW(6, "Kerberos Tokens"),
    ROW(7, "Certificate Revocation List (CRL)"), ROW(8, "Authority Revocation List (ARL)"),
    ROW(9, "SPKI Certificate"), ROW(10, "X.509 Certificate - Attribute"),
    RANGE(11, 255, "Reserved"),
};

TABLE(ike_attr_tbl) = {
    ROW(1, "Encryption-Algorithm"), ROW(2, "Hash-Algorithm"), ROW(3, "Authentication-Method"),
    ROW(4, "Group-Description"), ROW(5, "Group-Type"), ROW(6, "Group-Prime/Irreducible-Polynomial"),
    ROW(7, "Group-Generator-One"), ROW(8, "Group-Generator-Two"), ROW(9, "Group-Curve-A"),
    ROW(10, "Group-Curve-B"), ROW(11, "Life-Type"), ROW(12, "Life-Duration"), ROW(13, "PRF"),
    ROW(14, "Key-Length"), ROW(15, "Field-Size"), ROW(16, "Group-Order"),
    RANGE(17, 16383, "Reserved"), RANGE(16384, 32767, "Private Use"),
};

TABLE(ike_enc_tbl) = {
    ROW(1, "DES-CBC"), ROW(2, "IDEA-CBC"), ROW(3, "Blowfish-CBC"), ROW(4, "RC5-R16-B64-CBC"),
    ROW(5, "3DES-CBC"), ROW(6, "CAST-CBC"), ROW(7, "AES-CBC"), ROW(8, "CAMELLIA-CBC"),
    RANGE(65001, 65535, "Private Use"),
};

TABLE(ike_hash_tbl) = {
    ROW(1, "MD5"), ROW(2, "SHA"), ROW(3, "Tiger"), ROW(4, "SHA2-256"), ROW(5, "SHA2-384"),
    ROW(6, "SHA2-512"), RANGE(65001, 65535, "Private Use"),
};

TABLE(ike_auth_tbl) = {
    ROW(1, "Pre-Shared Key"), ROW(2, "DSS signatures"), ROW(3, "RSA signatures"),
    ROW(4, "Encryption with RSA"), ROW(5, "Revised encryption with RSA"),
    ROW(6, "Encryption with El-Gamal"), ROW(7, "Revised encryption with El-Gamal"),
    ROW(8, "ECDSA signatures"), ROW(9, "ECDSA with SHA-256 on the P-256 curve"),
    ROW(10, "ECDSA with SHA-384 on the P-384 curve"), ROW(11, "ECDSA with SHA-512 on the P-521 curve"),
    ROW(64221, "HybridInitRSA"), ROW(64222, "HybridRespRSA"), ROW(64223, "HybridInitDSS"),
    ROW(64224, "HybridRespDSS"),
    ROW(65001, "XAUTHInitPreShared"), ROW(65002, "XAUTHRespPreShared"),
    ROW(65003, "XAUTHInitDSS"), ROW(65004, "XAUTHRespDSS"), ROW(65005, "XAUTHInitRSA"),
    ROW(65006, "XAUTHRespRSA"), ROW(65007, "XAUTHInitRSAEncryption"),
    ROW(65008, "XAUTHRespRSAEncryption"), ROW(65009, "XAUTHInitRSARevisedEncryption"),
    ROW(65010, "XAUTHRespRSARevisedEncryption"), RANGE(65001, 65535, "Private Use"),
};

TABLE(group_tbl) = {
    ROW(1, "768-bit MODP group"), ROW(2, "1024-bit MODP group"),
    ROW(3, "EC2N group on GP[2^155]"), ROW(4, "EC2N group on GP[2^185]"),
    ROW(5, "1536-bit MODP group"), ROW(6, "EC2N group over GF[2^163] (random)"),
    ROW(7, "EC2N group over GF[2^163] (Koblitz)"), ROW(8, "EC2N group over GF[2^283] (random)"),
    ROW(9, "EC2N group over GF[2^283] (Koblitz)"), ROW(10, "EC2N group over GF[2^409] (random)"),
    ROW(11, "EC2N group over GF[2^409] (Koblitz)"), ROW(12, "EC2N group over GF[2^571] (random)"),
    ROW(13, "EC2N group over GF[2^571] (Koblitz)"), ROW(14, "2048-bit MODP group"),
    ROW(15, "3072-bit MODP group"), ROW(16, "4096-bit MODP group"),
    ROW(17, "6144-bit MODP group"), ROW(18, "8192-bit MODP group"),
    ROW(19, "256-bit random ECP group"), ROW(20, "384-bit random ECP group"),
    ROW(21, "521-bit random ECP group"),
    ROW(22, "1024-bit MODP group with 160-bit prime order subgroup"),
    ROW(23, "2048-bit MODP group with 224-bit prime order subgroup"),
    ROW(24, "2048-bit MODP group with 256-bit prime order subgroup"),
    ROW(25, "192-bit random ECP group"), ROW(26, "224-bit random ECP group"),
    ROW(27, "224-bit Brainpool ECP group"), ROW(28, "256-bit Brainpool ECP group"),
    ROW(29, "384-bit Brainpool ECP group"), ROW(30, "512-bit Brainpool ECP group"),
    ROW(31, "Curve25519"), ROW(32, "Curve448"), RANGE(32768, 65535, "Private Use"),
};

TABLE(group_type_tbl) = { ROW(1, "MODP"), ROW(2, "ECP"), ROW(3, "EC2N"), RANGE(65001, 65535, "Private Use") };
TABLE(life_type_tbl) = { ROW(1, "Seconds"), ROW(2, "Kilobytes"), RANGE(65001, 65535, "Private Use") };
TABLE(prf_tbl) = { RANGE(65001, 65535, "Private Use") };

TABLE(ipsec_attr_tbl) = {
    ROW(1, "SA-Life-Type"), ROW(2, "SA-Life-Duration"), ROW(3, "Group-Description"),
    ROW(4, "Encapsulation-Mode"), ROW(5, "Authentication-Algorithm"), ROW(6, "Key-Length"),
    ROW(7, "Key-Rounds"), ROW(8, "Compress-Dictionary-Size"), ROW(9, "Compress-Private-Algorithm"),
    ROW(10, "ECN-Tunnel"), ROW(11, "Extended-Sequence-Number"),
    RANGE(32001, 32767, "Private Use"),
};

TABLE(encap_tbl) = {
    ROW(1, "Tunnel"), ROW(2, "Transport"), ROW(3, "UDP-Encapsulated-Tunnel"),
    ROW(4, "UDP-Encapsulated-Transport"), ROW(61443, "UDP-Encapsulated-Tunnel (draft)"),
    ROW(61444, "UDP-Encapsulated-Transport (draft)"), RANGE(61440, 65535, "Private Use"),
};

TABLE(auth_alg_tbl) = {
    ROW(1, "HMAC-MD5"), ROW(2, "HMAC-SHA"), ROW(3, "DES-MAC"), ROW(4, "KPDK"),
    ROW(5, "HMAC-SHA2-256"), ROW(6, "HMAC-SHA2-384"), ROW(7, "HMAC-SHA2-512"),
    ROW(8, "HMAC-RIPEMD"), ROW(9, "AES-XCBC-MAC"), ROW(10, "SIG-RSA"),
    ROW(11, "AES-128-GMAC"), ROW(12, "AES-192-GMAC"), ROW(13, "AES-256-GMAC"),
    RANGE(61440, 65535, "Private Use"),
};

TABLE(cfg_attr_tbl) = {
    ROW(1, "INTERNAL_IP4_ADDRESS"), ROW(2, "INTERNAL_IP4_NETMASK"), ROW(3, "INTERNAL_IP4_DNS"),
    ROW(4, "INTERNAL_IP4_NBNS"), ROW(5, "INTERNAL_ADDRESS_EXPIRY"), ROW(6, "INTERNAL_IP4_DHCP"),
    ROW(7, "APPLICATION_VERSION"), ROW(8, "INTERNAL_IP6_ADDRESS"), ROW(9, "INTERNAL_IP6_NETMASK"),
    ROW(10, "INTERNAL_IP6_DNS"), ROW(11, "INTERNAL_IP6_NBNS"), ROW(12, "INTERNAL_IP6_DHCP"),
    ROW(13, "INTERNAL_IP4_SUBNET"), ROW(14, "SUPPORTED_ATTRIBUTES"), ROW(15, "INTERNAL_IP6_SUBNET"),
    ROW(16520, "XAUTH-TYPE"), ROW(16521, "XAUTH-USER-NAME"), ROW(16522, "XAUTH-USER-PASSWORD"),
    ROW(16523, "XAUTH-PASSCODE"), ROW(16524, "XAUTH-MESSAGE"), ROW(16525, "XAUTH-CHALLENGE"),
    ROW(16526, "XAUTH-DOMAIN"), ROW(16527, "XAUTH-STATUS"), ROW(16528, "XAUTH-NEXT-PIN"),
    ROW(16529, "XAUTH-ANSWER"),
};

TABLE(cfg_type_tbl) = { ROW(1, "ISAKMP_CFG_REQUEST"), ROW(2, "ISAKMP_CFG_REPLY"), ROW(3, "ISAKMP_CFG_SET"), ROW(4, "ISAKMP_CFG_ACK") };

#define N(t) (sizeof t / sizeof t[0])
static const struct {
    const char *title;
    const struct isakmp_reg_entry *rows;
    size_t n;
} registries[ISAKMP_REG_COUNT] = {
    [ISAKMP_REG_EXCHANGE] = { "Exchange Type", exchange_tbl, N(exchange_tbl) },
    [ISAKMP_REG_PAYLOAD] = { "Payload Type", payload_tbl, N(payload_tbl) },
    [ISAKMP_REG_NOTIFY] = { "Notify Message Type", notify_tbl, N(notify_tbl) },
    [ISAKMP_REG_DOI] = { "Domain of Interpretation", doi_tbl, N(doi_tbl) },
    [ISAKMP_REG_PROTOCOL] = { "Protocol ID", protocol_tbl, N(protocol_tbl) },
    [ISAKMP_REG_TRANSFORM_ISAKMP] = { "ISAKMP Transform ID", xf_isakmp_tbl, N(xf_isakmp_tbl) },
    [ISAKMP_REG_TRANSFORM_AH] = { "AH Transform ID", xf_ah_tbl, N(xf_ah_tbl) },
    [ISAKMP_REG_TRANSFORM_ESP] = { "ESP Transform ID", xf_esp_tbl, N(xf_esp_tbl) },
    [ISAKMP_REG_TRANSFORM_IPCOMP] = { "IPCOMP Transform ID", xf_ipcomp_tbl, N(xf_ipcomp_tbl) },
    [ISAKMP_REG_ID_TYPE] = { "ID Type", id_type_tbl, N(id_type_tbl) },
    [ISAKMP_REG_CERT_ENCODING] = { "Certificate Encoding", cert_tbl, N(cert_tbl) },
    [ISAKMP_REG_IKE_ATTR] = { "IKE Attribute Class", ike_attr_tbl, N(ike_attr_tbl) },
    [ISAKMP_REG_IKE_ENCRYPTION] = { "IKE Encryption Algorithm", ike_enc_tbl, N(ike_enc_tbl) },
    [ISAKMP_REG_IKE_HASH] = { "IKE Hash Algorithm", ike_hash_tbl, N(ike_hash_tbl) },
    [ISAKMP_REG_IKE_AUTH_METHOD] = { "IKE Authentication Method", ike_auth_tbl, N(ike_auth_tbl) },
    [ISAKMP_REG_GROUP] = { "Group Description", group_tbl, N(group_tbl) },
    [ISAKMP_REG_IKE_GROUP_TYPE] = { "Group Type", group_type_tbl, N(group_type_tbl) },
    [ISAKMP_REG_LIFE_TYPE] = { "Life Type", life_type_tbl, N(life_type_tbl) },
    [ISAKMP_REG_IKE_PRF] = { "PRF", prf_tbl, N(prf_tbl) },
    [ISAKMP_REG_IPSEC_ATTR] = { "IPsec SA Attribute Class", ipsec_attr_tbl, N(ipsec_attr_tbl) },
    [ISAKMP_REG_ENCAP_MODE] = { "Encapsulation Mode", encap_tbl, N(encap_tbl) },
    [ISAKMP_REG_AUTH_ALG] = { "Authentication Algorithm", auth_alg_tbl, N(auth_alg_tbl) },
    [ISAKMP_REG_CFG_ATTR] = { "Config Mode Attribute", cfg_attr_tbl, N(cfg_attr_tbl) },
    [ISAKMP_REG_CFG_TYPE] = { "Config Mode Message Type", cfg_type_tbl, N(cfg_type_tbl) },
};

const char *isakmp_reg_name(enum isakmp_registry reg, uint32_t value)
{
    if ((unsigned)reg >= ISAKMP_REG_COUNT)
        return NULL;
    /* Exact rows come before the range that contains them, so the first
     * match is the most specific one. */
    for (size_t i = 0; i < registries[reg].n; i++) {
        const struct isakmp_reg_entry *e = &registries[reg].rows[i];
        if (value >= e->first && value <= e->last)
            return e->name;
    }
    return NULL;
}

const char *isakmp_reg_name_or_unknown(enum isakmp_registry reg, uint32_t value)
{
    const char *n = isakmp_reg_name(reg, value);
    return n ? n : "Unknown";
}

const char *isakmp_reg_title(enum isakmp_registry reg)
{
    return (unsigned)reg < ISAKMP_REG_COUNT ? registries[reg].title : "Unknown";
}

const struct isakmp_reg_entry *isakmp_reg_table(enum isakmp_registry reg, size_t *n)
{
    if ((unsigned)reg >= ISAKMP_REG_COUNT) {
        *n = 0;
        return NULL;
    }
    *n = registries[reg].n;
    return registries[reg].rows;
}

const char *isakmp_exchange_name(uint8_t x) { return isakmp_reg_name_or_unknown(ISAKMP_REG_EXCHANGE, x); }
const char *isakmp_payload_name(uint8_t t) { return isakmp_reg_name_or_unknown(ISAKMP_REG_PAYLOAD, t); }
const char *isakmp_notify_name(uint16_t t) { return isakmp_reg_name_or_unknown(ISAKMP_REG_NOTIFY, t); }
const char *isakmp_protocol_name(uint8_t p) { return isakmp_reg_name_or_unknown(ISAKMP_REG_PROTOCOL, p); }
const char *isakmp_id_type_name(uint8_t t) { return isakmp_reg_name_or_unknown(ISAKMP_REG_ID_TYPE, t); }

bool isakmp_transform_registry(uint8_t proto, enum isakmp_registry *reg)
{
    switch (proto) {
    case ISAKMP_PROTO_ISAKMP: *reg = ISAKMP_REG_TRANSFORM_ISAKMP; return true;
    case ISAKMP_PROTO_AH: *reg = ISAKMP_REG_TRANSFORM_AH; return true;
    case ISAKMP_PROTO_ESP: *reg = ISAKMP_REG_TRANSFORM_ESP; return true;
    case ISAKMP_PROTO_IPCOMP: *reg = ISAKMP_REG_TRANSFORM_IPCOMP; return true;
    default: return false;
    }
}

const char *isakmp_transform_name(uint8_t proto, uint8_t id)
{
    enum isakmp_registry reg;
    if (!isakmp_transform_registry(proto, &reg))
        return "Unknown";
    return isakmp_reg_name_or_unknown(reg, id);
}

enum isakmp_attr_ctx isakmp_attr_ctx_for_protocol(uint8_t proto)
{
    return proto == ISAKMP_PROTO_ISAKMP ? ISAKMP_ATTR_CTX_IKE : ISAKMP_ATTR_CTX_IPSEC;
}

/* Per context: class -> (form, value registry or -1). */
struct attr_class {
    uint16_t type;
    enum isakmp_attr_form form;
    int values;                  /* enum isakmp_registry, or -1 */
};

static const struct attr_class ike_classes[] = {
    { 1, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_IKE_ENCRYPTION },
    { 2, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_IKE_HASH },
    { 3, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_IKE_AUTH_METHOD },
    { 4, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_GROUP },
    { 5, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_IKE_GROUP_TYPE },
    { 6, ISAKMP_ATTR_FORM_VARIABLE, -1 }, { 7, ISAKMP_ATTR_FORM_VARIABLE, -1 },
    { 8, ISAKMP_ATTR_FORM_VARIABLE, -1 }, { 9, ISAKMP_ATTR_FORM_VARIABLE, -1 },
    { 10, ISAKMP_ATTR_FORM_VARIABLE, -1 },
    { 11, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_LIFE_TYPE },
    { 12, ISAKMP_ATTR_FORM_VARIABLE, -1 },
    { 13, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_IKE_PRF },
    { 14, ISAKMP_ATTR_FORM_BASIC, -1 }, { 15, ISAKMP_ATTR_FORM_BASIC, -1 },
    { 16, ISAKMP_ATTR_FORM_VARIABLE, -1 },
};

static const struct attr_class ipsec_classes[] = {
    { 1, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_LIFE_TYPE },
    { 2, ISAKMP_ATTR_FORM_VARIABLE, -1 },
    { 3, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_GROUP },
    { 4, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_ENCAP_MODE },
    { 5, ISAKMP_ATTR_FORM_BASIC, ISAKMP_REG_AUTH_ALG },
    { 6, ISAKMP_ATTR_FORM_BASIC, -1 }, { 7, ISAKMP_ATTR_FORM_BASIC, -1 },
    { 8, ISAKMP_ATTR_FORM_BASIC, -1 }, { 9, ISAKMP_ATTR_FORM_VARIABLE, -1 },
    { 10, ISAKMP_ATTR_FORM_BASIC, -1 }, { 11, ISAKMP_ATTR_FORM_BASIC, -1 },
};

static const struct attr_class *find_class(enum isakmp_attr_ctx ctx, uint16_t type)
{
    const struct attr_class *t;
    size_t n;
    if (ctx == ISAKMP_ATTR_CTX_IKE) {
        t = ike_classes; n = N(ike_classes);
    } else if (ctx == ISAKMP_ATTR_CTX_IPSEC) {
        t = ipsec_classes; n = N(ipsec_classes);
    } else {
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (t[i].type == type)
            return &t[i];
    return NULL;
}

enum isakmp_attr_form isakmp_attr_form(enum isakmp_attr_ctx ctx, uint16_t type)
{
    const struct attr_class *c = find_class(ctx, type);
    return c ? c->form : ISAKMP_ATTR_FORM_UNKNOWN;
}

const char *isakmp_attr_name(enum isakmp_attr_ctx ctx, uint16_t type)
{
    enum isakmp_registry reg = ctx == ISAKMP_ATTR_CTX_IKE ? ISAKMP_REG_IKE_ATTR
                             : ctx == ISAKMP_ATTR_CTX_IPSEC ? ISAKMP_REG_IPSEC_ATTR
                             : ISAKMP_REG_CFG_ATTR;
    return isakmp_reg_name_or_unknown(reg, type);
}

const char *isakmp_attr_value_name(enum isakmp_attr_ctx ctx, uint16_t type, uint32_t value)
{
    const struct attr_class *c = find_class(ctx, type);
    if (!c || c->values < 0)
        return NULL;
    return isakmp_reg_name((enum isakmp_registry)c->values, value);
}
