// Large writes; every byte i of the data is pattern(i) below, so the test can
// check size and content of what arrives.
//   big_write stdout N        N bytes to stdout with write() in changing sizes
//   big_write writev N        N bytes to stdout with writev() of many buffers
//   big_write file PATH N     N bytes to PATH, then reads them back and prints
//                             "size=S fnv=HEX" (fstat size, 64-bit FNV-1a)
//   big_write sparse PATH OFF writes "tail" at offset OFF (beyond 4 GiB is the
//                             point), prints "size=S end=E tail=T hole=H"
// Short writes are continued where they stopped, EAGAIN (a non-blocking
// stdout) is retried; stderr gets "writes=K short=S again=A" (write calls,
// short writes, EAGAIN failures) so a failure can say how the data was cut.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static unsigned char buffer[4 << 20];

static unsigned char pattern(uint64_t i) {
  return (unsigned char)((i * 0x9E3779B97F4A7C15ull) >> 56);
}

static void fill(uint64_t offset, size_t n) {
  for (size_t k = 0; k < n; ++k)
    buffer[k] = pattern(offset + k);
}

static unsigned long writeCalls, shortWrites, againErrors;

static int writeAll(int fd, const unsigned char *data, size_t n) {
  while (n > 0) {
    ssize_t done = write(fd, data, n);
    ++writeCalls;
    if (done < 0) {
      againErrors += errno == EAGAIN;
      if (errno == EINTR || errno == EAGAIN) continue;
      perror("write");
      return -1;
    }
    if (done == 0 || (size_t)done > n) {
      fprintf(stderr, "write returned %zd for %zu bytes\n", done, n);
      return -1;
    }
    shortWrites += (size_t)done < n;
    data += done;
    n -= (size_t)done;
  }
  return 0;
}

static int writePattern(int fd, uint64_t total) {
  static const size_t sizes[] = {1, 3, 4096, 65537, 1 << 20, sizeof buffer, 511};
  uint64_t offset = 0;
  for (size_t i = 0; offset < total; ++i) {
    size_t n = sizes[i % (sizeof sizes / sizeof sizes[0])];
    if (n > total - offset) n = (size_t)(total - offset);
    fill(offset, n);
    if (writeAll(fd, buffer, n) != 0) return -1;
    offset += n;
  }
  return 0;
}

static int writevPattern(int fd, uint64_t total) {
  enum { kBuffers = 64 };
  uint64_t offset = 0;
  while (offset < total) {
    size_t n = sizeof buffer;
    if (n > total - offset) n = (size_t)(total - offset);
    fill(offset, n);
    // Cut [0, n) into kBuffers pieces of uneven length (some empty).
    struct iovec iov[kBuffers];
    size_t at = 0;
    for (int b = 0; b < kBuffers; ++b) {
      size_t len = b == kBuffers - 1 ? n - at : ((size_t)b * 7919u) % (n / kBuffers * 2 + 1);
      if (len > n - at) len = n - at;
      iov[b].iov_base = buffer + at;
      iov[b].iov_len = len;
      at += len;
    }
    struct iovec *next = iov;
    int count = kBuffers;
    size_t left = n;
    while (left > 0) {
      ssize_t done = writev(fd, next, count);
      ++writeCalls;
      if (done < 0) {
        againErrors += errno == EAGAIN;
        if (errno == EINTR || errno == EAGAIN) continue;
        perror("writev");
        return -1;
      }
      if ((size_t)done > left) {
        fprintf(stderr, "writev returned %zd for %zu bytes\n", done, left);
        return -1;
      }
      shortWrites += (size_t)done < left;
      left -= (size_t)done;
      while (count > 0 && (size_t)done >= next->iov_len) {
        done -= (ssize_t)next->iov_len;
        ++next;
        --count;
      }
      if (count > 0) {
        next->iov_base = (char *)next->iov_base + done;
        next->iov_len -= (size_t)done;
      }
    }
    offset += n;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: big_write stdout|writev N | file PATH N | sparse PATH OFFSET\n", stderr);
    return 2;
  }
  const char *mode = argv[1];
  if (strcmp(mode, "stdout") == 0 || strcmp(mode, "writev") == 0) {
    uint64_t total = strtoull(argv[2], NULL, 10);
    int rc = mode[0] == 's' ? writePattern(1, total) : writevPattern(1, total);
    fprintf(stderr, "writes=%lu short=%lu again=%lu\n", writeCalls, shortWrites, againErrors);
    return rc == 0 ? 0 : 1;
  }
  if (strcmp(mode, "file") == 0 && argc > 3) {
    uint64_t total = strtoull(argv[3], NULL, 10);
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
      perror("open for writing");
      return 1;
    }
    if (writePattern(fd, total) != 0 || close(fd) != 0) return 1;
    fd = open(argv[2], O_RDONLY);
    if (fd < 0) {
      perror("open for reading");
      return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      perror("fstat");
      return 1;
    }
    uint64_t hash = 0xcbf29ce484222325ull, offset = 0;
    for (;;) {
      ssize_t n = read(fd, buffer, sizeof buffer);
      if (n < 0) {
        perror("read");
        return 1;
      }
      if (n == 0) break;
      for (ssize_t k = 0; k < n; ++k) {
        if (buffer[k] != pattern(offset + (uint64_t)k)) {
          fprintf(stderr, "byte %llu differs\n", (unsigned long long)(offset + (uint64_t)k));
          return 1;
        }
        hash = (hash ^ buffer[k]) * 0x100000001b3ull;
      }
      offset += (uint64_t)n;
    }
    close(fd);
    printf("size=%lld read=%llu fnv=%016llx\n", (long long)st.st_size, (unsigned long long)offset,
           (unsigned long long)hash);
    return 0;
  }
  if (strcmp(mode, "sparse") == 0 && argc > 3) {
    off_t offset = (off_t)strtoll(argv[3], NULL, 10);
    int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
      perror("open");
      return 1;
    }
    if (pwrite(fd, "tail", 4, offset) != 4) {
      perror("pwrite");
      return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      perror("fstat");
      return 1;
    }
    off_t end = lseek(fd, 0, SEEK_END);
    char tail[5] = {0};
    if (pread(fd, tail, 4, offset) != 4) {
      perror("pread tail");
      return 1;
    }
    char hole[16];
    memset(hole, 'x', sizeof hole);
    if (pread(fd, hole, sizeof hole, offset / 2) != (ssize_t)sizeof hole) {
      perror("pread hole");
      return 1;
    }
    int zeros = 0;
    for (size_t k = 0; k < sizeof hole; ++k)
      zeros += hole[k] == 0;
    close(fd);
    printf("size=%lld end=%lld tail=%s hole=%d\n", (long long)st.st_size, (long long)end, tail,
           zeros);
    return 0;
  }
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
