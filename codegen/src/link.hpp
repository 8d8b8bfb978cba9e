// Linking objects into an ELF shared library with lld, in-process.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace waot::codegen {

struct LinkOptions {
  std::string soname;                       // DT_SONAME; empty: none
  std::vector<std::string> exportedSymbols; // when non-empty, the only dynamic symbols exported
};

// Links the ELF relocatable `objects` (e.g. the partitions of one module) into
// the shared library `output`. Undefined symbols (the C library calls LLVM may
// emit: memcpy, memset, fmod, ...) are left to the dynamic loader. Every
// symbol in `exportedSymbols` must be defined (--no-undefined-version).
// Calls into lld are serialized (lld keeps global state); a fatal lld error
// is reported like any other, but lld then refuses to run again in this
// process (see lld::Result::canRunAgain). Throws
// waot::Error("link failed: ...") with lld's first errors on one line.
void linkSharedLibrary(std::span<const std::vector<char>> objects,
                       const std::filesystem::path &output, const LinkOptions &options = {});

// Links the ELF relocatable `objects` into one relocatable object `output`
// (ld -r): the parts of a module compiled for linking into an application
// become the one object the application links.
void linkRelocatableObject(std::span<const std::vector<char>> objects,
                           const std::filesystem::path &output);

} // namespace waot::codegen
