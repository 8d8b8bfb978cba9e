#include "spec_values.hpp"

#include <array>
#include <cstdint>

namespace waot::spec {

namespace {

using Kind = wast::Value::Kind;

unsigned laneBits(const wast::Value &v) {
  if (v.laneType == "i8") return 8;
  if (v.laneType == "i16") return 16;
  if (v.laneType == "i32" || v.laneType == "f32") return 32;
  return 64;
}

// The v128 of `v`'s lanes (NaN patterns are not values).
V128 v128Of(const wast::Value &v) {
  const unsigned bits = laneBits(v);
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < v.lanes.size(); ++i) {
    if (v.lanes[i].nan != wast::NanPattern::None)
      throw std::runtime_error("a NaN pattern is not an argument");
    for (unsigned b = 0; b < bits / 8; ++b)
      bytes[i * bits / 8 + b] = static_cast<std::uint8_t>(v.lanes[i].bits >> (8 * b));
  }
  return V128::fromBytes(bytes);
}

// A float of 32 or 64 bits against an expected value or NaN pattern.
bool floatMatches(const wast::Lane &expected, std::uint64_t bits, bool f32) {
  const std::uint64_t exponentAndQuiet = f32 ? 0x7fc00000u : 0x7ff8000000000000u;
  const std::uint64_t magnitude = f32 ? (bits & 0x7fffffffu) : (bits & 0x7fffffffffffffffu);
  switch (expected.nan) {
  case wast::NanPattern::Canonical: return magnitude == exponentAndQuiet;
  case wast::NanPattern::Arithmetic: return (bits & exponentAndQuiet) == exponentAndQuiet;
  case wast::NanPattern::None: break;
  }
  return (f32 ? (bits & 0xffffffffu) : bits) == expected.bits;
}

bool v128Matches(const wast::Value &expected, const V128 &actual) {
  const unsigned bits = laneBits(expected);
  const std::array<std::uint8_t, 16> bytes = actual.bytes();
  const bool isFloat = expected.laneType[0] == 'f';
  for (std::size_t i = 0; i < expected.lanes.size(); ++i) {
    std::uint64_t lane = 0;
    for (unsigned b = 0; b < bits / 8; ++b)
      lane |= std::uint64_t{bytes[i * bits / 8 + b]} << (8 * b);
    if (isFloat) {
      if (!floatMatches(expected.lanes[i], lane, bits == 32)) return false;
    } else if (lane != expected.lanes[i].bits) {
      return false;
    }
  }
  return true;
}

// The runtime type of a null of heap type `heapType`; UnsupportedFeature for
// the heap types of later features.
ValType nullType(const std::string &heapType) {
  if (heapType == "func" || heapType == "nofunc") return ValType::FuncRef;
  if (heapType == "extern" || heapType == "noextern") return ValType::ExternRef;
  throw UnsupportedFeature("ref.null " + heapType);
}

bool referenceMatches(const wast::Value &expected, const Value &actual) {
  if (!isReference(actual.type())) return false;
  switch (expected.kind) {
  case Kind::RefNull:
    if (expected.heapType.empty()) return actual.isNull(); // (ref.null): any null
    return actual.type() == nullType(expected.heapType) && actual.isNull();
  case Kind::RefExtern:
    if (actual.type() != ValType::ExternRef || actual.isNull()) return false;
    return !expected.payload ||
           reinterpret_cast<std::uintptr_t>(actual.externref()) == *expected.payload + 1;
  case Kind::RefFunc: return actual.type() == ValType::FuncRef && !actual.isNull();
  default: throw UnsupportedFeature(expected.name + " results");
  }
}

} // namespace

Value toValue(const wast::Value &v) {
  switch (v.kind) {
  case Kind::I32: return Value::fromBits(ValType::I32, v.num.bits);
  case Kind::I64: return Value::fromBits(ValType::I64, v.num.bits);
  case Kind::F32: return Value::fromBits(ValType::F32, v.num.bits);
  case Kind::F64: return Value::fromBits(ValType::F64, v.num.bits);
  case Kind::V128: return Value(v128Of(v));
  case Kind::RefNull: return Value::nullRef(nullType(v.heapType));
  case Kind::RefExtern:
    if (!v.payload) throw std::runtime_error("(ref.extern) without a number is not an argument");
    return Value::externref(reinterpret_cast<void *>(static_cast<std::uintptr_t>(*v.payload + 1)));
  case Kind::RefFunc: throw std::runtime_error("a funcref argument can only be null");
  case Kind::RefOther: throw UnsupportedFeature(v.name + " arguments");
  case Kind::Either: throw std::runtime_error("(either ...) is not an argument");
  }
  throw std::runtime_error("unknown value kind");
}

bool matches(const wast::Value &expected, const Value &actual) {
  switch (expected.kind) {
  case Kind::I32:
    return actual.type() == ValType::I32 && (actual.bits() & 0xffffffffu) == expected.num.bits;
  case Kind::I64: return actual.type() == ValType::I64 && actual.bits() == expected.num.bits;
  case Kind::F32:
    return actual.type() == ValType::F32 && floatMatches(expected.num, actual.bits(), true);
  case Kind::F64:
    return actual.type() == ValType::F64 && floatMatches(expected.num, actual.bits(), false);
  case Kind::V128: return actual.type() == ValType::V128 && v128Matches(expected, actual.v128());
  case Kind::Either: {
    // Any alternative; alternatives of unsupported kinds only when none matches.
    std::optional<UnsupportedFeature> unsupported;
    for (const wast::Value &alternative : expected.alternatives) {
      try {
        if (matches(alternative, actual)) return true;
      } catch (const UnsupportedFeature &e) {
        unsupported = e;
      }
    }
    if (unsupported) throw *unsupported;
    return false;
  }
  default: return referenceMatches(expected, actual);
  }
}

std::string describe(const wast::Value &v) {
  auto lane = [](const wast::Lane &l) {
    switch (l.nan) {
    case wast::NanPattern::Canonical: return std::string("nan:canonical");
    case wast::NanPattern::Arithmetic: return std::string("nan:arithmetic");
    case wast::NanPattern::None: break;
    }
    return std::to_string(l.bits);
  };
  switch (v.kind) {
  case Kind::I32: return "i32:" + lane(v.num);
  case Kind::I64: return "i64:" + lane(v.num);
  case Kind::F32: return "f32:" + lane(v.num);
  case Kind::F64: return "f64:" + lane(v.num);
  case Kind::V128: {
    std::string text = "v128:" + v.laneType + "x" + std::to_string(v.lanes.size());
    for (const wast::Lane &l : v.lanes)
      text.append(" ").append(lane(l));
    return text;
  }
  case Kind::RefNull: return "ref.null " + (v.heapType.empty() ? "<any>" : v.heapType);
  case Kind::RefExtern: return "ref.extern " + (v.payload ? std::to_string(*v.payload) : "<any>");
  case Kind::RefFunc: return "ref.func " + (v.name.empty() ? "<any>" : v.name);
  case Kind::RefOther: return v.name + (v.payload ? " " + std::to_string(*v.payload) : "");
  case Kind::Either: {
    std::string text = "either(";
    for (std::size_t i = 0; i < v.alternatives.size(); ++i)
      text += (i ? ", " : "") + describe(v.alternatives[i]);
    return text + ")";
  }
  }
  return "?";
}

} // namespace waot::spec
