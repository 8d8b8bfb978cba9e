// Module::load and Module::loadFromMemory: artifacts loaded with dlopen. In a
// file of its own, so that a program that only instantiates modules linked
// into it (Module::linked) never pulls in dlopen, which a static glibc link
// warns about.
#include "api_access.hpp"
#include "host_adapters.hpp"
#include "library.hpp"
#include "module_data.hpp"

namespace waot {

Module Module::load(const std::filesystem::path &so) {
  auto data = detail::readArtifact(detail::Library::open(so));
  detail::registerAdapters(*data);
  return Module(detail::InternalTag{}, std::move(data));
}

Module Module::loadFromMemory(std::span<const std::uint8_t> artifact, std::string_view name) {
  auto data = detail::readArtifact(detail::Library::openImage(artifact, std::string(name)));
  detail::registerAdapters(*data);
  return Module(detail::InternalTag{}, std::move(data));
}

} // namespace waot
