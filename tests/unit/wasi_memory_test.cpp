// The guest memory view: every pointer and length the guest passes is
// checked, overflow-safely, before the host touches memory; a bad one is
// EFAULT and the host neither crashes nor writes anything.
#include "wasi_test_support.hpp"

#include <unistd.h>

namespace waot::wasi::test {
namespace {

using detail::GuestMemory;
using detail::WasiError;

Errno errnoOf(auto &&body) {
  try {
    body();
    return Errno::Success;
  } catch (const WasiError &error) {
    return error.code;
  }
}

TEST(WasiMemory, RangesInsideAreUsable) {
  std::vector<std::uint8_t> bytes(100);
  GuestMemory m(bytes.data(), bytes.size());
  EXPECT_EQ(m.bytes(0, 100).size(), 100u);
  EXPECT_EQ(m.bytes(100, 0).size(), 0u);             // empty range at the end
  m.store<std::uint64_t>(92, 0x0102030405060708ull); // the last 8 bytes, unaligned
  EXPECT_EQ(m.load<std::uint64_t>(92), 0x0102030405060708ull);
  EXPECT_EQ(bytes[92], 0x08); // little-endian
}

TEST(WasiMemory, RangesOutsideAreEfault) {
  std::vector<std::uint8_t> bytes(100);
  GuestMemory m(bytes.data(), bytes.size());
  EXPECT_EQ(errnoOf([&] { m.bytes(101, 0); }), Errno::Fault);
  EXPECT_EQ(errnoOf([&] { m.bytes(96, 5); }), Errno::Fault);
  EXPECT_EQ(errnoOf([&] { m.load<std::uint32_t>(97); }), Errno::Fault);
  EXPECT_EQ(errnoOf([&] { m.store<std::uint64_t>(93, 1); }), Errno::Fault);
  // Sums that wrap in 32 bits must not pass.
  EXPECT_EQ(errnoOf([&] { m.bytes(0xFFFFFFFFu, 2); }), Errno::Fault);
  EXPECT_EQ(errnoOf([&] { m.bytes(2, 0xFFFFFFFFu); }), Errno::Fault);
  EXPECT_EQ(errnoOf([&] { m.load<std::uint64_t>(0xFFFFFFFCu); }), Errno::Fault);
}

TEST(WasiMemory, IovecsAreCheckedEntryByEntry) {
  FakeMemory mem(4096);
  GuestMemory m = mem.view();
  const u32 array = 64;
  m.store<u32>(array, 1000);     // buf
  m.store<u32>(array + 4, 96);   // len: [1000, 1096) fits
  m.store<u32>(array + 8, 4000); // buf
  m.store<u32>(array + 12, 96);  // len: [4000, 4096) fits exactly
  EXPECT_EQ(m.iovecs(array, 2).size(), 2u);
  m.store<u32>(array + 12, 97); // one byte past the end
  EXPECT_EQ(errnoOf([&] { m.iovecs(array, 2); }), Errno::Fault);
  m.store<u32>(array + 8, 0xFFFFFFF0u); // buf + len wraps in 32 bits
  m.store<u32>(array + 12, 0x20);
  EXPECT_EQ(errnoOf([&] { m.iovecs(array, 2); }), Errno::Fault);
  // The array itself: out of memory, or a count whose size wraps in 32 bits.
  EXPECT_EQ(errnoOf([&] { m.iovecs(4092, 1); }), Errno::Fault);
  EXPECT_EQ(errnoOf([&] { m.iovecs(8, 0x20000001u); }), Errno::Fault);
}

TEST(WasiMemory, StringsMustBeUtf8WithoutNul) {
  FakeMemory mem;
  GuestMemory m = mem.view();
  const auto [ok, okLen] = mem.string("dir/\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(m.string(ok, okLen), "dir/\xC3\xA9t\xC3\xA9");
  const auto [bad, badLen] = mem.string("a\xC3(");
  EXPECT_EQ(errnoOf([&] { m.string(bad, badLen); }), Errno::Ilseq);
  const auto [nul, nulLen] = mem.string(std::string_view("a\0b", 3));
  EXPECT_EQ(errnoOf([&] { m.string(nul, nulLen); }), Errno::Inval);
  EXPECT_EQ(errnoOf([&] { m.string(65530, 10); }), Errno::Fault);
  EXPECT_FALSE(detail::isUtf8("\xED\xA0\x80"));     // a surrogate
  EXPECT_FALSE(detail::isUtf8("\xC0\xAF"));         // overlong
  EXPECT_FALSE(detail::isUtf8("\xF4\x90\x80\x80")); // past U+10FFFF
  EXPECT_TRUE(detail::isUtf8("\xF0\x9F\x98\x80"));
}

// Through the WASI functions: bad pointers are EFAULT, nothing is written
// and no file is touched.
TEST(WasiMemory, FunctionsReportEfault) {
  TempTree tree;
  detail::Host host = makeHost(tree.path());
  FakeMemory mem(4096);
  auto m = mem.view();
  EXPECT_EQ(host.argsSizesGet(m, 4094, 0), Errno::Fault);
  EXPECT_EQ(host.argsGet(m, 0xFFFFFFFEu, 0), Errno::Fault);
  EXPECT_EQ(host.clockTimeGet(m, 0, 0, 4090), Errno::Fault);
  EXPECT_EQ(host.randomGet(m, 4000, 97), Errno::Fault);
  EXPECT_EQ(host.fdPrestatDirName(m, 3, 4095, 2), Errno::Fault);

  // A write whose second iovec is out of memory writes nothing at all.
  const auto [path, pathLen] = mem.string("file");
  const u32 fdOut = mem.alloc(4);
  ASSERT_EQ(host.pathOpen(m, 3, 0, path, pathLen, abi::oflags::Creat,
                          abi::rights::FdWrite | abi::rights::FdRead | abi::rights::FdFilestatGet,
                          0, 0, fdOut),
            Errno::Success);
  const u32 fd = mem.load<u32>(fdOut);
  const u32 iovs = mem.alloc(16);
  const auto [data, dataLen] = mem.string("hello");
  mem.store<u32>(iovs, data);
  mem.store<u32>(iovs + 4, dataLen);
  mem.store<u32>(iovs + 8, 4000);
  mem.store<u32>(iovs + 12, 200);
  const u32 nwritten = mem.alloc(4);
  EXPECT_EQ(host.fdWrite(m, fd, iovs, 2, nwritten), Errno::Fault);
  EXPECT_EQ(host.fdWrite(m, fd, iovs, 1, 4094), Errno::Fault); // the result pointer
  EXPECT_EQ(readFile(tree.path() / "file"), "");
  EXPECT_EQ(host.fdWrite(m, fd, iovs, 1, nwritten), Errno::Success);
  EXPECT_EQ(mem.load<u32>(nwritten), 5u);
  EXPECT_EQ(readFile(tree.path() / "file"), "hello");

  // Path strings, iovec arrays and stat buffers out of memory.
  EXPECT_EQ(host.pathOpen(m, 3, 0, 4090, 10, 0, 0, 0, 0, fdOut), Errno::Fault);
  EXPECT_EQ(host.fdRead(m, fd, 4092, 1, nwritten), Errno::Fault);
  EXPECT_EQ(host.fdFilestatGet(m, fd, 4090), Errno::Fault);
  EXPECT_EQ(host.pathFilestatGet(m, 3, 0, path, pathLen, 4090), Errno::Fault);
  EXPECT_EQ(host.pollOneoff(m, 4010, 0, 2, nwritten), Errno::Fault);
}

} // namespace
} // namespace waot::wasi::test
