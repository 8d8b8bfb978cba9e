// The compiler, loaded on first use from waot-codegen.so (see
// waot/codegen/plugin.hpp): `waot run` of a cached module, `validate` and
// `--version` never load LLVM.
#pragma once

#include <waot/codegen/plugin.hpp>

#include <string>

namespace waot::driver {

// The loaded compiler's entry points. Looked up in this order: the
// WAOT_CODEGEN_PLUGIN environment variable (a path), the build tree this
// executable was built in, then ../lib/waot/waot-codegen.so beside the
// installed executable. waot::Error naming every place tried when none loads
// or the module is from another build.
const codegen::PluginEntryPoints &compiler();

// Which compiler compiler() would load, without loading it: the module's
// path, size and modification time ("" when there is none). Part of the
// compile cache's key, so that a rebuilt compiler never reuses what an older
// build of the same version compiled.
std::string compilerIdentity();

} // namespace waot::driver
