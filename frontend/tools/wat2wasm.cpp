// waot-wat2wasm IN.wat -o OUT.wasm: the text format to the binary format
// with waot's own reader (frontend/src/text). The build converts the test
// and example modules with it; it validates nothing (waot does, when it
// compiles the result).
#include "waot/frontend/text.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char **argv) {
  if (argc != 4 || std::string(argv[2]) != "-o") {
    std::cerr << "usage: waot-wat2wasm IN.wat -o OUT.wasm\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "waot-wat2wasm: cannot read " << argv[1] << "\n";
    return 1;
  }
  const std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    const std::vector<std::uint8_t> bytes = waot::text::watToBinary(source);
    const std::string temporary = std::string(argv[3]) + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary);
      out.write(reinterpret_cast<const char *>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
      if (!out) {
        std::cerr << "waot-wat2wasm: cannot write " << temporary << "\n";
        return 1;
      }
    }
    if (std::rename(temporary.c_str(), argv[3]) != 0) {
      std::cerr << "waot-wat2wasm: cannot write " << argv[3] << "\n";
      return 1;
    }
  } catch (const waot::text::TextError &e) {
    std::cerr << argv[1] << ":" << e.what() << "\n";
    return 1;
  }
  return 0;
}
