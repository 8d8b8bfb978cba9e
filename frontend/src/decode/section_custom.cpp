// Custom sections, and the `name` section's module and function names.
#include "decode_internal.hpp"

#include <algorithm>
#include <optional>

namespace waot::frontend::detail {

namespace {

constexpr std::uint8_t kModuleNameSubsection = 0;
constexpr std::uint8_t kFunctionNamesSubsection = 1;

struct Names {
  std::optional<std::string> module;
  std::map<std::uint32_t, std::string> functions;
};

void readFunctionNames(ByteReader &r, Names &names) {
  const std::uint32_t count = readCount(r, 2); // index, name length
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t index = r.u32();
    std::string name = r.name();
    if (!names.functions.emplace(index, std::move(name)).second)
      r.fail(CompileError::Kind::Malformed, "duplicate function name entry");
  }
}

// The name section is debugging information: the spec's appendix asks that a
// malformed one be ignored rather than reject the module, so this returns
// nullopt instead of throwing.
std::optional<Names> readNameSection(std::span<const std::uint8_t> bytes, std::size_t begin,
                                     std::size_t end) {
  try {
    ByteReader r(bytes, begin, end);
    Names names;
    int lastId = -1;
    while (!r.atEnd()) {
      const std::uint8_t id = r.u8();
      const std::uint32_t size = r.u32();
      // Subsections appear at most once, in increasing id order.
      if (size > r.remaining() || static_cast<int>(id) <= lastId) return std::nullopt;
      lastId = id;
      ByteReader sub(bytes, r.offset(), r.offset() + size);
      if (id == kModuleNameSubsection)
        names.module = sub.name();
      else if (id == kFunctionNamesSubsection)
        readFunctionNames(sub, names);
      else
        sub.seek(sub.end()); // local names and later subsections are not used
      if (!sub.atEnd()) return std::nullopt;
      r.seek(sub.end());
    }
    return names;
  } catch (const CompileError &) {
    return std::nullopt;
  }
}

} // namespace

void decodeCustomSection(ByteReader &r, DecodeState &s) {
  Module &m = s.module;
  CustomSection custom;
  custom.name = r.name();
  custom.offset = r.offset();
  custom.size = r.remaining();
  // Only the first name section counts.
  const bool firstNameSection =
      custom.name == "name" &&
      std::none_of(m.customSections.begin(), m.customSections.end(),
                   [](const CustomSection &c) { return c.name == "name"; });
  if (firstNameSection) {
    if (auto names = readNameSection(s.bytes, r.offset(), r.end())) {
      m.moduleName = std::move(names->module);
      m.functionNames = std::move(names->functions);
    }
  }
  m.customSections.push_back(std::move(custom));
  r.seek(r.end());
}

} // namespace waot::frontend::detail
