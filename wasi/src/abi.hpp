// The wasi_snapshot_preview1 ABI: the witx types' values and the byte
// layouts of the records the guest passes (little-endian, offsets as in
// wasi_snapshot_preview1.witx for wasm32).
#pragma once

#include <cstdint>

namespace waot::wasi::abi {

enum class Errno : std::uint16_t {
  Success = 0,
  TooBig = 1,
  Acces = 2,
  AddrInUse = 3,
  AddrNotAvail = 4,
  AfNoSupport = 5,
  Again = 6,
  Already = 7,
  Badf = 8,
  BadMsg = 9,
  Busy = 10,
  Canceled = 11,
  Child = 12,
  ConnAborted = 13,
  ConnRefused = 14,
  ConnReset = 15,
  Deadlk = 16,
  DestAddrReq = 17,
  Dom = 18,
  Dquot = 19,
  Exist = 20,
  Fault = 21,
  Fbig = 22,
  HostUnreach = 23,
  Idrm = 24,
  Ilseq = 25,
  InProgress = 26,
  Intr = 27,
  Inval = 28,
  Io = 29,
  IsConn = 30,
  IsDir = 31,
  Loop = 32,
  Mfile = 33,
  Mlink = 34,
  MsgSize = 35,
  Multihop = 36,
  NameTooLong = 37,
  NetDown = 38,
  NetReset = 39,
  NetUnreach = 40,
  Nfile = 41,
  NoBufs = 42,
  NoDev = 43,
  NoEnt = 44,
  NoExec = 45,
  NoLck = 46,
  NoLink = 47,
  NoMem = 48,
  NoMsg = 49,
  NoProtoOpt = 50,
  NoSpc = 51,
  NoSys = 52,
  NotConn = 53,
  NotDir = 54,
  NotEmpty = 55,
  NotRecoverable = 56,
  NotSock = 57,
  NotSup = 58,
  NotTy = 59,
  Nxio = 60,
  Overflow = 61,
  OwnerDead = 62,
  Perm = 63,
  Pipe = 64,
  Proto = 65,
  ProtoNoSupport = 66,
  ProtoType = 67,
  Range = 68,
  Rofs = 69,
  Spipe = 70,
  Srch = 71,
  Stale = 72,
  TimedOut = 73,
  TxtBsy = 74,
  Xdev = 75,
  NotCapable = 76,
};

using Rights = std::uint64_t;
namespace rights {
inline constexpr Rights FdDatasync = 1ull << 0;
inline constexpr Rights FdRead = 1ull << 1;
inline constexpr Rights FdSeek = 1ull << 2;
inline constexpr Rights FdFdstatSetFlags = 1ull << 3;
inline constexpr Rights FdSync = 1ull << 4;
inline constexpr Rights FdTell = 1ull << 5;
inline constexpr Rights FdWrite = 1ull << 6;
inline constexpr Rights FdAdvise = 1ull << 7;
inline constexpr Rights FdAllocate = 1ull << 8;
inline constexpr Rights PathCreateDirectory = 1ull << 9;
inline constexpr Rights PathCreateFile = 1ull << 10;
inline constexpr Rights PathLinkSource = 1ull << 11;
inline constexpr Rights PathLinkTarget = 1ull << 12;
inline constexpr Rights PathOpen = 1ull << 13;
inline constexpr Rights FdReaddir = 1ull << 14;
inline constexpr Rights PathReadlink = 1ull << 15;
inline constexpr Rights PathRenameSource = 1ull << 16;
inline constexpr Rights PathRenameTarget = 1ull << 17;
inline constexpr Rights PathFilestatGet = 1ull << 18;
inline constexpr Rights PathFilestatSetSize = 1ull << 19;
inline constexpr Rights PathFilestatSetTimes = 1ull << 20;
inline constexpr Rights FdFilestatGet = 1ull << 21;
inline constexpr Rights FdFilestatSetSize = 1ull << 22;
inline constexpr Rights FdFilestatSetTimes = 1ull << 23;
inline constexpr Rights PathSymlink = 1ull << 24;
inline constexpr Rights PathRemoveDirectory = 1ull << 25;
inline constexpr Rights PathUnlinkFile = 1ull << 26;
inline constexpr Rights PollFdReadwrite = 1ull << 27;
inline constexpr Rights SockShutdown = 1ull << 28;
inline constexpr Rights SockAccept = 1ull << 29;

// What a regular file descriptor can do at most.
inline constexpr Rights File = FdDatasync | FdRead | FdSeek | FdFdstatSetFlags | FdSync | FdTell |
                               FdWrite | FdAdvise | FdAllocate | FdFilestatGet | FdFilestatSetSize |
                               FdFilestatSetTimes | PollFdReadwrite;
// What a directory descriptor can do at most: no reading, writing, seeking or
// resizing (the suite checks that directories lack FD_SEEK and
// FD_FILESTAT_SET_SIZE).
inline constexpr Rights Directory =
    FdDatasync | FdFdstatSetFlags | FdSync | PathCreateDirectory | PathCreateFile | PathLinkSource |
    PathLinkTarget | PathOpen | FdReaddir | PathReadlink | PathRenameSource | PathRenameTarget |
    PathFilestatGet | PathFilestatSetSize | PathFilestatSetTimes | FdFilestatGet |
    FdFilestatSetTimes | PathSymlink | PathRemoveDirectory | PathUnlinkFile;
inline constexpr Rights All = File | Directory;
} // namespace rights

enum class Filetype : std::uint8_t {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
};

namespace fdflags {
inline constexpr std::uint16_t Append = 1 << 0;
inline constexpr std::uint16_t Dsync = 1 << 1;
inline constexpr std::uint16_t Nonblock = 1 << 2;
inline constexpr std::uint16_t Rsync = 1 << 3;
inline constexpr std::uint16_t Sync = 1 << 4;
inline constexpr std::uint16_t All = Append | Dsync | Nonblock | Rsync | Sync;
} // namespace fdflags

namespace oflags {
inline constexpr std::uint16_t Creat = 1 << 0;
inline constexpr std::uint16_t Directory = 1 << 1;
inline constexpr std::uint16_t Excl = 1 << 2;
inline constexpr std::uint16_t Trunc = 1 << 3;
inline constexpr std::uint16_t All = Creat | Directory | Excl | Trunc;
} // namespace oflags

namespace lookupflags {
inline constexpr std::uint32_t SymlinkFollow = 1 << 0;
}

namespace fstflags {
inline constexpr std::uint16_t Atim = 1 << 0;
inline constexpr std::uint16_t AtimNow = 1 << 1;
inline constexpr std::uint16_t Mtim = 1 << 2;
inline constexpr std::uint16_t MtimNow = 1 << 3;
inline constexpr std::uint16_t All = Atim | AtimNow | Mtim | MtimNow;
} // namespace fstflags

namespace whence {
inline constexpr std::uint8_t Set = 0;
inline constexpr std::uint8_t Cur = 1;
inline constexpr std::uint8_t End = 2;
} // namespace whence

namespace clockid {
inline constexpr std::uint32_t Realtime = 0;
inline constexpr std::uint32_t Monotonic = 1;
inline constexpr std::uint32_t ProcessCputime = 2;
inline constexpr std::uint32_t ThreadCputime = 3;
} // namespace clockid

namespace eventtype {
inline constexpr std::uint8_t Clock = 0;
inline constexpr std::uint8_t FdRead = 1;
inline constexpr std::uint8_t FdWrite = 2;
} // namespace eventtype

inline constexpr std::uint16_t EventFdReadwriteHangup = 1;
inline constexpr std::uint16_t SubscriptionClockAbstime = 1;
inline constexpr std::uint8_t AdviceMax = 5; // normal .. noreuse
inline constexpr std::uint8_t PreopentypeDir = 0;

// Record layouts: size and field offsets.
namespace iovec {
inline constexpr std::uint32_t Size = 8, Buf = 0, BufLen = 4;
}
namespace dirent {
inline constexpr std::uint32_t Size = 24, Next = 0, Ino = 8, Namlen = 16, Type = 20;
}
namespace fdstat {
inline constexpr std::uint32_t Size = 24, Filetype = 0, Flags = 2, RightsBase = 8,
                               RightsInheriting = 16;
}
namespace filestat {
inline constexpr std::uint32_t Size = 64, Dev = 0, Ino = 8, Filetype = 16, Nlink = 24,
                               FileSize = 32, Atim = 40, Mtim = 48, Ctim = 56;
}
namespace prestat {
inline constexpr std::uint32_t Size = 8, Tag = 0, NameLen = 4;
}
namespace subscription {
inline constexpr std::uint32_t Size = 48, Userdata = 0, Tag = 8, ClockId = 16, ClockTimeout = 24,
                               ClockPrecision = 32, ClockFlags = 40, Fd = 16;
}
namespace event {
inline constexpr std::uint32_t Size = 32, Userdata = 0, Error = 8, Type = 10, Nbytes = 16,
                               Flags = 24;
}

} // namespace waot::wasi::abi
