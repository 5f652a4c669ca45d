/* Shared between the codec's files; not part of the public API. */
#ifndef ISAKMP_WIRE_INTERNAL_H
#define ISAKMP_WIRE_INTERNAL_H

#include "isakmp/wire.h"

/* Fill *err (when not NULL) and return status. */
int wire_fail(struct isakmp_wire_error *err, enum isakmp_wire_status status, uint16_t notify,
              size_t offset, uint8_t payload_type, const char *what);

/* Validate and decode an SA payload body (situation, proposals,
 * transforms, attributes). `base` is the body's offset in the decoded
 * buffer, for error offsets. */
int wire_decode_sa(const uint8_t *body, size_t len, size_t base, unsigned flags,
                   struct isakmp_sa *sa, struct isakmp_wire_error *err);

/* One payload body, with the decode flags (ISAKMP_DECODE_*). */
int wire_decode_body(uint8_t type, const uint8_t *b, size_t len, size_t base, unsigned flags,
                     struct isakmp_payload *p, struct isakmp_wire_error *err);

/* Validate a list of data attributes filling exactly len bytes. */
int wire_check_attrs(const uint8_t *p, size_t len, size_t base, uint8_t payload_type,
                     struct isakmp_wire_error *err);

#endif
