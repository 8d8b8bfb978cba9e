// poll_oneoff: clock subscriptions (relative or absolute, realtime or
// monotonic) and fd_read/fd_write readiness, waited for with ppoll(2).
// Regular files are always ready (as in POSIX and wasmtime); streams, pipes
// and terminals are polled.
#include "host.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

namespace waot::wasi::detail {
namespace {

u64 now(clockid_t clock) {
  struct timespec ts;
  ::clock_gettime(clock, &ts);
  return nanoseconds(ts);
}

u64 saturatingAdd(u64 a, u64 b) {
  return b > std::numeric_limits<u64>::max() - a ? std::numeric_limits<u64>::max() : a + b;
}

struct Subscription {
  u64 userdata = 0;
  std::uint8_t type = 0;
  u64 deadline = 0;         // clock: CLOCK_MONOTONIC nanoseconds
  int host = -1;            // fd_read/fd_write: the host descriptor
  bool alwaysReady = false; // a regular file
  std::optional<std::size_t> pollIndex;
};

// The monotonic deadline of a clock subscription.
u64 deadlineOf(GuestMemory &m, u32 at) {
  namespace s = abi::subscription;
  const auto id = m.load<u32>(at + s::ClockId);
  const auto timeout = m.load<u64>(at + s::ClockTimeout);
  const bool absolute = m.load<std::uint16_t>(at + s::ClockFlags) & abi::SubscriptionClockAbstime;
  const u64 monotonic = now(CLOCK_MONOTONIC);
  switch (id) {
  case abi::clockid::Monotonic: return absolute ? timeout : saturatingAdd(monotonic, timeout);
  case abi::clockid::Realtime: {
    if (!absolute) return saturatingAdd(monotonic, timeout);
    // An absolute wall-clock time: wait for the time left until it.
    const u64 real = now(CLOCK_REALTIME);
    return saturatingAdd(monotonic, timeout > real ? timeout - real : 0);
  }
  default: fail(Errno::Inval); // as wasmtime (also for the CPU-time clocks)
  }
}

void storeEvent(GuestMemory &m, u32 at, const Subscription &sub, Errno error, u64 nbytes,
                std::uint16_t flags) {
  namespace e = abi::event;
  const auto record = m.bytes(at, e::Size);
  std::memset(record.data(), 0, record.size());
  m.store<u64>(at + e::Userdata, sub.userdata);
  m.store<std::uint16_t>(at + e::Error, static_cast<std::uint16_t>(error));
  m.store<std::uint8_t>(at + e::Type, sub.type);
  if (sub.type != abi::eventtype::Clock) {
    m.store<u64>(at + e::Nbytes, nbytes);
    m.store<std::uint16_t>(at + e::Flags, flags);
  }
}

// Bytes readable without blocking, when the descriptor can tell.
u64 readableBytes(const Subscription &sub) {
  if (sub.alwaysReady) {
    struct stat st;
    const off_t position = ::lseek(sub.host, 0, SEEK_CUR);
    if (::fstat(sub.host, &st) != 0 || position < 0 || st.st_size <= position) return 0;
    return static_cast<u64>(st.st_size - position);
  }
  int available = 0;
  if (::ioctl(sub.host, FIONREAD, &available) != 0 || available < 0) return 0;
  return static_cast<u64>(available);
}

} // namespace

Errno Host::pollOneoff(GuestMemory &m, u32 in, u32 out, u32 nsubscriptions, u32 neventsOut) {
  return guarded([&] {
    // Sleeping forever is not something preview1 can ask for (wasmtime).
    if (nsubscriptions == 0) fail(Errno::Inval);
    m.bytes(in, u64{nsubscriptions} * abi::subscription::Size);
    m.bytes(out, u64{nsubscriptions} * abi::event::Size);
    m.bytes(neventsOut, 4);

    std::vector<Subscription> subs;
    std::vector<::pollfd> pollfds;
    std::optional<u64> earliest;
    bool fileReady = false;
    for (u32 i = 0; i < nsubscriptions; ++i) {
      const u32 at = in + i * abi::subscription::Size;
      Subscription sub;
      sub.userdata = m.load<u64>(at + abi::subscription::Userdata);
      sub.type = m.load<std::uint8_t>(at + abi::subscription::Tag);
      if (sub.type == abi::eventtype::Clock) {
        sub.deadline = deadlineOf(m, at);
        earliest = std::min(earliest.value_or(sub.deadline), sub.deadline);
      } else if (sub.type == abi::eventtype::FdRead || sub.type == abi::eventtype::FdWrite) {
        const bool read = sub.type == abi::eventtype::FdRead;
        const FdEntry &entry = fds_.get(m.load<u32>(at + abi::subscription::Fd));
        if (entry.kind == FdKind::Directory || (read && entry.kind == FdKind::Stdout) ||
            (!read && entry.kind == FdKind::Stdin))
          fail(Errno::Badf);
        sub.host = entry.host.get();
        struct stat st;
        sub.alwaysReady = ::fstat(sub.host, &st) == 0 && S_ISREG(st.st_mode);
        if (sub.alwaysReady) {
          fileReady = true;
        } else {
          sub.pollIndex = pollfds.size();
          pollfds.push_back({sub.host, static_cast<short>(read ? POLLIN : POLLOUT), 0});
        }
      } else {
        fail(Errno::Inval);
      }
      subs.push_back(sub);
    }

    // Wait until a descriptor is ready or the earliest clock expires.
    for (;;) {
      struct timespec timeout {};
      const struct timespec *wait = nullptr;
      if (fileReady) {
        wait = &timeout; // just look at the others
      } else if (earliest) {
        const u64 current = now(CLOCK_MONOTONIC);
        const u64 left = *earliest > current ? *earliest - current : 0;
        timeout.tv_sec = static_cast<time_t>(std::min<u64>(left / 1'000'000'000, 1u << 30));
        timeout.tv_nsec = static_cast<long>(left % 1'000'000'000);
        wait = &timeout;
      }
      const int ready = ::ppoll(pollfds.data(), pollfds.size(), wait, nullptr);
      if (ready < 0 && errno != EINTR) failFromErrno();
      const bool clockDue = earliest && now(CLOCK_MONOTONIC) >= *earliest;
      if (ready > 0 || fileReady || clockDue) break;
    }

    const u64 current = now(CLOCK_MONOTONIC);
    u32 count = 0;
    for (const Subscription &sub : subs) {
      const u32 at = out + count * abi::event::Size;
      if (sub.type == abi::eventtype::Clock) {
        if (current < sub.deadline) continue;
        storeEvent(m, at, sub, Errno::Success, 0, 0);
      } else if (sub.alwaysReady) {
        const bool read = sub.type == abi::eventtype::FdRead;
        const u64 nbytes = read ? readableBytes(sub) : 0;
        storeEvent(m, at, sub, Errno::Success, nbytes,
                   read && nbytes == 0 ? abi::EventFdReadwriteHangup : 0);
      } else {
        const short revents = pollfds[*sub.pollIndex].revents;
        if (revents == 0) continue;
        if (revents & POLLNVAL) {
          storeEvent(m, at, sub, Errno::Badf, 0, 0);
        } else {
          const bool hangup = revents & (POLLHUP | POLLERR);
          const u64 nbytes = sub.type == abi::eventtype::FdRead ? readableBytes(sub) : 0;
          storeEvent(m, at, sub, Errno::Success, nbytes, hangup ? abi::EventFdReadwriteHangup : 0);
        }
      }
      ++count;
    }
    m.store<u32>(neventsOut, count);
  });
}

} // namespace waot::wasi::detail
