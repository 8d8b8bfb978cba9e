// Prints its argument vector and environment, each string length-prefixed
// ("arg LEN:TEXT"), so that empty strings, newlines, '=' and UTF-8 come back
// byte for byte.
#include <stdio.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; ++i)
    printf("arg %zu:%s\n", strlen(argv[i]), argv[i]);
  for (char **entry = environ; *entry; ++entry)
    printf("env %zu:%s\n", strlen(*entry), *entry);
  return 0;
}
