#include "value_text.hpp"

#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <type_traits>

namespace waot::driver {

namespace {

[[noreturn]] void badArgument(std::string_view text, ValType type, std::size_t index,
                              std::string_view why) {
  throw TypeError("argument " + std::to_string(index + 1) + " '" + std::string(text) +
                  "' is not a valid " + std::string(toString(type)) + ": " + std::string(why));
}

// Parses an integer that fits in `bits` bits either as signed or unsigned.
std::optional<std::uint64_t> parseInteger(std::string_view text, unsigned bits) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  const std::uint64_t mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  if (negative) {
    const std::uint64_t limit = std::uint64_t{1} << (bits - 1); // |INT_MIN|
    if (magnitude > limit) return std::nullopt;
    return (~magnitude + 1) & mask;
  }
  if (magnitude > mask) return std::nullopt;
  return magnitude;
}

template <class Float> std::optional<Float> parseFloat(std::string_view text) {
  using Bits = std::conditional_t<sizeof(Float) == 4, std::uint32_t, std::uint64_t>;
  constexpr unsigned mantissaBits = sizeof(Float) == 4 ? 23 : 52;
  bool negative = false;
  std::string_view body = text;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.starts_with("nan")) {
    Bits payload = Bits{1} << (mantissaBits - 1); // canonical NaN
    if (body.size() > 3) {
      if (!body.substr(3).starts_with(":0x")) return std::nullopt;
      auto digits = body.substr(6);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), payload, 16);
      const Bits maxPayload = (Bits{1} << mantissaBits) - 1;
      if (ec != std::errc() || end != digits.data() + digits.size() || payload == 0 ||
          payload > maxPayload)
        return std::nullopt;
    }
    const Bits exponent = sizeof(Float) == 4 ? Bits{0xFF} << 23 : Bits{0x7FF} << 52;
    const Bits sign = negative ? Bits{1} << (sizeof(Float) * 8 - 1) : 0;
    return std::bit_cast<Float>(static_cast<Bits>(sign | exponent | payload));
  }
  if (body == "inf" || body == "infinity") {
    const Float inf = std::numeric_limits<Float>::infinity();
    return negative ? -inf : inf;
  }
  // strtod/strtof handle decimal and hex-float forms with correct rounding.
  std::string copy(text);
  char *end = nullptr;
  const Float value = sizeof(Float) == 4 ? static_cast<Float>(std::strtof(copy.c_str(), &end))
                                         : static_cast<Float>(std::strtod(copy.c_str(), &end));
  if (copy.empty() || end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

} // namespace

namespace {

// `lanes` comma-separated lanes of Lane, e.g. "1,2,3,4" for i32x4.
template <class Lane> std::optional<V128> parseLanes(std::string_view text) {
  constexpr std::size_t count = 16 / sizeof(Lane);
  std::array<Lane, count> lanes{};
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t comma = text.find(',');
    if ((comma == std::string_view::npos) != (i + 1 == count)) return std::nullopt;
    const std::string_view lane = text.substr(0, comma);
    if constexpr (std::is_floating_point_v<Lane>) {
      auto value = parseFloat<Lane>(lane);
      if (!value) return std::nullopt;
      lanes[i] = *value;
    } else {
      auto value = parseInteger(lane, 8 * sizeof(Lane));
      if (!value) return std::nullopt;
      lanes[i] = static_cast<Lane>(*value);
    }
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
  }
  return V128::fromLanes<Lane>(lanes);
}

// "0x" and up to 32 hex digits (the 128-bit little-endian integer), or a
// shape and its lanes: "i8x16:…", "i16x8:…", "i32x4:1,2,3,4", "i64x2:…",
// "f32x4:…", "f64x2:…".
std::optional<V128> parseV128(std::string_view text) {
  if (text.starts_with("0x") && text.size() > 2 && text.size() <= 34) {
    std::uint64_t halves[2] = {0, 0};
    for (char c : text.substr(2)) {
      const int digit =
          std::isxdigit(static_cast<unsigned char>(c))
              ? (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c | 0x20) - 'a' + 10)
              : -1;
      if (digit < 0) return std::nullopt;
      halves[1] = (halves[1] << 4) | (halves[0] >> 60);
      halves[0] = (halves[0] << 4) | static_cast<std::uint64_t>(digit);
    }
    return V128::fromHalves(halves[0], halves[1]);
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view shape = text.substr(0, colon), lanes = text.substr(colon + 1);
  if (shape == "i8x16") return parseLanes<std::int8_t>(lanes);
  if (shape == "i16x8") return parseLanes<std::int16_t>(lanes);
  if (shape == "i32x4") return parseLanes<std::int32_t>(lanes);
  if (shape == "i64x2") return parseLanes<std::int64_t>(lanes);
  if (shape == "f32x4") return parseLanes<float>(lanes);
  if (shape == "f64x2") return parseLanes<double>(lanes);
  return std::nullopt;
}

} // namespace

Value parseValue(std::string_view text, ValType type, std::size_t index) {
  const std::string_view original = text;
  if (auto colon = text.find(':'); colon != std::string_view::npos && !text.starts_with("nan") &&
                                   !text.starts_with("-nan") && !text.starts_with("+nan")) {
    const std::string_view prefix = text.substr(0, colon);
    if (prefix != toString(type))
      badArgument(original, type, index, "the parameter has type " + std::string(toString(type)));
    text.remove_prefix(colon + 1);
  }
  switch (type) {
  case ValType::I32:
    if (auto v = parseInteger(text, 32)) return Value(static_cast<std::int32_t>(*v));
    badArgument(original, type, index, "expected a 32-bit integer");
  case ValType::I64:
    if (auto v = parseInteger(text, 64)) return Value(static_cast<std::int64_t>(*v));
    badArgument(original, type, index, "expected a 64-bit integer");
  case ValType::F32:
    if (auto v = parseFloat<float>(text)) return Value(*v);
    badArgument(original, type, index, "expected a floating-point number");
  case ValType::F64:
    if (auto v = parseFloat<double>(text)) return Value(*v);
    badArgument(original, type, index, "expected a floating-point number");
  case ValType::V128:
    if (auto v = parseV128(text)) return Value(*v);
    badArgument(original, type, index,
                "expected 0x and up to 32 hex digits, or lanes such as i32x4:1,2,3,4");
  case ValType::FuncRef:
  case ValType::ExternRef:
    if (text == "null") return Value::nullRef(type);
    badArgument(original, type, index, "only 'null' can be given for a reference");
  }
  badArgument(original, type, index, "unsupported parameter type");
}

namespace {

template <class Float> std::string formatFloat(Float value) {
  if (std::isnan(value)) {
    using Bits = std::conditional_t<sizeof(Float) == 4, std::uint32_t, std::uint64_t>;
    constexpr unsigned mantissaBits = sizeof(Float) == 4 ? 23 : 52;
    const Bits bits = std::bit_cast<Bits>(value);
    const Bits payload = bits & ((Bits{1} << mantissaBits) - 1);
    std::string text = std::signbit(value) ? "-nan" : "nan";
    if (payload != (Bits{1} << (mantissaBits - 1))) {
      char buf[32];
      std::snprintf(buf, sizeof buf, ":0x%llx", static_cast<unsigned long long>(payload));
      text += buf;
    }
    return text;
  }
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value); // shortest round-trip form
  return std::string(buf, ec == std::errc() ? end : buf);
}

} // namespace

std::string formatValue(const Value &value) {
  const std::string type(toString(value.type()));
  switch (value.type()) {
  case ValType::I32: return type + ":" + std::to_string(value.i32());
  case ValType::I64: return type + ":" + std::to_string(value.i64());
  case ValType::F32: return type + ":" + formatFloat(value.f32());
  case ValType::F64: return type + ":" + formatFloat(value.f64());
  case ValType::V128: {
    char buf[40];
    const V128 bits = value.v128();
    std::snprintf(buf, sizeof buf, ":0x%016llx%016llx",
                  static_cast<unsigned long long>(bits.high()),
                  static_cast<unsigned long long>(bits.low()));
    return type + buf;
  }
  case ValType::FuncRef:
  case ValType::ExternRef: {
    if (value.isNull()) return type + ":null";
    char buf[32];
    std::snprintf(buf, sizeof buf, ":%p",
                  value.type() == ValType::ExternRef ? value.externref()
                                                     : reinterpret_cast<void *>(value.bits()));
    return type + buf;
  }
  }
  return type + ":?";
}

} // namespace waot::driver
