// Support for the loader API tests: test modules (tests/api/wat/*.wat,
// converted at build time) compiled in-process with waot::compile, and
// checks of the exact error class and message of a failure.
#pragma once

#include <waot/compiler.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace waot::apitest {

// Bytes of tests/api/wat/NAME.wat.
std::vector<std::uint8_t> wasmBytes(const std::string &name);

// NAME compiled once per test binary (-O1) and shared: a Module is
// immutable and may be instantiated any number of times.
Module module(const std::string &name);

// Runs `action`, expects it to throw exactly `Expected` (not a subclass of
// it, not another class) and returns the message.
template <class Expected, class Action> std::string errorOf(Action &&action) {
  try {
    action();
  } catch (const Expected &e) {
    EXPECT_EQ(typeid(e), typeid(Expected)) << "a subclass of the expected error: " << e.what();
    return e.what();
  } catch (const std::exception &e) {
    ADD_FAILURE() << "another exception (" << typeid(e).name() << "): " << e.what();
    return {};
  }
  ADD_FAILURE() << "no exception";
  return {};
}

} // namespace waot::apitest
