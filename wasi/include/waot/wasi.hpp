// WASI preview1 for waot: the 46 functions of `wasi_snapshot_preview1` on
// Linux, as host functions for an Imports object.
//
//   waot::wasi::Config config;
//   config.args = {"prog.wasm", "--verbose"};
//   config.env = {"HOME=/"};
//   config.preopens = {{"/srv/data", "/"}};
//   waot::wasi::Context wasi(config);          // opens the preopened directories
//   waot::Imports imports;
//   wasi.define(imports);                      // wasi_snapshot_preview1.*
//   waot::Instance instance(module, imports);
//   int status = waot::wasi::runStart(instance); // calls _start
//
// The guest reaches only its preopened directories: every path is resolved
// strictly beneath a directory descriptor (openat2 RESOLVE_BENEATH, or an
// equivalent component-by-component walk on kernels without it); `..` above
// the directory, absolute paths and symlinks leading outside are refused
// with ENOTCAPABLE. Behaviour and errno values follow wasmtime's preview1
// implementation; a pointer or length outside the guest's memory is EFAULT.
//
// Link `waot::wasi` (CMake target waot_wasi).
#pragma once

#include "waot/waot.hpp"

#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace waot::wasi {

// A host directory the guest sees as `guest` (e.g. "/", "/data" or ".").
struct Preopen {
  std::filesystem::path host;
  std::string guest;
};

// What one guest process starts with.
struct Config {
  std::vector<std::string> args;               // argv, argv[0] (the program name) included
  std::vector<std::string> env;                // "KEY=VALUE" entries, exactly what the guest sees
  std::vector<Preopen> preopens;               // guest fds 3, 4, ... in this order
  int stdinFd = 0, stdoutFd = 1, stderrFd = 2; // host fds for the guest's 0, 1, 2;
                                               // duplicated, never closed by waot
};

// Thrown by proc_exit. It unwinds the wasm frames like any host exception
// and reaches the caller of the export (runStart turns it into the status).
class Exit : public std::exception {
public:
  explicit Exit(int code) noexcept;
  int code() const noexcept { return code_; }
  const char *what() const noexcept override { return message_; }

private:
  int code_;
  char message_[40];
};

namespace detail {
class Host;
}

// One guest process's WASI state: the descriptor table, arguments and
// environment. A Context is a shared handle (copies refer to the same state)
// and the host functions define() installs keep that state alive, so the
// Context object itself may go away before the instance. Host descriptors it
// opened are closed when the last reference goes.
//
// Not thread-safe: the functions of one context must be called by one thread
// at a time (like the instance that imports them).
class Context {
public:
  // Duplicates the stdio descriptors and opens the preopened directories;
  // waot::Error naming the host path when one cannot be opened as a
  // directory, or when a stdio descriptor is not open.
  explicit Context(Config config);

  // Defines all 46 wasi_snapshot_preview1 functions on `imports`. Each reads
  // and writes the memory exported as "memory" by the instance that calls it
  // (waot::Error from the call when it exports none).
  void define(Imports &imports) const;

private:
  std::shared_ptr<detail::Host> host_;
};

// Runs a WASI command: calls its `_start` export (waot::Error when it has
// none, or when `_start` has another type than () -> ()) and returns the exit
// status: 0 when _start returns, the proc_exit code otherwise. A trap
// propagates as waot::RuntimeError, another host exception unchanged.
int runStart(const Instance &instance);

} // namespace waot::wasi
