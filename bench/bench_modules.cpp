// Writes the synthetic modules of the instantiation benchmark as .wasm files:
//
//   inst_minimal.wasm     one page of memory, one exported function
//   inst_data_small.wasm  one page, a 4 KiB active data segment
//   inst_data_large.wasm  256 pages, an 8 MiB active data segment
//   inst_code_large.wasm  5000 functions (little data, much code)
//   inst_table_large.wasm 5000 functions in a 5000-entry funcref table
//
// They isolate what instantiation cost depends on (memory set-up, segment
// bytes, per-function records, table entries), next to the benchmark
// kernels themselves. Usage: waot-bench-modules OUTPUT_DIR
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<std::uint8_t>;

void appendU32(Bytes &out, std::uint64_t value) {
  do {
    std::uint8_t byte = value & 0x7F;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
}

void appendS64(Bytes &out, std::int64_t value) {
  for (;;) {
    const auto byte = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7; // arithmetic shift: the sign is kept
    const bool done = (value == 0 && (byte & 0x40) == 0) || (value == -1 && (byte & 0x40) != 0);
    out.push_back(done ? byte : static_cast<std::uint8_t>(byte | 0x80));
    if (done) return;
  }
}

void appendBytes(Bytes &out, const Bytes &bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void appendName(Bytes &out, const std::string &name) {
  appendU32(out, name.size());
  out.insert(out.end(), name.begin(), name.end());
}

void appendSection(Bytes &module, std::uint8_t id, const Bytes &contents) {
  module.push_back(id);
  appendU32(module, contents.size());
  appendBytes(module, contents);
}

struct ModuleShape {
  std::uint32_t functions = 1;
  std::uint32_t memoryPages = 1;
  std::uint64_t dataBytes = 0; // one active segment at offset 1024
  bool tableOfAllFunctions = false;
};

// Every function has type (i32) -> i32 and returns its argument plus its own
// index, so that no two bodies are identical; function 0 is exported as "run".
Bytes buildModule(const ModuleShape &shape) {
  Bytes module = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

  appendSection(module, 1, {0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F}); // type 0: (i32) -> i32

  Bytes functions;
  appendU32(functions, shape.functions);
  for (std::uint32_t i = 0; i < shape.functions; ++i)
    functions.push_back(0x00);
  appendSection(module, 3, functions);

  if (shape.tableOfAllFunctions) {
    Bytes table = {0x01, 0x70, 0x01}; // one funcref table, min == max
    appendU32(table, shape.functions);
    appendU32(table, shape.functions);
    appendSection(module, 4, table);
  }

  Bytes memory = {0x01, 0x00}; // one memory, no maximum
  appendU32(memory, shape.memoryPages);
  appendSection(module, 5, memory);

  Bytes exports = {0x01};
  appendName(exports, "run");
  exports.push_back(0x00); // function
  appendU32(exports, 0);
  appendSection(module, 7, exports);

  if (shape.tableOfAllFunctions) {
    Bytes elements = {0x01, 0x00, 0x41, 0x00, 0x0B}; // active, table 0, offset i32.const 0
    appendU32(elements, shape.functions);
    for (std::uint32_t i = 0; i < shape.functions; ++i)
      appendU32(elements, i);
    appendSection(module, 9, elements);
  }

  Bytes code;
  appendU32(code, shape.functions);
  for (std::uint32_t i = 0; i < shape.functions; ++i) {
    Bytes body = {0x00, 0x20, 0x00, 0x41}; // no locals; local.get 0; i32.const i
    appendS64(body, i);
    body.push_back(0x6A); // i32.add
    body.push_back(0x0B); // end
    appendU32(code, body.size());
    appendBytes(code, body);
  }
  appendSection(module, 10, code);

  if (shape.dataBytes > 0) {
    Bytes data = {0x01, 0x00, 0x41}; // one active segment, memory 0, i32.const
    appendS64(data, 1024);
    data.push_back(0x0B);
    appendU32(data, shape.dataBytes);
    for (std::uint64_t i = 0; i < shape.dataBytes; ++i)
      data.push_back(static_cast<std::uint8_t>((i * 2654435761u) >> 24));
    appendSection(module, 11, data);
  }
  return module;
}

void writeFile(const std::filesystem::path &path, const Bytes &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    writeFile(dir / "inst_minimal.wasm", buildModule({}));
    writeFile(dir / "inst_data_small.wasm", buildModule({1, 1, 4096, false}));
    writeFile(dir / "inst_data_large.wasm", buildModule({1, 256, 8u << 20, false}));
    writeFile(dir / "inst_code_large.wasm", buildModule({5000, 1, 0, false}));
    writeFile(dir / "inst_table_large.wasm", buildModule({5000, 1, 0, true}));
  } catch (const std::exception &e) {
    std::fprintf(stderr, "waot-bench-modules: %s\n", e.what());
    return 1;
  }
  return 0;
}
