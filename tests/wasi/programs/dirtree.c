// Directory trees through opendir/readdir.
//   dirtree make ROOT DEPTH FANOUT FILES  creates ROOT and below it a tree:
//       each directory DEPTH levels deep has FANOUT subdirectories "dI" and
//       FILES files "fI" whose content is the file's own path
//   dirtree walk ROOT   prints one line per entry below ROOT, sorted bytewise:
//       "d PATH" for a directory, "f SIZE PATH" for a file, "l TARGET PATH"
//       for a symbolic link (not followed); PATH relative to ROOT. The
//       d_type of readdir must agree with lstat; "." and ".." must appear
//       exactly once per directory and are not printed.
//   dirtree rm ROOT     removes ROOT and everything below it; prints
//       "removed=N" (entries removed, ROOT included)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what, const char *path) {
  fprintf(stderr, "%s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

static char *join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *out = malloc(a + b + 2);
  if (!out) fail("malloc", dir);
  memcpy(out, dir, a);
  out[a] = '/';
  memcpy(out + a + 1, name, b + 1);
  return out;
}

static void make(const char *dir, int depth, int fanout, int files) {
  if (mkdir(dir, 0755) != 0) fail("mkdir", dir);
  for (int i = 0; i < files; ++i) {
    char name[32];
    snprintf(name, sizeof name, "f%d", i);
    char *path = join(dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) fail("create", path);
    size_t len = strlen(path);
    if (write(fd, path, len) != (ssize_t)len) fail("write", path);
    if (close(fd) != 0) fail("close", path);
    free(path);
  }
  if (depth == 0) return;
  for (int i = 0; i < fanout; ++i) {
    char name[32];
    snprintf(name, sizeof name, "d%d", i);
    char *path = join(dir, name);
    make(path, depth - 1, fanout, files);
    free(path);
  }
}

static char **lines;
static size_t lineCount, lineCapacity;

static void addLine(char *line) {
  if (lineCount == lineCapacity) {
    lineCapacity = lineCapacity ? 2 * lineCapacity : 256;
    lines = realloc(lines, lineCapacity * sizeof *lines);
    if (!lines) fail("realloc", "lines");
  }
  lines[lineCount++] = line;
}

// Walks DIR (a path usable with open) whose path below the root is REL.
static void walk(const char *dir, const char *rel) {
  DIR *d = opendir(dir);
  if (!d) fail("opendir", dir);
  int dots = 0, dotdots = 0;
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (!e) {
      if (errno != 0) fail("readdir", dir);
      break;
    }
    if (strcmp(e->d_name, ".") == 0) {
      ++dots;
      continue;
    }
    if (strcmp(e->d_name, "..") == 0) {
      ++dotdots;
      continue;
    }
    char *path = join(dir, e->d_name);
    char *relPath = rel[0] ? join(rel, e->d_name) : strdup(e->d_name);
    struct stat st;
    if (lstat(path, &st) != 0) fail("lstat", path);
    unsigned char expected = S_ISDIR(st.st_mode)   ? DT_DIR
                             : S_ISREG(st.st_mode) ? DT_REG
                             : S_ISLNK(st.st_mode) ? DT_LNK
                                                   : DT_UNKNOWN;
    if (e->d_type != expected) {
      fprintf(stderr, "%s: d_type %d but lstat says %d\n", path, e->d_type, expected);
      exit(1);
    }
    char *line;
    size_t len = strlen(relPath) + 64;
    if (S_ISDIR(st.st_mode)) {
      line = malloc(len);
      snprintf(line, len, "d %s", relPath);
      addLine(line);
      walk(path, relPath);
    } else if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t n = readlink(path, target, sizeof target - 1);
      if (n < 0) fail("readlink", path);
      target[n] = 0;
      len += (size_t)n;
      line = malloc(len);
      snprintf(line, len, "l %s %s", target, relPath);
      addLine(line);
    } else {
      line = malloc(len);
      snprintf(line, len, "f %lld %s", (long long)st.st_size, relPath);
      addLine(line);
    }
    free(path);
    free(relPath);
  }
  if (closedir(d) != 0) fail("closedir", dir);
  if (dots != 1 || dotdots != 1) {
    fprintf(stderr, "%s: %d \".\" and %d \"..\" entries\n", dir, dots, dotdots);
    exit(1);
  }
}

// Sorts by the path, which follows the type (and size or target) field.
static const char *pathOf(const char *line) {
  const char *p = strchr(line, ' ') + 1;
  if (line[0] != 'd') p = strchr(p, ' ') + 1; // symlink targets have no spaces here
  return p;
}

static int byPath(const void *a, const void *b) {
  return strcmp(pathOf(*(char *const *)a), pathOf(*(char *const *)b));
}

static unsigned long removeTree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) fail("lstat", path);
  unsigned long removed = 1;
  if (S_ISDIR(st.st_mode)) {
    // Collect the names first: removing entries while reading the directory
    // may make readdir skip some.
    DIR *d = opendir(path);
    if (!d) fail("opendir", path);
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      names = realloc(names, (count + 1) * sizeof *names);
      names[count++] = strdup(e->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < count; ++i) {
      char *child = join(path, names[i]);
      removed += removeTree(child);
      free(child);
      free(names[i]);
    }
    free(names);
    if (rmdir(path) != 0) fail("rmdir", path);
  } else if (unlink(path) != 0) {
    fail("unlink", path);
  }
  return removed;
}

int main(int argc, char **argv) {
  if (argc == 6 && strcmp(argv[1], "make") == 0) {
    make(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "walk") == 0) {
    walk(argv[2], "");
    qsort(lines, lineCount, sizeof *lines, byPath);
    for (size_t i = 0; i < lineCount; ++i)
      puts(lines[i]);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "rm") == 0) {
    printf("removed=%lu\n", removeTree(argv[2]));
    return 0;
  }
  fputs("usage: dirtree make ROOT DEPTH FANOUT FILES | walk ROOT | rm ROOT\n", stderr);
  return 2;
}
