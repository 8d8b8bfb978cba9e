// The background half of a tiered `waot run`: a detached `waot cache build
// --background` process that compiles the optimized artifact into the cache
// while (and after) the program runs at the quick tier.
#pragma once

#include <waot/codegen/compiler.hpp>

#include <string>

namespace waot::driver {

// Starts the optimized build of the module at `modulePath` with `options`
// (its optLevel and interruptible flag are passed on; every other option is
// the default, as in `waot run`). The process is detached: its own session,
// stdin/stdout/stderr on /dev/null, no other descriptor inherited, a low
// CPU priority (nice 10), never waited for — the run's exit status and its pipes'
// end of file do not depend on it. Returns "" or why it could not start.
// `guided`: the build optimizes only the functions of the profile stored
// in the cache under the optimized key (`--profile`).
std::string startBackgroundBuild(const std::string &modulePath,
                                 const codegen::CompileOptions &options, bool guided);

} // namespace waot::driver
