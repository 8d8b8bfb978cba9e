// The public C++ API: Context (binding the Host's functions to imports) and
// runStart.
#include "host.hpp"

#include "waot/caller.hpp"
#include "waot/wasi.hpp"

#include <type_traits>
#include <variant>

namespace waot::wasi {
namespace {

using detail::GuestMemory;
using detail::Host;
using detail::u32;
using detail::u64;

constexpr const char *Module = "wasi_snapshot_preview1";

// The wasm type of a Host parameter: u64 is an i64, u32 an i32.
template <class T>
using WasmOf = std::conditional_t<std::is_same_v<T, u64>, std::int64_t, std::int32_t>;

// A host function calling `method` with the calling instance's memory and
// the arguments reinterpreted as unsigned (the witx types).
template <class... P>
Function bind(const std::shared_ptr<Host> &host,
              detail::Errno (Host::*method)(GuestMemory &, P...)) {
  return Function::wrap([host, method](Caller &caller, WasmOf<P>... args) -> std::int32_t {
    // Looked up per call: the memory's size changes when the guest grows it.
    const Memory memory = caller.memory("memory");
    GuestMemory guest(memory.data(), memory.size());
    return static_cast<std::int32_t>(((*host).*method)(guest, static_cast<P>(args)...));
  });
}

} // namespace

Context::Context(Config config) : host_(std::make_shared<detail::Host>(config)) {}

void Context::define(Imports &imports) const {
  const std::shared_ptr<Host> &h = host_;
  const auto add = [&](const char *name, Function function) {
    imports.define(Module, name, std::move(function));
  };
  add("args_get", bind(h, &Host::argsGet));
  add("args_sizes_get", bind(h, &Host::argsSizesGet));
  add("environ_get", bind(h, &Host::environGet));
  add("environ_sizes_get", bind(h, &Host::environSizesGet));
  add("clock_res_get", bind(h, &Host::clockResGet));
  add("clock_time_get", bind(h, &Host::clockTimeGet));
  add("fd_advise", bind(h, &Host::fdAdvise));
  add("fd_allocate", bind(h, &Host::fdAllocate));
  add("fd_close", bind(h, &Host::fdClose));
  add("fd_datasync", bind(h, &Host::fdDatasync));
  add("fd_fdstat_get", bind(h, &Host::fdFdstatGet));
  add("fd_fdstat_set_flags", bind(h, &Host::fdFdstatSetFlags));
  add("fd_fdstat_set_rights", bind(h, &Host::fdFdstatSetRights));
  add("fd_filestat_get", bind(h, &Host::fdFilestatGet));
  add("fd_filestat_set_size", bind(h, &Host::fdFilestatSetSize));
  add("fd_filestat_set_times", bind(h, &Host::fdFilestatSetTimes));
  add("fd_pread", bind(h, &Host::fdPread));
  add("fd_prestat_get", bind(h, &Host::fdPrestatGet));
  add("fd_prestat_dir_name", bind(h, &Host::fdPrestatDirName));
  add("fd_pwrite", bind(h, &Host::fdPwrite));
  add("fd_read", bind(h, &Host::fdRead));
  add("fd_readdir", bind(h, &Host::fdReaddir));
  add("fd_renumber", bind(h, &Host::fdRenumber));
  add("fd_seek", bind(h, &Host::fdSeek));
  add("fd_sync", bind(h, &Host::fdSync));
  add("fd_tell", bind(h, &Host::fdTell));
  add("fd_write", bind(h, &Host::fdWrite));
  add("path_create_directory", bind(h, &Host::pathCreateDirectory));
  add("path_filestat_get", bind(h, &Host::pathFilestatGet));
  add("path_filestat_set_times", bind(h, &Host::pathFilestatSetTimes));
  add("path_link", bind(h, &Host::pathLink));
  add("path_open", bind(h, &Host::pathOpen));
  add("path_readlink", bind(h, &Host::pathReadlink));
  add("path_remove_directory", bind(h, &Host::pathRemoveDirectory));
  add("path_rename", bind(h, &Host::pathRename));
  add("path_symlink", bind(h, &Host::pathSymlink));
  add("path_unlink_file", bind(h, &Host::pathUnlinkFile));
  add("poll_oneoff", bind(h, &Host::pollOneoff));
  add("proc_exit", Function::wrap([h](std::int32_t code) { h->procExit(static_cast<u32>(code)); }));
  add("proc_raise", Function::wrap([h](std::int32_t signal) -> std::int32_t {
        return static_cast<std::int32_t>(h->procRaise(static_cast<u32>(signal)));
      }));
  add("sched_yield",
      Function::wrap([h]() -> std::int32_t { return static_cast<std::int32_t>(h->schedYield()); }));
  add("random_get", bind(h, &Host::randomGet));
  add("sock_accept", bind(h, &Host::sockAccept));
  add("sock_recv", bind(h, &Host::sockRecv));
  add("sock_send", bind(h, &Host::sockSend));
  add("sock_shutdown", bind(h, &Host::sockShutdown));
}

int runStart(const Instance &instance) {
  const Extern *start = instance.exports().find("_start");
  if (!start || !std::holds_alternative<Function>(*start))
    throw Error("WASI: the module exports no function \"_start\" to run");
  const TypedFunction<void()> run(std::get<Function>(*start)); // TypeError for another type
  try {
    run();
    return 0;
  } catch (const Exit &exit) {
    return exit.code();
  }
}

} // namespace waot::wasi
