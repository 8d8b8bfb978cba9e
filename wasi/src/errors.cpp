#include "errors.hpp"

#include <cerrno>

namespace waot::wasi::detail {

abi::Errno errnoFromHost(int error) noexcept {
  using E = abi::Errno;
  switch (error) {
  case 0: return E::Success;
  case E2BIG: return E::TooBig;
  case EACCES: return E::Acces;
  case EADDRINUSE: return E::AddrInUse;
  case EADDRNOTAVAIL: return E::AddrNotAvail;
  case EAFNOSUPPORT: return E::AfNoSupport;
  case EAGAIN: return E::Again;
  case EALREADY: return E::Already;
  case EBADF: return E::Badf;
  case EBADMSG: return E::BadMsg;
  case EBUSY: return E::Busy;
  case ECANCELED: return E::Canceled;
  case ECHILD: return E::Child;
  case ECONNABORTED: return E::ConnAborted;
  case ECONNREFUSED: return E::ConnRefused;
  case ECONNRESET: return E::ConnReset;
  case EDEADLK: return E::Deadlk;
  case EDESTADDRREQ: return E::DestAddrReq;
  case EDOM: return E::Dom;
  case EDQUOT: return E::Dquot;
  case EEXIST: return E::Exist;
  case EFAULT: return E::Fault;
  case EFBIG: return E::Fbig;
  case EHOSTUNREACH: return E::HostUnreach;
  case EIDRM: return E::Idrm;
  case EILSEQ: return E::Ilseq;
  case EINPROGRESS: return E::InProgress;
  case EINTR: return E::Intr;
  case EINVAL: return E::Inval;
  case EIO: return E::Io;
  case EISCONN: return E::IsConn;
  case EISDIR: return E::IsDir;
  case ELOOP: return E::Loop;
  case EMFILE: return E::Mfile;
  case EMLINK: return E::Mlink;
  case EMSGSIZE: return E::MsgSize;
  case EMULTIHOP: return E::Multihop;
  case ENAMETOOLONG: return E::NameTooLong;
  case ENETDOWN: return E::NetDown;
  case ENETRESET: return E::NetReset;
  case ENETUNREACH: return E::NetUnreach;
  case ENFILE: return E::Nfile;
  case ENOBUFS: return E::NoBufs;
  case ENODEV: return E::NoDev;
  case ENOENT: return E::NoEnt;
  case ENOEXEC: return E::NoExec;
  case ENOLCK: return E::NoLck;
  case ENOLINK: return E::NoLink;
  case ENOMEM: return E::NoMem;
  case ENOMSG: return E::NoMsg;
  case ENOPROTOOPT: return E::NoProtoOpt;
  case ENOSPC: return E::NoSpc;
  case ENOSYS: return E::NoSys;
  case ENOTCONN: return E::NotConn;
  case ENOTDIR: return E::NotDir;
  case ENOTEMPTY: return E::NotEmpty;
  case ENOTRECOVERABLE: return E::NotRecoverable;
  case ENOTSOCK: return E::NotSock;
  case EOPNOTSUPP: return E::NotSup; // == ENOTSUP on Linux
  case ENOTTY: return E::NotTy;
  case ENXIO: return E::Nxio;
  case EOVERFLOW: return E::Overflow;
  case EOWNERDEAD: return E::OwnerDead;
  case EPERM: return E::Perm;
  case EPIPE: return E::Pipe;
  case EPROTO: return E::Proto;
  case EPROTONOSUPPORT: return E::ProtoNoSupport;
  case EPROTOTYPE: return E::ProtoType;
  case ERANGE: return E::Range;
  case EROFS: return E::Rofs;
  case ESPIPE: return E::Spipe;
  case ESRCH: return E::Srch;
  case ESTALE: return E::Stale;
  case ETIMEDOUT: return E::TimedOut;
  case ETXTBSY: return E::TxtBsy;
  case EXDEV: return E::Xdev;
  default: return E::Io;
  }
}

void failFromErrno() { fail(errnoFromHost(errno)); }

} // namespace waot::wasi::detail
