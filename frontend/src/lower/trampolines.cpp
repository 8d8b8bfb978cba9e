#include "trampolines.hpp"

#include "symbol_names.hpp"

#include <llvm/IR/IRBuilder.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <tuple>

namespace waot::frontend::lower {
namespace {

// Every value crossing the generic boundary occupies one 16-byte slot (abi.h:
// waot_slot); narrower values live at the slot's address (its low bytes on
// the little-endian targets waot supports), a v128 fills it.
constexpr std::uint64_t kSlotBytes = sizeof(waot_slot);
static_assert(kSlotBytes == 16, "abi.h: waot_slot is 16 bytes");
const llvm::Align kSlotAlign{alignof(waot_slot)};

llvm::Value *slotAddress(llvm::IRBuilder<> &builder, llvm::Value *slots, std::size_t index) {
  return builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), slots, kSlotBytes * index,
                                            "slot" + llvm::Twine(index));
}

// Entry trampoline: void (ptr ctx, ptr code, ptr slots). Loads the parameters
// from the slots, calls `code` with the wasm calling convention, and writes
// the results back to the slots.
llvm::Function *emitEntryTrampoline(ModuleEnv &env, std::uint32_t typeIndex) {
  llvm::PointerType *ptr = env.ptrType();
  auto *trampolineType = llvm::FunctionType::get(llvm::Type::getVoidTy(env.context),
                                                 {ptr, ptr, ptr}, /*isVarArg=*/false);
  auto *trampoline = llvm::Function::Create(trampolineType, llvm::GlobalValue::InternalLinkage,
                                            entryTrampolineSymbol(typeIndex), env.llvm);
  applyGeneratedCodeAttributes(*trampoline);
  llvm::Argument *calleeContext = trampoline->getArg(0);
  llvm::Argument *code = trampoline->getArg(1);
  llvm::Argument *slots = trampoline->getArg(2);
  calleeContext->setName("ctx");
  code->setName("code");
  slots->setName("slots");

  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(env.context, "entry", trampoline));
  const FuncType &signature = env.wasm.types[typeIndex];
  std::vector<llvm::Value *> arguments{calleeContext};
  arguments.reserve(signature.params.size() + 1);
  for (std::size_t i = 0; i < signature.params.size(); ++i) {
    llvm::Value *address = slotAddress(builder, slots, i);
    arguments.push_back(builder.CreateAlignedLoad(env.type(signature.params[i]), address,
                                                  kSlotAlign, "arg" + llvm::Twine(i)));
  }
  llvm::CallInst *call = builder.CreateCall(env.functionTypes[typeIndex], code, arguments);

  if (signature.results.size() == 1) {
    builder.CreateAlignedStore(call, slotAddress(builder, slots, 0), kSlotAlign);
  } else {
    for (std::size_t j = 0; j < signature.results.size(); ++j) {
      llvm::Value *result = builder.CreateExtractValue(call, {static_cast<unsigned>(j)});
      builder.CreateAlignedStore(result, slotAddress(builder, slots, j), kSlotAlign);
    }
  }
  builder.CreateRetVoid();
  return trampoline;
}

// Host adapter: has the wasm calling convention of the type, with a
// waot_host_binding as its context. Spills the parameters to slots on the
// stack, calls binding->invoke(binding, slots), and returns the results the
// host wrote back to the same slots.
llvm::Function *emitHostAdapter(ModuleEnv &env, std::uint32_t typeIndex) {
  auto *adapter =
      llvm::Function::Create(env.functionTypes[typeIndex], llvm::GlobalValue::InternalLinkage,
                             hostAdapterSymbol(typeIndex), env.llvm);
  applyGeneratedCodeAttributes(*adapter);
  llvm::Argument *binding = adapter->getArg(0);
  binding->setName("binding");

  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(env.context, "entry", adapter));
  const FuncType &signature = env.wasm.types[typeIndex];
  const std::size_t slotCount =
      std::max<std::size_t>({signature.params.size(), signature.results.size(), 1});
  llvm::AllocaInst *slots = builder.CreateAlloca(
      llvm::ArrayType::get(builder.getInt64Ty(), 2 * slotCount), nullptr, "slots");
  slots->setAlignment(kSlotAlign);
  for (std::size_t i = 0; i < signature.params.size(); ++i) {
    llvm::Argument *param = adapter->getArg(static_cast<unsigned>(i + 1));
    param->setName("p" + llvm::Twine(i));
    builder.CreateAlignedStore(param, slotAddress(builder, slots, i), kSlotAlign);
  }

  // waot_host_binding: `invoke` is the first (and only) field.
  static_assert(offsetof(waot_host_binding, invoke) == 0);
  llvm::PointerType *ptr = env.ptrType();
  llvm::Value *invoke =
      builder.CreateAlignedLoad(ptr, binding, llvm::Align(alignof(void *)), "invoke");
  auto *invokeType = llvm::FunctionType::get(builder.getVoidTy(), {ptr, ptr}, /*isVarArg=*/false);
  builder.CreateCall(invokeType, invoke, {binding, slots});

  const auto loadResult = [&](std::size_t j) {
    return builder.CreateAlignedLoad(env.type(signature.results[j]), slotAddress(builder, slots, j),
                                     kSlotAlign, "result" + llvm::Twine(j));
  };
  if (signature.results.empty()) {
    builder.CreateRetVoid();
  } else if (signature.results.size() == 1) {
    builder.CreateRet(loadResult(0));
  } else {
    llvm::Value *aggregate = llvm::PoisonValue::get(env.resultType(signature));
    for (std::size_t j = 0; j < signature.results.size(); ++j)
      aggregate = builder.CreateInsertValue(aggregate, loadResult(j), {static_cast<unsigned>(j)});
    builder.CreateRet(aggregate);
  }
  return adapter;
}

// The ordinary-convention entry of tailcc function `defined`: the code
// address references, exports and the runtime call (waot_func.code).
llvm::Function *emitOrdinaryEntry(ModuleEnv &env, std::uint32_t defined) {
  llvm::Function *target = env.functions[defined];
  const std::uint32_t typeIndex = env.wasm.functionTypes[env.wasm.functionIndex(defined)];
  auto *entry =
      llvm::Function::Create(env.functionTypes[typeIndex], llvm::GlobalValue::InternalLinkage,
                             ordinaryEntrySymbol(env.wasm.functionIndex(defined)), env.llvm);
  applyGeneratedCodeAttributes(*entry);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(env.context, "entry", entry));
  llvm::Value *resultBuffer = nullptr;
  if (ModuleEnv::resultsThroughPointer(env.wasm.types[typeIndex]))
    resultBuffer =
        builder.CreateAlloca(env.resultType(env.wasm.types[typeIndex]), nullptr, "results");
  std::vector<llvm::Value *> args;
  for (llvm::Argument &arg : entry->args())
    args.push_back(&arg);
  llvm::Value *results = callTailConvention(env, builder, typeIndex, target, args, resultBuffer);
  if (results->getType()->isVoidTy())
    builder.CreateRetVoid();
  else
    builder.CreateRet(results);
  return entry;
}

struct SignatureLess {
  bool operator()(const FuncType *a, const FuncType *b) const {
    return std::tie(a->params, a->results) < std::tie(b->params, b->results);
  }
};

} // namespace

llvm::Value *callTailConvention(ModuleEnv &env, llvm::IRBuilderBase &builder,
                                std::uint32_t typeIndex, llvm::Value *callee,
                                llvm::ArrayRef<llvm::Value *> args, llvm::Value *resultBuffer) {
  const FuncType &signature = env.wasm.types[typeIndex];
  if (!ModuleEnv::resultsThroughPointer(signature)) {
    llvm::CallInst *call = builder.CreateCall(env.tailFunctionTypes[typeIndex], callee, args);
    call->setCallingConv(llvm::CallingConv::Tail);
    return call;
  }
  std::vector<llvm::Value *> withBuffer(args.begin(), args.end());
  withBuffer.insert(withBuffer.begin() + 1, resultBuffer);
  llvm::CallInst *call = builder.CreateCall(env.tailFunctionTypes[typeIndex], callee, withBuffer);
  call->setCallingConv(llvm::CallingConv::Tail);
  return builder.CreateLoad(env.resultType(signature), resultBuffer, "results");
}

void applyGeneratedCodeAttributes(llvm::Function &function) {
  function.setDoesNotThrow();
  // Large frames must touch the guard page first: stack exhaustion is
  // detected by the fault there.
  function.addFnAttr("probe-stack", "inline-asm");
  // Only wasm's own tail calls (return_call*, `musttail`) may reuse a frame:
  // every other call must consume stack, so that unbounded recursion ends in
  // "call stack exhausted". This attribute stops both tail-recursion
  // elimination (which would turn `f(x) = f(x+1) + 1` into an endless loop)
  // and sibling-call optimization in the backend; musttail calls are kept.
  function.addFnAttr("disable-tail-calls", "true");
}

TypeTrampolines emitTrampolines(ModuleEnv &env) {
  const auto typeCount = static_cast<std::uint32_t>(env.wasm.types.size());
  TypeTrampolines trampolines;
  trampolines.entries.reserve(typeCount);
  trampolines.hostAdapters.reserve(typeCount);
  // Modules often repeat a signature under several type indices; one pair of
  // functions per distinct signature is enough.
  std::map<const FuncType *, std::uint32_t, SignatureLess> firstIndexOfSignature;
  for (std::uint32_t t = 0; t < typeCount; ++t) {
    const auto [it, isNew] = firstIndexOfSignature.try_emplace(&env.wasm.types[t], t);
    if (isNew) {
      trampolines.entries.push_back(emitEntryTrampoline(env, t));
      trampolines.hostAdapters.push_back(emitHostAdapter(env, t));
    } else {
      trampolines.entries.push_back(trampolines.entries[it->second]);
      trampolines.hostAdapters.push_back(trampolines.hostAdapters[it->second]);
    }
  }
  trampolines.ordinaryEntries.assign(env.functions.size(), nullptr);
  for (std::uint32_t defined = 0; defined < env.functions.size(); ++defined)
    if (env.tailCallers[defined] && env.addressRecorded[defined])
      trampolines.ordinaryEntries[defined] = emitOrdinaryEntry(env, defined);
  return trampolines;
}

} // namespace waot::frontend::lower
