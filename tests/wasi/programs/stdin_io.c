// stdin_io sum: reads stdin to end of file with read() in changing chunk
//               sizes and prints "bytes=N fnv=HEX" (64-bit FNV-1a).
// stdin_io cat: copies stdin to stdout with fread/fwrite.
// stdin_io lines: counts lines read with fgets; prints "lines=N".
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned char buffer[1 << 20];

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "sum";
  if (strcmp(mode, "sum") == 0) {
    static const size_t chunks[] = {1, 7, 4096, 65536, 100000, sizeof buffer, 3};
    uint64_t hash = 0xcbf29ce484222325ull, total = 0;
    for (size_t i = 0;; ++i) {
      ssize_t n = read(0, buffer, chunks[i % (sizeof chunks / sizeof chunks[0])]);
      if (n < 0) {
        perror("read");
        return 1;
      }
      if (n == 0) break;
      for (ssize_t k = 0; k < n; ++k)
        hash = (hash ^ buffer[k]) * 0x100000001b3ull;
      total += (uint64_t)n;
    }
    printf("bytes=%llu fnv=%016llx\n", (unsigned long long)total, (unsigned long long)hash);
    return 0;
  }
  if (strcmp(mode, "cat") == 0) {
    size_t n;
    while ((n = fread(buffer, 1, 12345, stdin)) > 0)
      if (fwrite(buffer, 1, n, stdout) != n) {
        perror("fwrite");
        return 1;
      }
    if (ferror(stdin)) {
      perror("fread");
      return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
  }
  if (strcmp(mode, "lines") == 0) {
    unsigned long lines = 0;
    while (fgets((char *)buffer, sizeof buffer, stdin))
      if (strchr((char *)buffer, '\n')) ++lines;
    printf("lines=%lu\n", lines);
    return 0;
  }
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
