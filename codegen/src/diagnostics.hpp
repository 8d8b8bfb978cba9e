// Capturing LLVM diagnostics. Without a handler, LLVMContext prints error
// diagnostics (e.g. a bad inline-asm string reaching the backend) to stderr and
// calls exit(1); a library must turn them into exceptions instead.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llvm {
class DiagnosticHandler;
class LLVMContext;
} // namespace llvm

namespace waot::codegen {

// Installs a collecting diagnostic handler on `context` for its lifetime and
// restores the previous handler afterwards. Warnings and remarks are dropped
// (a library does not write to stderr); errors are kept for throwIfErrors().
class DiagnosticCapture {
public:
  explicit DiagnosticCapture(llvm::LLVMContext &context);
  ~DiagnosticCapture();
  DiagnosticCapture(const DiagnosticCapture &) = delete;
  DiagnosticCapture &operator=(const DiagnosticCapture &) = delete;

  // Throws waot::Error("<stage> failed: <first error>") if LLVM reported an error.
  void throwIfErrors(std::string_view stage) const;

private:
  llvm::LLVMContext &context_;
  std::unique_ptr<llvm::DiagnosticHandler> previous_;
  std::vector<std::string> errors_;
};

// Collapses a multi-line message (LLVM and lld messages often carry notes and
// source excerpts) to one line: lines trimmed, blank ones dropped, joined by "; ".
std::string joinLines(std::string_view text);

} // namespace waot::codegen
