// The waot runtime's public API: load an artifact compiled by waot, link its
// imports, instantiate it and call its exports. It mirrors the WebAssembly
// JavaScript API (Module, Instance, Memory, Table, Global, the error classes).
//
//   waot::Module module = waot::Module::load("add.so");
//   waot::Instance instance(module);
//   auto add = instance.exports().function<int32_t(int32_t, int32_t)>("add");
//   int32_t three = add(1, 2);
//
// Link `waot::runtime` (CMake). To compile wasm bytes in-process, see
// waot/compiler.hpp (`waot::compiler`); for C, waot/waot.h; docs/api.md maps
// all of it to the JavaScript API.
#pragma once

#include "waot/errors.hpp"
#include "waot/caller.hpp"
#include "waot/externals.hpp"
#include "waot/function.hpp"
#include "waot/instance.hpp"
#include "waot/types.hpp"
#include "waot/value.hpp"
