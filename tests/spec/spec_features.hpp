// The feature an "unsupported" message names: shared by the spec runner
// (which counts unsupported commands by feature) and the text round-trip test
// (tests/unit/text_roundtrip_test.cpp, which tolerates a 3.0 text module the
// reader rejects only when the message names a feature).
#pragma once

#include <string>

namespace waot::spec {

// The feature an "unsupported" message names ("garbage collection",
// "tail calls", ...), or a short form of the message when it names none. A
// text reader's error is passed as "text syntax: " + TextError::what(); its
// short form then starts with "text syntax: " too.
std::string featureOf(const std::string &message);

} // namespace waot::spec
