/* The harness itself: a failing CHECK must mark its case failed. */
#include "lib/check.h"
#include "lib/testutil.h"

#include <stdlib.h>
#include <string.h>

static void hex_round_trip(void)
{
    size_t n = 0;
    uint8_t *b = hex_decode("00ff10Ab", &n);
    REQUIRE(b != NULL);
    CHECK_INT(n, 4);
    CHECK_MEM(b, n, "\x00\xff\x10\xab", 4);
    free(b);
    CHECK(hex_decode("abc", &n) == NULL);
    CHECK(hex_decode("zz", &n) == NULL);
}

static void shared_folder_present(void)
{
    size_t n = 0;
    uint8_t *b = read_file(shared_path("vectors/modp_groups.json"), &n);
    CHECK_MSG(b != NULL, "../shared is not beside the project (set ISAKMP_SHARED)");
    free(b);
}

int main(void)
{
    RUN(hex_round_trip);
    RUN(shared_folder_present);
    return check_summary();
}
