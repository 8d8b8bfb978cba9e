/* A WASI-heavy program: writes SIZE_MB MiB to a file in 4 KiB writes, reads
 * it back in 4 KiB reads, and prints a checksum of what came back. The same
 * source is built natively and for wasm32-wasi (bench/wasi/run.sh).
 *
 *   io_heavy DIR [SIZE_MB]     (default 100) */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: io_heavy DIR [SIZE_MB]\n");
    return 2;
  }
  const long megabytes = argc > 2 ? atol(argv[2]) : 100;
  const long blocks = megabytes * 256;
  char path[4096];
  snprintf(path, sizeof path, "%s/io_heavy.dat", argv[1]);
  static unsigned char block[4096];
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror("open for writing");
    return 1;
  }
  for (long b = 0; b < blocks; ++b) {
    memset(block, (int)(b & 0xff), sizeof block);
    block[0] = (unsigned char)(b >> 8);
    if (write(fd, block, sizeof block) != (ssize_t)sizeof block) {
      perror("write");
      return 1;
    }
  }
  close(fd);
  fd = open(path, O_RDONLY);
  if (fd < 0) {
    perror("open for reading");
    return 1;
  }
  uint64_t sum = 0, total = 0;
  ssize_t n;
  while ((n = read(fd, block, sizeof block)) > 0) {
    for (ssize_t i = 0; i < n; i += 64)
      sum = sum * 31 + block[i];
    total += (uint64_t)n;
  }
  close(fd);
  unlink(path);
  printf("%llu bytes, checksum %llu\n", (unsigned long long)total, (unsigned long long)sum);
  return total == (uint64_t)blocks * 4096 ? 0 : 1;
}
