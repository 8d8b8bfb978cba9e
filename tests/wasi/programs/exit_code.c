// exit_code N [HOW]: ends with status N, where HOW is
//   exit    exit(N) (the default; runs atexit handlers, flushes stdio)
//   return  returns N from main
//   raw     __wasi_proc_exit(N) directly
//   abort   abort() (a trap; N is ignored)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static void sayBye(void) { fputs("atexit\n", stdout); }

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: exit_code N [exit|return|raw|abort]\n", stderr);
    return 2;
  }
  int code = atoi(argv[1]);
  const char *how = argc > 2 ? argv[2] : "exit";
  if (strcmp(how, "exit") == 0) {
    atexit(sayBye);
    exit(code);
  }
  if (strcmp(how, "return") == 0) return code;
  if (strcmp(how, "raw") == 0) __wasi_proc_exit((__wasi_exitcode_t)code);
  if (strcmp(how, "abort") == 0) abort();
  fprintf(stderr, "unknown mode %s\n", how);
  return 2;
}
