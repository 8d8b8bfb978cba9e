// Running independent, numbered tasks on a few threads, with an outcome that
// does not depend on how they were scheduled.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

namespace waot::codegen {

// The number of threads a `threads` option asks for: itself, or for 0 every
// hardware thread this process may run on (its CPU affinity mask).
unsigned resolveThreadCount(unsigned requested);

// Runs task(i) for every i in `order` (a permutation of 0..n-1, the order in
// which tasks are started) on min(threads, n) threads of their own, and
// returns when all have finished. Tasks must be independent of each other.
//
// If tasks throw, the exception of the lowest-numbered failing task is
// rethrown: once task f has failed, tasks numbered above f that have not
// started yet are skipped, never those below, so the same error is reported
// whatever the thread count and timing.
void runTasks(std::span<const std::size_t> order, unsigned threads,
              const std::function<void(std::size_t)> &task);

} // namespace waot::codegen
