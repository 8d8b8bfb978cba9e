/* A WASI command for the examples: greets its first argument (default:
 * "world") with $GREETING (default: "hello"), and records the greeting in
 * /out/greeting.txt when a directory is preopened there.
 *
 *   waot run --env GREETING=hi --dir /tmp::/out hello.wasm Ada   # hi, Ada */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "world";
  const char *greeting = getenv("GREETING");
  if (!greeting) greeting = "hello";
  printf("%s, %s\n", greeting, name);
  FILE *out = fopen("/out/greeting.txt", "w");
  if (out) {
    fprintf(out, "%s, %s\n", greeting, name);
    fclose(out);
  }
  return 0;
}
