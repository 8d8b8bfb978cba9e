/* A descriptor from a future ABI version: the loader must refuse it. */
#include "artifact_support.h"

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = 99,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = UINT32_MAX,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
