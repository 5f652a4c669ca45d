/* Helpers the test programs share: hex, files, the shared/ folder, JSON. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Decode a hex string (no separators) into a new buffer; *len gets its
 * length. Returns NULL on a bad string. Free with free(). */
uint8_t *hex_decode(const char *hex, size_t *len);
/* Path of a file under the shared reference folder (../shared, or
 * $ISAKMP_SHARED). Returns a static buffer. */
const char *shared_path(const char *rel);
/* Read a whole file; NULL if it cannot. Free with free(). */
uint8_t *read_file(const char *path, size_t *len);
/* Load a JSON file under shared/; aborts the program when it cannot. */
json_t *load_shared_json(const char *rel);
/* Hex string member of a JSON object, decoded; NULL if absent. */
uint8_t *json_hex(json_t *obj, const char *key, size_t *len);

#endif
