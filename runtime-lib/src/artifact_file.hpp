// Checks an artifact file before the dynamic loader sees it. dlopen() trusts
// its input: a truncated or corrupted shared library can crash it. So the
// file's ELF structure is checked against the file size, and the integrity
// trailer `waot compile` appends (abi.h) is verified when present.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace waot::detail {

// Throws CompileError (Kind::Artifact) naming `path` when the file cannot be
// a loadable artifact for this machine.
void checkArtifactFile(const std::string &path);

// The same check on an artifact held in memory; `name` stands for the file
// in messages.
void checkArtifactImage(const std::string &name, std::span<const std::uint8_t> image);

} // namespace waot::detail
