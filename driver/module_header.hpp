// The header `waot compile --emit=object --name NAME --header NAME.h` writes
// for a module linked into an application: C and C++ in one file.
//
// C: the descriptor `waot_module_NAME`, NAME_module() for a waot_module_t,
// a NAME_instance_t holding the instance and a handle per export, and a
// typed wrapper NAME_<export>() per exported function over waot_func_call.
// C++: namespace waot::linked::NAME with module() and class Instance, whose
// members are the exports, functions typed (waot::TypedFunction) where their
// signature allows.
#pragma once

#include "waot/frontend/module.hpp"

#include <string>
#include <string_view>

namespace waot::driver {

// The link name derived from a file name: its stem with every run of
// characters outside [A-Za-z0-9_] replaced by one '_', prefixed with '_' when it would
// start with a digit ("my-lib.wasm" -> "my_lib").
std::string linkNameFromFile(std::string_view fileName);

// The header for `module` compiled under `linkName`; `source` names the
// input in the header's first comment.
std::string generateModuleHeader(const frontend::Module &module, std::string_view linkName,
                                 std::string_view source);

} // namespace waot::driver
