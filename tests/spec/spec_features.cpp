// featureOf: the feature an "unsupported" message names (spec_features.hpp).
#include "spec_features.hpp"

#include <optional>
#include <string_view>

namespace waot::spec {

namespace {

// The feature of a text the reader does not read, from what it found: the
// reader does not read GC and exception syntax; its errors name the token found.
std::optional<std::string> textFeature(const std::string &message) {
  struct Found {
    std::string_view found, feature;
  };
  static constexpr Found kFound[] = {
      {"found keyword `sub`", "garbage collection"},
      {"found keyword `struct`", "garbage collection"},
      {"found keyword `array`", "garbage collection"},
      {"found keyword `rec`", "garbage collection"},
      {"found keyword `anyref`", "garbage collection"},
      {"found keyword `eqref`", "garbage collection"},
      {"found keyword `i31ref`", "garbage collection"},
      {"found keyword `structref`", "garbage collection"},
      {"found keyword `arrayref`", "garbage collection"},
      {"found keyword `nullref`", "garbage collection"},
      {"found keyword `nullfuncref`", "garbage collection"},
      {"found keyword `nullexternref`", "garbage collection"},
      {"found keyword `tag`", "exception handling"},
      {"found keyword `exnref`", "exception handling"},
      {"found keyword `nullexnref`", "exception handling"},
  };
  for (const Found &f : kFound)
    if (message.find(f.found) != std::string::npos) return std::string(f.feature);
  return std::nullopt;
}

} // namespace

std::string featureOf(const std::string &message) {
  // Names used by the decoder's, the text reader's and the runner's
  // "unsupported" messages (opcodes.def's feature column and others).
  static constexpr std::string_view kFeatures[] = {
      "exception handling",
      "garbage collection",
      "typed function references",
      "tail calls",
      "relaxed SIMD",
      "wide arithmetic",
      "memory control",
      "threads",
      "shared memory",
      "memory64",
      "multi-memory",
      "SIMD",
  };
  for (std::string_view feature : kFeatures)
    if (message.find(feature) != std::string::npos) return std::string(feature);
  if (message.starts_with("text syntax: ")) {
    if (auto feature = textFeature(message)) return *feature;
    // Without the position: "text syntax: expected ..., found ...".
    const auto colon = message.find(": ", 13);
    return "text syntax: " + message.substr(colon == std::string::npos ? 13 : colon + 2, 60);
  }
  return message.substr(0, 80);
}

} // namespace waot::spec
