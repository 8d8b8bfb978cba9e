#include "numbers.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace waot::text::detail {

namespace {

int digitValue(char c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (hex && c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Consumes `digit ('_'? digit)*` from text at pos; false when there is no
// digit or an underscore is not between two digits.
template <typename Fn> bool scanDigits(std::string_view text, std::size_t &pos, bool hex, Fn fn) {
  bool any = false;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '_') {
      if (!any || pos + 1 >= text.size() || digitValue(text[pos + 1], hex) < 0) return false;
      ++pos;
      continue;
    }
    int d = digitValue(c, hex);
    if (d < 0) break;
    fn(d);
    any = true;
    ++pos;
  }
  return any;
}

struct Magnitude {
  bool negative = false;
  bool hasSign = false;
  std::uint64_t value = 0;
};

// sign? (digits | 0x hexdigits), saturated above max (returns nullopt then).
std::optional<Magnitude> parseMagnitude(std::string_view text, std::uint64_t max) {
  Magnitude m;
  std::size_t pos = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    m.hasSign = true;
    m.negative = text[0] == '-';
    ++pos;
  }
  bool hex = text.substr(pos, 2) == "0x";
  if (hex) pos += 2;
  bool overflow = false;
  std::uint64_t base = hex ? 16 : 10;
  bool ok = scanDigits(text, pos, hex, [&](int d) {
    if (m.value > (max - static_cast<std::uint64_t>(d)) / base)
      overflow = true;
    else
      m.value = m.value * base + static_cast<std::uint64_t>(d);
  });
  if (!ok || pos != text.size() || overflow) return std::nullopt;
  return m;
}

struct FloatFormat {
  int mantBits;
  int expBits;
  int bias() const { return (1 << (expBits - 1)) - 1; }
  std::uint64_t expMask() const { return ((std::uint64_t{1} << expBits) - 1) << mantBits; }
};
constexpr FloatFormat kF32{23, 8};
constexpr FloatFormat kF64{52, 11};

// Rounds mant * 2^exp2 (plus a nonzero tail below mant's last bit when
// sticky) to the format, ties to even; nullopt when it overflows.
std::optional<std::uint64_t> roundBinary(std::uint64_t mant, std::int64_t exp2, bool sticky,
                                         FloatFormat f) {
  if (mant == 0) return 0; // a zero significand with sticky set cannot happen
  int msb = 63 - __builtin_clzll(mant);
  std::int64_t e = msb + exp2; // value in [2^e, 2^(e+1))
  std::int64_t minExp = 1 - f.bias();
  std::int64_t lsbExp = std::max(e - f.mantBits, minExp - f.mantBits);
  std::int64_t shift = lsbExp - exp2;
  unsigned __int128 sig;
  if (shift <= 0) {
    sig = static_cast<unsigned __int128>(mant) << -shift;
  } else if (shift > 100) {
    sig = 0; // far below half of the smallest subnormal
  } else {
    unsigned __int128 m = mant;
    unsigned __int128 one = 1;
    sig = m >> shift;
    unsigned __int128 rem = m & ((one << shift) - 1);
    unsigned __int128 half = one << (shift - 1);
    if (rem > half || (rem == half && (sticky || (sig & 1)))) ++sig;
  }
  std::uint64_t hidden = std::uint64_t{1} << f.mantBits;
  if (sig == static_cast<unsigned __int128>(hidden) << 1) { // rounded up to the next binade
    sig >>= 1;
    ++lsbExp;
  }
  auto s = static_cast<std::uint64_t>(sig);
  if (s < hidden) return s; // subnormal (or zero); s == hidden below is the smallest normal
  std::int64_t biased = lsbExp + f.mantBits + f.bias();
  if (biased >= (1 << f.expBits) - 1) return std::nullopt;
  return (static_cast<std::uint64_t>(biased) << f.mantBits) | (s - hidden);
}

// 0x hexnum ('.' hexfrac?)? ([pP] sign? num)?, text after the sign.
std::optional<std::uint64_t> parseHexFloat(std::string_view text, FloatFormat f) {
  std::size_t pos = 2;
  std::uint64_t mant = 0;
  std::int64_t exp2 = 0;
  bool sticky = false;
  bool fraction = false;
  auto digit = [&](int d) {
    if (mant >> 60 == 0) {
      mant = mant * 16 + static_cast<std::uint64_t>(d);
      if (fraction) exp2 -= 4;
    } else { // beyond 60 significant bits only whether anything is nonzero matters
      sticky |= d != 0;
      if (!fraction) exp2 += 4;
    }
  };
  if (!scanDigits(text, pos, true, digit)) return std::nullopt;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    fraction = true;
    if (pos < text.size() && digitValue(text[pos], true) >= 0 &&
        !scanDigits(text, pos, true, digit))
      return std::nullopt;
  }
  if (pos < text.size() && (text[pos] == 'p' || text[pos] == 'P')) {
    ++pos;
    bool neg = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) neg = text[pos++] == '-';
    std::int64_t e = 0;
    if (!scanDigits(text, pos, false,
                    [&](int d) { e = std::min<std::int64_t>(e * 10 + d, 1 << 24); }))
      return std::nullopt;
    exp2 += neg ? -e : e;
  }
  if (pos != text.size()) return std::nullopt;
  return roundBinary(mant, exp2, sticky, f);
}

// num ('.' frac?)? ([eE] sign? num)?, text after the sign; checked here
// because strtod accepts more forms than the text format.
bool isDecimalFloat(std::string_view text, std::string &clean) {
  std::size_t pos = 0;
  auto keep = [&](std::size_t from) {
    for (std::size_t i = from; i < pos; ++i)
      if (text[i] != '_') clean += text[i];
  };
  std::size_t from = pos;
  if (!scanDigits(text, pos, false, [](int) {})) return false;
  keep(from);
  if (pos < text.size() && text[pos] == '.') {
    clean += '.';
    from = ++pos;
    if (pos < text.size() && digitValue(text[pos], false) >= 0 &&
        !scanDigits(text, pos, false, [](int) {}))
      return false;
    keep(from);
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    clean += 'e';
    from = ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    std::size_t digitsAt = pos;
    if (!scanDigits(text, pos, false, [](int) {})) return false;
    clean.append(text.substr(from, digitsAt - from));
    from = digitsAt;
    keep(from);
  }
  return pos == text.size();
}

std::optional<std::uint64_t> parseFloatBits(std::string_view text, FloatFormat f) {
  bool negative = false;
  std::string_view body = text;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  std::uint64_t sign = negative ? std::uint64_t{1} << (f.mantBits + f.expBits) : 0;
  std::uint64_t quiet = std::uint64_t{1} << (f.mantBits - 1);
  if (body == "inf") return sign | f.expMask();
  if (body == "nan") return sign | f.expMask() | quiet;
  if (body.substr(0, 6) == "nan:0x") {
    auto payload = parseMagnitude(body.substr(4), (std::uint64_t{1} << f.mantBits) - 1);
    if (!payload || payload->hasSign || payload->value == 0) return std::nullopt;
    return sign | f.expMask() | payload->value;
  }
  std::optional<std::uint64_t> bits;
  if (body.substr(0, 2) == "0x") {
    bits = parseHexFloat(body, f);
  } else {
    std::string clean;
    if (!isDecimalFloat(body, clean)) return std::nullopt;
    // glibc's strtof/strtod round correctly (to nearest, ties to even) from
    // the full decimal string, so a float is never rounded twice.
    errno = 0;
    if (f.mantBits == kF32.mantBits) {
      float v = std::strtof(clean.c_str(), nullptr);
      if (std::isinf(v)) return std::nullopt;
      std::uint32_t b;
      __builtin_memcpy(&b, &v, 4);
      bits = b;
    } else {
      double v = std::strtod(clean.c_str(), nullptr);
      if (std::isinf(v)) return std::nullopt;
      std::uint64_t b;
      __builtin_memcpy(&b, &v, 8);
      bits = b;
    }
  }
  if (!bits) return std::nullopt;
  return sign | *bits;
}

} // namespace

std::optional<std::uint64_t> parseUnsigned(std::string_view text, std::uint64_t max) {
  auto m = parseMagnitude(text, max);
  if (!m || m->hasSign) return std::nullopt;
  return m->value;
}

std::optional<std::uint64_t> parseIntBits(std::string_view text, unsigned bits) {
  std::uint64_t umax = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  auto m = parseMagnitude(text, umax);
  if (!m) return std::nullopt;
  if (!m->negative) return m->value;
  std::uint64_t limit = std::uint64_t{1} << (bits - 1); // |-2^(N-1)|
  if (m->value > limit) return std::nullopt;
  return (~m->value + 1) & umax;
}

std::optional<std::uint32_t> parseF32(std::string_view text) {
  auto bits = parseFloatBits(text, kF32);
  if (!bits) return std::nullopt;
  return static_cast<std::uint32_t>(*bits);
}

std::optional<std::uint64_t> parseF64(std::string_view text) { return parseFloatBits(text, kF64); }

bool isIntSyntax(std::string_view text) {
  std::size_t pos = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) ++pos;
  bool hex = text.substr(pos, 2) == "0x";
  if (hex) pos += 2;
  return scanDigits(text, pos, hex, [](int) {}) && pos == text.size();
}

bool isFloatSyntax(std::string_view text) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  if (text == "inf" || text == "nan") return true;
  if (text.substr(0, 6) == "nan:0x") return isIntSyntax(text.substr(4));
  if (text.substr(0, 2) != "0x") {
    std::string clean;
    return isDecimalFloat(text, clean);
  }
  // A hex float: the value does not matter, only that it parses with a
  // format wide enough never to overflow.
  std::size_t pos = 2;
  if (!scanDigits(text, pos, true, [](int) {})) return false;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (pos < text.size() && digitValue(text[pos], true) >= 0 &&
        !scanDigits(text, pos, true, [](int) {}))
      return false;
  }
  if (pos < text.size() && (text[pos] == 'p' || text[pos] == 'P')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    if (!scanDigits(text, pos, false, [](int) {})) return false;
  }
  return pos == text.size();
}

NanPattern nanPattern(std::string_view text) {
  if (text == "nan:canonical") return NanPattern::Canonical;
  if (text == "nan:arithmetic") return NanPattern::Arithmetic;
  return NanPattern::None;
}

} // namespace waot::text::detail
