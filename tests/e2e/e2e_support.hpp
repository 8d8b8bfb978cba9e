// End-to-end test support: compile a test module from tests/wat/ through the
// real pipeline (frontend -> LLVM -> lld .so) and load it with the runtime.
#pragma once

#include <waot/frontend/features.hpp>
#include <waot/waot.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace waot::test {

// Bytes of tests/wat/NAME.wat as converted by wat2wasm at build time.
std::vector<std::uint8_t> wasmBytes(const std::string &name);

// NAME compiled at `optLevel` to a shared library and loaded (cached per
// name and level: compiling is the slow part of these tests).
Module compiledModule(const std::string &name, unsigned optLevel);

// Expects `call` to throw a RuntimeError whose message contains `message`.
template <class Call> void expectTrap(Call &&call, const std::string &message) {
  try {
    call();
    ADD_FAILURE() << "expected a trap '" << message << "' but the call returned";
  } catch (const RuntimeError &e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(message));
  }
}

// Expects NAME's module to be rejected when validated with `features` (a
// post-2.0 feature switched off) with an error of `kind` whose message
// contains `message`, and accepted with every implemented feature.
void expectRejectedWithout(const std::string &name, const frontend::Features &features,
                           CompileError::Kind kind, const std::string &message);

// Tests parameterized over optimization levels: semantics must not change.
class AtOptLevel : public ::testing::TestWithParam<unsigned> {
protected:
  Module module(const std::string &name) { return compiledModule(name, GetParam()); }
};

inline std::string optLevelName(const ::testing::TestParamInfo<unsigned> &info) {
  // Built by appending: GCC 12 reports a bogus -Wrestrict for "O" + string.
  std::string name(1, 'O');
  name += std::to_string(info.param);
  return name;
}

} // namespace waot::test
