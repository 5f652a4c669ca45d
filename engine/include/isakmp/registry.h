/* ISAKMP / IKEv1 / IPsec DOI number registries as tables with names.
 *
 * Every number the wire format carries (exchange types, payload types,
 * notify types, protocol and transform IDs, ID types, certificate
 * encodings, data attribute classes and their values) is listed once, in
 * engine/wire/registry.c, with the name a dissector prints.  Constants
 * below are for code that builds or checks messages; names come only
 * from the tables.
 *
 * Sources: RFC 2408 §3 (ISAKMP), RFC 2409 App. A (IKE attributes),
 * RFC 2407 §4 (IPsec DOI), RFC 3947 (NAT-T), RFC 3706 (DPD),
 * RFC 3526/5114/5903/7748 (groups), IANA "ipsec-registry". */
#ifndef ISAKMP_REGISTRY_H
#define ISAKMP_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* ---- exchange types (RFC 2408 §3.1, RFC 2409 §5) ---------------------- */
enum {
    ISAKMP_XCHG_NONE = 0,
    ISAKMP_XCHG_BASE = 1,
    ISAKMP_XCHG_IDPROT = 2,          /* Identity Protection = IKE Main Mode */
    ISAKMP_XCHG_AUTH_ONLY = 3,
    ISAKMP_XCHG_AGGRESSIVE = 4,
    ISAKMP_XCHG_INFO = 5,
    ISAKMP_XCHG_TRANSACTION = 6,     /* Mode Config (draft-ietf-ipsec-isakmp-mode-cfg) */
    ISAKMP_XCHG_QUICK = 32,
    ISAKMP_XCHG_NEW_GROUP = 33,
};

/* ---- payload types (RFC 2408 §3.1, RFC 3947) --------------------------- */
enum {
    ISAKMP_PL_NONE = 0, ISAKMP_PL_SA = 1, ISAKMP_PL_P = 2, ISAKMP_PL_T = 3,
    ISAKMP_PL_KE = 4, ISAKMP_PL_ID = 5, ISAKMP_PL_CERT = 6, ISAKMP_PL_CR = 7,
    ISAKMP_PL_HASH = 8, ISAKMP_PL_SIG = 9, ISAKMP_PL_NONCE = 10, ISAKMP_PL_N = 11,
    ISAKMP_PL_D = 12, ISAKMP_PL_VID = 13,
    ISAKMP_PL_ATTR = 14,             /* Mode Config attribute payload (draft) */
    ISAKMP_PL_NAT_D = 20, ISAKMP_PL_NAT_OA = 21,            /* RFC 3947 */
    ISAKMP_PL_NAT_D_DRAFT = 130, ISAKMP_PL_NAT_OA_DRAFT = 131, /* draft-ietf-ipsec-nat-t-ike-02/03 */
};

/* ---- notify message types (RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706) */
enum {
    ISAKMP_N_INVALID_PAYLOAD_TYPE = 1, ISAKMP_N_DOI_NOT_SUPPORTED = 2,
    ISAKMP_N_SITUATION_NOT_SUPPORTED = 3, ISAKMP_N_INVALID_COOKIE = 4,
    ISAKMP_N_INVALID_MAJOR_VERSION = 5, ISAKMP_N_INVALID_MINOR_VERSION = 6,
    ISAKMP_N_INVALID_EXCHANGE_TYPE = 7, ISAKMP_N_INVALID_FLAGS = 8,
    ISAKMP_N_INVALID_MESSAGE_ID = 9, ISAKMP_N_INVALID_PROTOCOL_ID = 10,
    ISAKMP_N_INVALID_SPI = 11, ISAKMP_N_INVALID_TRANSFORM_ID = 12,
    ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED = 13, ISAKMP_N_NO_PROPOSAL_CHOSEN = 14,
    ISAKMP_N_BAD_PROPOSAL_SYNTAX = 15, ISAKMP_N_PAYLOAD_MALFORMED = 16,
    ISAKMP_N_INVALID_KEY_INFORMATION = 17, ISAKMP_N_INVALID_ID_INFORMATION = 18,
    ISAKMP_N_INVALID_CERT_ENCODING = 19, ISAKMP_N_INVALID_CERTIFICATE = 20,
    ISAKMP_N_CERT_TYPE_UNSUPPORTED = 21, ISAKMP_N_INVALID_CERT_AUTHORITY = 22,
    ISAKMP_N_INVALID_HASH_INFORMATION = 23, ISAKMP_N_AUTHENTICATION_FAILED = 24,
    ISAKMP_N_INVALID_SIGNATURE = 25, ISAKMP_N_ADDRESS_NOTIFICATION = 26,
    ISAKMP_N_NOTIFY_SA_LIFETIME = 27, ISAKMP_N_CERTIFICATE_UNAVAILABLE = 28,
    ISAKMP_N_UNSUPPORTED_EXCHANGE_TYPE = 29, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS = 30,
    ISAKMP_N_CONNECTED = 16384,
    ISAKMP_N_RESPONDER_LIFETIME = 24576, ISAKMP_N_REPLAY_STATUS = 24577,
    ISAKMP_N_INITIAL_CONTACT = 24578,
    ISAKMP_N_DPD_R_U_THERE = 36136, ISAKMP_N_DPD_R_U_THERE_ACK = 36137,
};

/* ---- DOI, situation (RFC 2407 §4.2, §4.6.1) ---------------------------- */
enum { ISAKMP_DOI_ISAKMP = 0, ISAKMP_DOI_IPSEC = 1 };
enum { ISAKMP_SIT_IDENTITY_ONLY = 1, ISAKMP_SIT_SECRECY = 2, ISAKMP_SIT_INTEGRITY = 4 };

/* ---- protocol IDs (RFC 2407 §4.4.1) ------------------------------------ */
enum { ISAKMP_PROTO_ISAKMP = 1, ISAKMP_PROTO_AH = 2, ISAKMP_PROTO_ESP = 3, ISAKMP_PROTO_IPCOMP = 4 };

/* ---- transform IDs (RFC 2407 §4.4.2-4.4.5 + IANA) ---------------------- */
enum { ISAKMP_KEY_IKE = 1 };
enum {
    ISAKMP_AH_MD5 = 2, ISAKMP_AH_SHA = 3, ISAKMP_AH_DES = 4, ISAKMP_AH_SHA2_256 = 5,
    ISAKMP_AH_SHA2_384 = 6, ISAKMP_AH_SHA2_512 = 7,
};
enum {
    ISAKMP_ESP_DES_IV64 = 1, ISAKMP_ESP_DES = 2, ISAKMP_ESP_3DES = 3, ISAKMP_ESP_RC5 = 4,
    ISAKMP_ESP_IDEA = 5, ISAKMP_ESP_CAST = 6, ISAKMP_ESP_BLOWFISH = 7, ISAKMP_ESP_3IDEA = 8,
    ISAKMP_ESP_DES_IV32 = 9, ISAKMP_ESP_RC4 = 10, ISAKMP_ESP_NULL = 11, ISAKMP_ESP_AES = 12,
    ISAKMP_ESP_AES_CTR = 13,
};
enum { ISAKMP_IPCOMP_OUI = 1, ISAKMP_IPCOMP_DEFLATE = 2, ISAKMP_IPCOMP_LZS = 3 };

/* ---- identification types (RFC 2407 §4.6.2.1) -------------------------- */
enum {
    ISAKMP_ID_IPV4_ADDR = 1, ISAKMP_ID_FQDN = 2, ISAKMP_ID_USER_FQDN = 3,
    ISAKMP_ID_IPV4_ADDR_SUBNET = 4, ISAKMP_ID_IPV6_ADDR = 5, ISAKMP_ID_IPV6_ADDR_SUBNET = 6,
    ISAKMP_ID_IPV4_ADDR_RANGE = 7, ISAKMP_ID_IPV6_ADDR_RANGE = 8,
    ISAKMP_ID_DER_ASN1_DN = 9, ISAKMP_ID_DER_ASN1_GN = 10, ISAKMP_ID_KEY_ID = 11,
};

/* ---- certificate encodings (RFC 2408 §3.9) ----------------------------- */
enum {
    ISAKMP_CERT_NONE = 0, ISAKMP_CERT_PKCS7 = 1, ISAKMP_CERT_PGP = 2, ISAKMP_CERT_DNS = 3,
    ISAKMP_CERT_X509_SIG = 4, ISAKMP_CERT_X509_KE = 5, ISAKMP_CERT_KERBEROS = 6,
    ISAKMP_CERT_CRL = 7, ISAKMP_CERT_ARL = 8, ISAKMP_CERT_SPKI = 9, ISAKMP_CERT_X509_ATTR = 10,
};

/* ---- IKE phase-1 attribute classes and values (RFC 2409 App. A) -------- */
enum {
    ISAKMP_IKE_ENCRYPTION = 1, ISAKMP_IKE_HASH = 2, ISAKMP_IKE_AUTH_METHOD = 3,
    ISAKMP_IKE_GROUP_DESC = 4, ISAKMP_IKE_GROUP_TYPE = 5, ISAKMP_IKE_GROUP_PRIME = 6,
    ISAKMP_IKE_GROUP_GEN_ONE = 7, ISAKMP_IKE_GROUP_GEN_TWO = 8, ISAKMP_IKE_GROUP_CURVE_A = 9,
    ISAKMP_IKE_GROUP_CURVE_B = 10, ISAKMP_IKE_LIFE_TYPE = 11, ISAKMP_IKE_LIFE_DURATION = 12,
    ISAKMP_IKE_PRF = 13, ISAKMP_IKE_KEY_LENGTH = 14, ISAKMP_IKE_FIELD_SIZE = 15,
    ISAKMP_IKE_GROUP_ORDER = 16,
};
enum {
    ISAKMP_ENC_DES_CBC = 1, ISAKMP_ENC_IDEA_CBC = 2, ISAKMP_ENC_BLOWFISH_CBC = 3,
    ISAKMP_ENC_RC5_CBC = 4, ISAKMP_ENC_3DES_CBC = 5, ISAKMP_ENC_CAST_CBC = 6,
    ISAKMP_ENC_AES_CBC = 7, ISAKMP_ENC_CAMELLIA_CBC = 8,
};
enum {
    ISAKMP_HASH_MD5 = 1, ISAKMP_HASH_SHA1 = 2, ISAKMP_HASH_TIGER = 3,
    ISAKMP_HASH_SHA2_256 = 4, ISAKMP_HASH_SHA2_384 = 5, ISAKMP_HASH_SHA2_512 = 6,
};
enum {
    ISAKMP_AUTH_PSK = 1, ISAKMP_AUTH_DSS_SIG = 2, ISAKMP_AUTH_RSA_SIG = 3,
    ISAKMP_AUTH_RSA_ENC = 4, ISAKMP_AUTH_RSA_REV_ENC = 5,
    ISAKMP_AUTH_XAUTH_INIT_PSK = 65001, ISAKMP_AUTH_XAUTH_RESP_PSK = 65002,
};
enum { ISAKMP_GROUP_TYPE_MODP = 1, ISAKMP_GROUP_TYPE_ECP = 2, ISAKMP_GROUP_TYPE_EC2N = 3 };
enum { ISAKMP_LIFE_SECONDS = 1, ISAKMP_LIFE_KILOBYTES = 2 };

/* ---- IPsec DOI SA attribute classes and values (RFC 2407 §4.5) --------- */
enum {
    ISAKMP_IPSEC_LIFE_TYPE = 1, ISAKMP_IPSEC_LIFE_DURATION = 2, ISAKMP_IPSEC_GROUP_DESC = 3,
    ISAKMP_IPSEC_ENCAP_MODE = 4, ISAKMP_IPSEC_AUTH_ALG = 5, ISAKMP_IPSEC_KEY_LENGTH = 6,
    ISAKMP_IPSEC_KEY_ROUNDS = 7, ISAKMP_IPSEC_COMP_DICT_SIZE = 8,
    ISAKMP_IPSEC_COMP_PRIV_ALG = 9,
};
enum {
    ISAKMP_ENCAP_TUNNEL = 1, ISAKMP_ENCAP_TRANSPORT = 2,
    ISAKMP_ENCAP_UDP_TUNNEL = 3, ISAKMP_ENCAP_UDP_TRANSPORT = 4,          /* RFC 3947 */
    ISAKMP_ENCAP_UDP_TUNNEL_DRAFT = 61443, ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT = 61444,
};
enum {
    ISAKMP_AALG_HMAC_MD5 = 1, ISAKMP_AALG_HMAC_SHA = 2, ISAKMP_AALG_DES_MAC = 3,
    ISAKMP_AALG_KPDK = 4, ISAKMP_AALG_HMAC_SHA2_256 = 5, ISAKMP_AALG_HMAC_SHA2_384 = 6,
    ISAKMP_AALG_HMAC_SHA2_512 = 7,
};

/* ---- the registries, by identifier ------------------------------------- */
enum isakmp_registry {
    ISAKMP_REG_EXCHANGE,
    ISAKMP_REG_PAYLOAD,
    ISAKMP_REG_NOTIFY,
    ISAKMP_REG_DOI,
    ISAKMP_REG_PROTOCOL,
    ISAKMP_REG_TRANSFORM_ISAKMP,
    ISAKMP_REG_TRANSFORM_AH,
    ISAKMP_REG_TRANSFORM_ESP,
    ISAKMP_REG_TRANSFORM_IPCOMP,
    ISAKMP_REG_ID_TYPE,
    ISAKMP_REG_CERT_ENCODING,
    ISAKMP_REG_IKE_ATTR,          /* attribute classes, phase 1 (KEY_IKE) */
    ISAKMP_REG_IKE_ENCRYPTION,
    ISAKMP_REG_IKE_HASH,
    ISAKMP_REG_IKE_AUTH_METHOD,
    ISAKMP_REG_GROUP,             /* Group Description, IKE and IPsec alike */
    ISAKMP_REG_IKE_GROUP_TYPE,
    ISAKMP_REG_LIFE_TYPE,         /* IKE and IPsec alike */
    ISAKMP_REG_IKE_PRF,
    ISAKMP_REG_IPSEC_ATTR,        /* attribute classes, phase 2 (AH/ESP/IPCOMP) */
    ISAKMP_REG_ENCAP_MODE,
    ISAKMP_REG_AUTH_ALG,
    ISAKMP_REG_CFG_ATTR,          /* Mode Config attribute types */
    ISAKMP_REG_CFG_TYPE,          /* Mode Config message types */
    ISAKMP_REG_COUNT
};

/* Name of `value` in registry `reg`, or NULL when it is not listed.
 * Ranges (private use, reserved) are named too where the RFC names them,
 * e.g. "Private Use". Returned strings are static. */
const char *isakmp_reg_name(enum isakmp_registry reg, uint32_t value);

/* Same, but never NULL: "Unknown" when not listed. */
const char *isakmp_reg_name_or_unknown(enum isakmp_registry reg, uint32_t value);

/* Name of the registry itself ("Exchange Type", ...). */
const char *isakmp_reg_title(enum isakmp_registry reg);

/* Shorthands for the most used registries; never NULL. */
const char *isakmp_exchange_name(uint8_t xchg);
const char *isakmp_payload_name(uint8_t type);
const char *isakmp_notify_name(uint16_t type);
const char *isakmp_protocol_name(uint8_t proto);
const char *isakmp_id_type_name(uint8_t type);

/* Which transform-ID registry applies to a proposal of protocol `proto`;
 * false when the protocol is unknown. */
bool isakmp_transform_registry(uint8_t proto, enum isakmp_registry *reg);
const char *isakmp_transform_name(uint8_t proto, uint8_t transform_id);

/* Data attributes (RFC 2408 §3.3): which classes apply depends on the
 * context, i.e. the protocol of the proposal the transform belongs to. */
enum isakmp_attr_ctx {
    ISAKMP_ATTR_CTX_IKE,     /* PROTO_ISAKMP / KEY_IKE: RFC 2409 App. A */
    ISAKMP_ATTR_CTX_IPSEC,   /* AH, ESP, IPCOMP: RFC 2407 §4.5 */
    ISAKMP_ATTR_CTX_CFG,     /* Mode Config attribute payload */
};
/* Context for attributes of a transform in a proposal of protocol `proto`. */
enum isakmp_attr_ctx isakmp_attr_ctx_for_protocol(uint8_t proto);

/* How an attribute class is encoded (RFC 2409 App. A "B"/"V"). */
enum isakmp_attr_form { ISAKMP_ATTR_FORM_UNKNOWN, ISAKMP_ATTR_FORM_BASIC, ISAKMP_ATTR_FORM_VARIABLE };
enum isakmp_attr_form isakmp_attr_form(enum isakmp_attr_ctx ctx, uint16_t attr_type);

/* Name of attribute class `attr_type` (without the AF bit) in `ctx`;
 * never NULL ("Unknown"). */
const char *isakmp_attr_name(enum isakmp_attr_ctx ctx, uint16_t attr_type);

/* Name of a value of attribute class `attr_type` in `ctx`, or NULL when
 * the class has no value table (durations, key lengths) or the value is
 * not listed. */
const char *isakmp_attr_value_name(enum isakmp_attr_ctx ctx, uint16_t attr_type, uint32_t value);

/* One row of a registry, for code that wants to list a table. */
struct isakmp_reg_entry {
    uint32_t first, last;   /* a single value has first == last */
    const char *name;
};
/* The rows of a registry; *n gets their number. */
const struct isakmp_reg_entry *isakmp_reg_table(enum isakmp_registry reg, size_t *n);

/* ---- Vendor IDs (payload 13; engine/wire/vendor_ids.c) ------------------ */

/* The Vendor IDs the engine sends or recognises (NAT-T, DPD) and
 * well-known ones the dissector names. */
enum isakmp_vid {
    ISAKMP_VID_RFC3947 = 1,         /* MD5("RFC 3947") */
    ISAKMP_VID_NATT_DRAFT_02,       /* MD5("draft-ietf-ipsec-nat-t-ike-02") */
    ISAKMP_VID_NATT_DRAFT_02N,      /* the same name with a trailing newline */
    ISAKMP_VID_NATT_DRAFT_03,
    ISAKMP_VID_NATT_DRAFT_00,
    ISAKMP_VID_NATT_DRAFT_07,
    ISAKMP_VID_STENBERG_01,         /* draft-stenberg-ipsec-nat-traversal-01 */
    ISAKMP_VID_STENBERG_02,
    ISAKMP_VID_DPD,                 /* RFC 3706, version 1.0 (the last two bytes) */
    ISAKMP_VID_XAUTH,
    ISAKMP_VID_CISCO_UNITY,
    ISAKMP_VID_STRONGSWAN,
    ISAKMP_VID_MS_NT5,              /* followed by a 4-byte version */
    ISAKMP_VID_MS_NEG_DISCOVERY,
    ISAKMP_VID_MS_INITIAL_CONTACT,
};
/* The bytes to send for v (*len set; static storage), NULL if unknown. */
const uint8_t *isakmp_vendor_id(enum isakmp_vid v, size_t *len);
/* A short English label of v ("RFC 3706 DPD (Dead Peer Detection)"). */
const char *isakmp_vendor_id_label(enum isakmp_vid v);
/* Whether received bytes are v: the full value, or for a versioned one
 * (DPD, Cisco Unity: last two bytes; Microsoft NT5: 4 more bytes) its
 * fixed prefix at the right length. */
bool isakmp_vendor_id_is(enum isakmp_vid v, const uint8_t *p, size_t len);
/* The label of a received Vendor ID, NULL when it is none we know. */
const char *isakmp_vendor_id_name(const uint8_t *p, size_t len);

#endif
