#include "diagnostics.hpp"

#include "waot/errors.hpp"

#include <llvm/ADT/StringRef.h>
#include <llvm/IR/DiagnosticHandler.h>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/Support/raw_ostream.h>

namespace waot::codegen {
namespace {

class CollectingHandler final : public llvm::DiagnosticHandler {
public:
  explicit CollectingHandler(std::vector<std::string> &errors) : errors_(errors) {}

  bool handleDiagnostics(const llvm::DiagnosticInfo &info) override {
    if (info.getSeverity() == llvm::DS_Error) {
      std::string text;
      llvm::raw_string_ostream stream(text);
      llvm::DiagnosticPrinterRawOStream printer(stream);
      info.print(printer);
      errors_.push_back(joinLines(text));
    }
    return true; // handled: LLVM must neither print nor exit
  }

private:
  std::vector<std::string> &errors_;
};

} // namespace

DiagnosticCapture::DiagnosticCapture(llvm::LLVMContext &context)
    : context_(context), previous_(context.getDiagnosticHandler()) {
  context_.setDiagnosticHandler(std::make_unique<CollectingHandler>(errors_),
                                /*RespectFilters=*/true);
}

DiagnosticCapture::~DiagnosticCapture() { context_.setDiagnosticHandler(std::move(previous_)); }

void DiagnosticCapture::throwIfErrors(std::string_view stage) const {
  if (errors_.empty()) return;
  std::string message = std::string(stage) + " failed: " + errors_.front();
  if (errors_.size() > 1)
    message += " (and " + std::to_string(errors_.size() - 1) + " more errors)";
  throw Error(message);
}

std::string joinLines(std::string_view text) {
  std::string joined;
  llvm::StringRef rest(text.data(), text.size());
  while (!rest.empty()) {
    auto [line, tail] = rest.split('\n');
    rest = tail;
    llvm::StringRef trimmed = line.trim();
    if (trimmed.empty()) continue;
    if (!joined.empty()) joined += "; ";
    joined += trimmed.str();
  }
  return joined;
}

} // namespace waot::codegen
