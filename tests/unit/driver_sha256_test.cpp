// The compile cache's SHA-256 against the FIPS 180-4 / NIST example vectors.
#include "sha256.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace waot::driver {
namespace {

std::string digestOf(const std::string &text) {
  Sha256 hash;
  hash.update(text);
  return hash.hexDigest();
}

TEST(Sha256, NistVectors) {
  EXPECT_EQ(digestOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digestOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digestOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(digestOf(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Fed in pieces of every size around the 64-byte block, the digest is the same.
TEST(Sha256, PiecesDoNotMatter) {
  std::vector<std::uint8_t> bytes(1000);
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>(i * 7 + 3);
  Sha256 whole;
  whole.update(bytes);
  const std::string expected = whole.hexDigest();
  for (std::size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 127u, 500u}) {
    Sha256 split;
    for (std::size_t at = 0; at < bytes.size(); at += piece)
      split.update(std::span(bytes).subspan(at, std::min(piece, bytes.size() - at)));
    EXPECT_EQ(split.hexDigest(), expected) << "pieces of " << piece;
  }
}

} // namespace
} // namespace waot::driver
