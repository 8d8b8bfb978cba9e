// Tiny helpers that assemble WebAssembly binaries by hand for the decoder and
// validator unit tests, so that every test states its bytes explicitly.
#pragma once

#include "waot/frontend/decoder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waot::test {

using Bytes = std::vector<std::uint8_t>;

// Value type and other frequent bytes.
inline constexpr std::uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C;
inline constexpr std::uint8_t kFuncRef = 0x70, kExternRef = 0x6F, kEnd = 0x0B;

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes &p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Unsigned LEB128 (shortest form).
inline Bytes uleb(std::uint64_t v) {
  Bytes out;
  do {
    std::uint8_t byte = v & 0x7F;
    v >>= 7;
    if (v) byte |= 0x80;
    out.push_back(byte);
  } while (v);
  return out;
}

// Signed LEB128 (shortest form).
inline Bytes sleb(std::int64_t v) {
  Bytes out;
  for (;;) {
    const std::uint8_t byte = v & 0x7F;
    v >>= 7; // arithmetic shift
    const bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    out.push_back(done ? byte : static_cast<std::uint8_t>(byte | 0x80));
    if (done) return out;
  }
}

// A binary-format name: length then UTF-8 bytes.
inline Bytes name(std::string_view s) { return cat({uleb(s.size()), Bytes(s.begin(), s.end())}); }

// A vector: element count then the concatenated elements.
inline Bytes vec(const std::vector<Bytes> &items) {
  Bytes out = uleb(items.size());
  for (const Bytes &item : items)
    out.insert(out.end(), item.begin(), item.end());
  return out;
}

inline Bytes section(std::uint8_t id, const Bytes &payload) {
  return cat({{id}, uleb(payload.size()), payload});
}

inline Bytes header() { return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}; }

inline Bytes funcType(const Bytes &params, const Bytes &results) {
  return cat({{0x60}, uleb(params.size()), params, uleb(results.size()), results});
}

// A code section entry: size, local declarations (as a vec), instructions.
inline Bytes body(const Bytes &code, const Bytes &localDecls = {0x00}) {
  const Bytes content = cat({localDecls, code});
  return cat({uleb(content.size()), content});
}

// Collects the entries of each section and emits them in canonical order.
struct ModuleBuilder {
  std::vector<Bytes> types, imports, functions, tables, memories, globals, exports, elems, codes,
      datas;
  std::optional<std::uint32_t> start, dataCount;
  std::vector<std::pair<std::string, Bytes>> customs; // emitted last

  std::uint32_t addType(const Bytes &params, const Bytes &results) {
    types.push_back(funcType(params, results));
    return static_cast<std::uint32_t>(types.size() - 1);
  }
  // Adds a defined function; returns its defined index.
  std::uint32_t addFunction(std::uint32_t type, const Bytes &code,
                            const Bytes &localDecls = {0x00}) {
    functions.push_back(uleb(type));
    codes.push_back(body(code, localDecls));
    return static_cast<std::uint32_t>(functions.size() - 1);
  }

  Bytes build() const {
    Bytes out = header();
    auto add = [&](std::uint8_t id, const std::vector<Bytes> &entries) {
      if (!entries.empty()) out = cat({out, section(id, vec(entries))});
    };
    add(1, types);
    add(2, imports);
    add(3, functions);
    add(4, tables);
    add(5, memories);
    add(6, globals);
    add(7, exports);
    if (start) out = cat({out, section(8, uleb(*start))});
    add(9, elems);
    if (dataCount) out = cat({out, section(12, uleb(*dataCount))});
    add(10, codes);
    add(11, datas);
    for (const auto &[customName, payload] : customs)
      out = cat({out, section(0, cat({name(customName), payload}))});
    return out;
  }
};

// The error decodeAndValidate throws, if any.
inline std::optional<CompileError> errorOf(const Bytes &bytes,
                                           const frontend::Features &features = {}) {
  try {
    frontend::DecodeOptions options;
    options.features = features;
    frontend::decodeAndValidate(bytes, options);
  } catch (const CompileError &e) {
    return e;
  }
  return std::nullopt;
}

// Whether decodeAndValidate fails with `kind` and a message starting with `prefix`.
inline ::testing::AssertionResult failsWith(const Bytes &bytes, CompileError::Kind kind,
                                            std::string_view prefix,
                                            const frontend::Features &features = {}) {
  const auto error = errorOf(bytes, features);
  if (!error) return ::testing::AssertionFailure() << "module was accepted";
  if (error->kind() != kind)
    return ::testing::AssertionFailure() << "wrong kind: " << error->what() << " (expected "
                                         << CompileError::kindName(kind) << ")";
  if (error->message().rfind(prefix, 0) != 0)
    return ::testing::AssertionFailure()
           << "message \"" << error->message() << "\" does not start with \"" << prefix << "\"";
  return ::testing::AssertionSuccess();
}

} // namespace waot::test
