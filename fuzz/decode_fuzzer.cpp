// Fuzz target 1: arbitrary bytes through decoding and validation. Every input
// must either decode and validate or be rejected with a CompileError; any
// other exception, a crash, or a sanitizer report is a finding.
#include "waot/frontend/decoder.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  try {
    (void)waot::frontend::decodeAndValidate(std::span(data, size));
  } catch (const waot::CompileError &) {
    // the expected rejection of bad input
  } catch (...) {
    std::abort(); // anything else escaping the frontend is a bug
  }
  return 0;
}
