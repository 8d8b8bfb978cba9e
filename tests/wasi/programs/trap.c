// trap KIND [BYTES]: writes "before KIND" to stdout, BYTES more bytes of
// pattern text (default 0) and "stderr before KIND" to stderr, flushes
// both, then traps:
//   unreachable  __builtin_trap()
//   divzero      integer division by zero
//   oob          a load far outside linear memory
//   stack        unbounded recursion (the native call stack runs out)
// Nothing is written after the trap; the test checks that everything written
// before it arrived and that waot reports the trap.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile int zero = 0;
volatile unsigned numerator = 12345; // 1/x would fold to x == 1
volatile uint32_t farAway = 0xFFFFFFF0u;
volatile unsigned sink;

// Not a tail call and not an accumulator LLVM can turn into a loop: the
// result goes through a multiplication before the addition. No local has its
// address taken, so every frame lives on the native stack, none on the
// shadow stack in linear memory.
__attribute__((noinline)) static unsigned recurse(unsigned n) {
  if (n == 0xFFFFFFFFu) return (unsigned)zero;
  unsigned below = recurse(n + 1);
  return below * 31u + n;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: trap unreachable|divzero|oob|stack [BYTES]\n", stderr);
    return 2;
  }
  const char *kind = argv[1];
  long bytes = argc > 2 ? atol(argv[2]) : 0;
  printf("before %s\n", kind);
  for (long i = 0; i < bytes; ++i)
    putchar(i % 64 == 63 ? '\n' : 'a' + (int)(i % 26));
  fflush(stdout);
  fprintf(stderr, "stderr before %s\n", kind);
  fflush(stderr);
  if (strcmp(kind, "unreachable") == 0) __builtin_trap();
  if (strcmp(kind, "divzero") == 0) sink = numerator / (unsigned)zero;
  if (strcmp(kind, "oob") == 0) sink = *(volatile unsigned char *)(uintptr_t)farAway;
  if (strcmp(kind, "stack") == 0) sink = recurse((unsigned)zero);
  printf("after %s\n", kind);
  return 3;
}
