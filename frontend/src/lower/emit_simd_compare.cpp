// SIMD (0xFD) lowering: the SimdCompare category of opcodes.def.
#include "function_lowering.hpp"

namespace waot::frontend::lower {

void FunctionLowering::emitSimdCompare(const Instr &in) {
  unsupported(in, "SIMD instruction '" + std::string(name(in.op)) + "'");
}

} // namespace waot::frontend::lower
