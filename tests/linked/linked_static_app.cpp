// Built as a fully static executable (-static): a linked module needs no
// dynamic loader at all. Prints what it computed; the test checks the output.
#include "provider.h"

#include <cstdio>

int main() {
  waot::linked::provider::Instance p;
  std::printf("double %d\n", p.double_(21));
  try {
    p.load(1 << 20);
  } catch (const waot::RuntimeError &error) {
    std::printf("trap %s in %s\n", error.what(),
                error.site() ? error.site()->functionName.c_str() : "?");
  }
  try {
    p.recurse(0);
  } catch (const waot::RuntimeError &error) {
    std::printf("trap %s\n", error.what());
  }
  return 0;
}
