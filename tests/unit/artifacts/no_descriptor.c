/* A shared library that is not a waot artifact (no waot_artifact_v1). */
#include <stdint.h>

__attribute__((visibility("default"))) int32_t not_an_artifact(int32_t x) { return x + 1; }
