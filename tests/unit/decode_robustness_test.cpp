// Hostile inputs: every truncation and many bit flips of a module that uses
// every section must be rejected cleanly (CompileError, never a crash or
// another exception).
#include "decode_test_builder.hpp"

#include "waot/frontend/byte_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>

namespace waot::test {
namespace {

using namespace waot::frontend;
using Kind = CompileError::Kind;

// A small module with every section kind, blocks, branches, memory and table
// instructions, segments and a name section.
Bytes richModule() {
  ModuleBuilder b;
  b.addType({}, {});                     // 0
  b.addType({kI32}, {kI32});             // 1
  b.addType({kI32, kI64}, {kI64, kI32}); // 2
  b.imports.push_back(cat({name("env"), name("f"), {0x00, 0x01}}));
  b.imports.push_back(cat({name("env"), name("g"), {0x03, kI32, 0x00}}));
  b.tables.push_back({kFuncRef, 0x01, 0x02, 0x08});
  b.memories.push_back({0x01, 0x01, 0x02});
  b.globals.push_back({kI64, 0x01, 0x42, 0x2A, kEnd});
  b.globals.push_back({kFuncRef, 0x00, 0xD2, 0x01, kEnd});
  b.exports = {cat({name("run"), {0x00, 0x01}}), cat({name("mem"), {0x02, 0x00}})};
  b.start = 3;
  b.elems = {{0x00, 0x23, 0x00, kEnd, 0x02, 0x01, 0x02},
             {0x05, kFuncRef, 0x01, 0xD0, kFuncRef, kEnd}};
  b.dataCount = 2;
  b.addFunction(1, {0x20, 0x00, 0x04, kI32, 0x20, 0x00, 0x10, 0x00, 0x05, 0x41, 0x07,
                    kEnd, 0x02, 0x40, 0x20, 0x00, 0x0E, 0x01, 0x00, 0x00, kEnd, kEnd});
  b.addFunction(2, {0x20, 0x01, 0x20, 0x00, kEnd});
  b.addFunction(0, {0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x08, 0x01, 0x00,
                    0xFC, 0x09, 0x01, 0x41, 0x00, 0x28, 0x02, 0x04, 0x1A, 0x41,
                    0x00, 0x25, 0x00, 0x1A, 0x03, 0x40, kEnd, kEnd},
                {0x01, 0x01, kF64});
  b.datas = {cat({{0x00, 0x41, 0x08, kEnd}, name("hello")}), cat({{0x01}, name("pass")})};
  b.customs.emplace_back("name", cat({{0x00}, uleb(4), name("mod")}));
  return b.build();
}

// Offsets where a section starts or the module ends.
std::set<std::size_t> sectionBoundaries(const Bytes &bytes) {
  std::set<std::size_t> boundaries{8};
  ByteReader r(bytes, 8, bytes.size());
  while (!r.atEnd()) {
    r.u8();
    const std::uint32_t size = r.u32();
    r.seek(r.offset() + size);
    boundaries.insert(r.offset());
  }
  return boundaries;
}

TEST(DecodeRobustness, TheRichModuleIsValid) {
  const Module m = decodeAndValidate(richModule());
  EXPECT_EQ(m.numDefinedFunctions(), 3u);
  EXPECT_EQ(m.elems.size(), 2u);
  EXPECT_EQ(m.datas.size(), 2u);
  EXPECT_EQ(m.moduleName, std::optional<std::string>("mod"));
}

TEST(DecodeRobustness, EveryTruncationIsMalformedWithAnOffset) {
  const Bytes full = richModule();
  const std::set<std::size_t> boundaries = sectionBoundaries(full);
  std::size_t accepted = 0;
  for (std::size_t length = 0; length < full.size(); ++length) {
    const Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(length));
    const auto error = errorOf(prefix);
    if (!error) {
      // Only a cut between two sections can leave a complete module.
      EXPECT_TRUE(boundaries.count(length)) << "prefix of " << length << " bytes accepted";
      ++accepted;
      continue;
    }
    EXPECT_EQ(error->kind(), Kind::Malformed) << length << ": " << error->what();
    ASSERT_TRUE(error->offset()) << length << ": " << error->what();
    EXPECT_LE(*error->offset(), length) << error->what();
  }
  // Header only, and header + type + import (+ function is already inconsistent).
  EXPECT_GE(accepted, 2u);
}

TEST(DecodeRobustness, BitFlipsNeverCrash) {
  const Bytes full = richModule();
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes mutated = full;
      mutated[i] ^= static_cast<std::uint8_t>(1u << bit);
      try {
        decodeAndValidate(mutated);
      } catch (const CompileError &e) {
        ++rejected;
        if (e.offset()) {
          EXPECT_LE(*e.offset(), mutated.size()) << e.what();
        }
      }
      // Any other exception escapes and fails the test.
    }
  }
  // Most flips break something; the exact count is not the point, but a
  // decoder that accepted everything would be.
  EXPECT_GT(rejected, full.size() * 4);
}

TEST(DecodeRobustness, SplicedAndRepeatedBytesNeverCrash) {
  const Bytes full = richModule();
  // Duplicate a window of the module at every position.
  for (std::size_t i = 8; i + 4 < full.size(); i += 3) {
    Bytes mutated(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(i + 4));
    mutated.insert(mutated.end(), full.begin() + static_cast<std::ptrdiff_t>(i), full.end());
    try {
      decodeAndValidate(mutated);
    } catch (const CompileError &) {
    }
  }
  // 0xFF runs, which look like endless LEB128 continuations. Before the
  // name section (whose damage is ignored by design) they must be rejected.
  const std::size_t nameSection = *std::prev(sectionBoundaries(full).end(), 2);
  for (std::size_t i = 8; i < full.size(); ++i) {
    Bytes mutated = full;
    for (std::size_t k = i; k < std::min(full.size(), i + 6); ++k)
      mutated[k] = 0xFF;
    if (i + 6 <= nameSection) {
      EXPECT_THROW(decodeAndValidate(mutated), CompileError) << "0xFF run at " << i;
      continue;
    }
    try {
      decodeAndValidate(mutated);
    } catch (const CompileError &) {
    }
  }
}

} // namespace
} // namespace waot::test
