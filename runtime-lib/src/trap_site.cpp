#include "trap_site.hpp"

#include "library.hpp"

#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <charconv>
#include <cstring>
#include <string>

namespace waot::detail {
namespace {

// A read-only mapping of a whole file.
class MappedFile {
public:
  explicit MappedFile(int fd) {
    struct stat info {};
    if (::fstat(fd, &info) != 0 || info.st_size <= 0) return;
    void *data =
        ::mmap(nullptr, static_cast<std::size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) return;
    data_ = static_cast<const std::uint8_t *>(data);
    size_ = static_cast<std::size_t>(info.st_size);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<std::uint8_t *>(data_), size_);
  }
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  // A pointer to `count` objects of T at `offset`, or nullptr when they do
  // not fit in the file (the file is untrusted: it may have changed).
  template <class T> const T *at(std::uint64_t offset, std::uint64_t count = 1) const {
    if (!data_ || offset > size_ || count > (size_ - offset) / sizeof(T)) return nullptr;
    return reinterpret_cast<const T *>(data_ + offset);
  }

private:
  const std::uint8_t *data_ = nullptr;
  std::size_t size_ = 0;
};

// The FUNC symbol of .symtab containing `offset` (an address relative to
// the load bias), or "".
std::string symbolContaining(const MappedFile &file, std::uintptr_t offset) {
  const auto *header = file.at<ElfW(Ehdr)>(0);
  if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 ||
      header->e_shentsize != sizeof(ElfW(Shdr)))
    return {};
  const auto *sections = file.at<ElfW(Shdr)>(header->e_shoff, header->e_shnum);
  if (!sections) return {};
  for (ElfW(Half) s = 0; s < header->e_shnum; ++s) {
    const ElfW(Shdr) &table = sections[s];
    if (table.sh_type != SHT_SYMTAB || table.sh_link >= header->e_shnum) continue;
    const ElfW(Shdr) &strings = sections[table.sh_link];
    const std::uint64_t count = table.sh_size / sizeof(ElfW(Sym));
    const auto *symbols = file.at<ElfW(Sym)>(table.sh_offset, count);
    const auto *names = file.at<char>(strings.sh_offset, strings.sh_size);
    if (!symbols || !names) return {};
    for (std::uint64_t i = 0; i < count; ++i) {
      const ElfW(Sym) &symbol = symbols[i];
      if (ELF64_ST_TYPE(symbol.st_info) != STT_FUNC || symbol.st_name >= strings.sh_size) continue;
      if (offset < symbol.st_value || offset - symbol.st_value >= symbol.st_size) continue;
      const char *name = names + symbol.st_name;
      return std::string(name, strnlen(name, strings.sh_size - symbol.st_name));
    }
  }
  return {};
}

} // namespace

std::optional<TrapSite> parseFunctionSymbol(std::string_view symbol) {
  constexpr std::string_view prefix = "waot_f";
  if (symbol.substr(0, prefix.size()) != prefix) return std::nullopt;
  symbol.remove_prefix(prefix.size());
  TrapSite site;
  const auto [end, error] =
      std::from_chars(symbol.data(), symbol.data() + symbol.size(), site.functionIndex);
  if (error != std::errc() || end == symbol.data()) return std::nullopt;
  symbol.remove_prefix(static_cast<std::size_t>(end - symbol.data()));
  if (!symbol.empty() && symbol.front() == '_') site.functionName = symbol.substr(1);
  return site;
}

std::optional<TrapSite> locateTrapSite(std::uintptr_t address) {
  if (address == 0) return std::nullopt;
  std::string symbol;
  Library::withFileOf(address, [&](int fd, std::uintptr_t bias) {
    const MappedFile file(fd);
    symbol = symbolContaining(file, address - bias);
  });
  return parseFunctionSymbol(symbol);
}

} // namespace waot::detail
