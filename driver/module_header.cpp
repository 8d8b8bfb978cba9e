#include "module_header.hpp"

#include <cstdint>
#include <set>
#include <sstream>
#include <vector>

namespace waot::driver {
namespace {

using frontend::ExternKind;
using frontend::FuncType;
using frontend::Module;
using frontend::ValType;

bool isIdentifierCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Every run of other characters (e.g. the bytes of one UTF-8 character)
// becomes one '_'.
std::string sanitizeIdentifier(std::string_view text) {
  std::string identifier;
  for (char c : text)
    if (isIdentifierCharacter(c))
      identifier.push_back(c);
    else if (identifier.empty() || identifier.back() != '_')
      identifier.push_back('_');
  if (identifier.empty() || (identifier.front() >= '0' && identifier.front() <= '9'))
    identifier.insert(identifier.begin(), '_');
  return identifier;
}

// C and C++ keywords and the names the header itself gives members and
// functions: an export named like one of them gets a trailing '_'.
const std::set<std::string, std::less<>> &reservedIdentifiers() {
  static const std::set<std::string, std::less<>> words = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
      "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "restrict", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
      "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "_Bool", "_Complex",
      "_Imaginary", "_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert",
      "_Thread_local",
      // The header's own names.
      "instance", "module", "instantiate", "Instance"};
  return words;
}

// `bytes` as a C string literal (octal escapes: they never swallow a
// following digit beyond three, unlike hex ones; '?' escaped against trigraphs).
std::string stringLiteral(std::string_view bytes) {
  std::string literal = "\"";
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || c == '?') {
      literal.push_back('\\');
      literal.push_back(c);
    } else if (byte >= 0x20 && byte < 0x7f) {
      literal.push_back(c);
    } else {
      const char escape[] = {'\\', static_cast<char>('0' + (byte >> 6)),
                             static_cast<char>('0' + ((byte >> 3) & 7)),
                             static_cast<char>('0' + (byte & 7))};
      literal.append(escape, sizeof escape);
    }
  }
  return literal + "\"";
}

// A name quoted for a comment: a literal that cannot end the comment.
std::string commentName(std::string_view bytes) {
  std::string text = stringLiteral(bytes);
  for (std::size_t at = text.find("*/"); at != std::string::npos; at = text.find("*/", at))
    text.replace(at, 2, "*\\/");
  return text;
}

const char *cType(ValType type) {
  switch (type) {
  case ValType::I32: return "int32_t";
  case ValType::I64: return "int64_t";
  case ValType::F32: return "float";
  case ValType::F64: return "double";
  default: return "void *"; // funcref (opaque reference) and externref (host pointer)
  }
}

// The waot_value_t constructor and member for a type.
std::string cValue(ValType type, const std::string &argument) {
  switch (type) {
  case ValType::I32: return std::string("waot_value_i32(") + argument + ")";
  case ValType::I64: return std::string("waot_value_i64(") + argument + ")";
  case ValType::F32: return std::string("waot_value_f32(") + argument + ")";
  case ValType::F64: return std::string("waot_value_f64(") + argument + ")";
  case ValType::FuncRef: return std::string("waot_value_ref(WAOT_FUNCREF, ") + argument + ")";
  default: return std::string("waot_value_ref(WAOT_EXTERNREF, ") + argument + ")";
  }
}

// "p3": built by append (GCC 12 reports a false -Wrestrict for "p" + string).
std::string numbered(const char *prefix, std::size_t index) {
  std::string name = prefix;
  return name.append(std::to_string(index));
}

const char *cMember(ValType type) {
  switch (type) {
  case ValType::I32: return "i32";
  case ValType::I64: return "i64";
  case ValType::F32: return "f32";
  case ValType::F64: return "f64";
  default: return "ref";
  }
}

bool isScalar(ValType type) {
  return type == ValType::I32 || type == ValType::I64 || type == ValType::F32 ||
         type == ValType::F64;
}

// The native signature of an exported function, e.g. "int32_t(int32_t)",
// when waot::TypedFunction can call it (scalar parameters, at most one
// scalar result); "" otherwise.
std::string nativeSignature(const FuncType &type) {
  bool typed = type.results.size() <= 1;
  for (ValType param : type.params)
    typed = typed && isScalar(param);
  for (ValType result : type.results)
    typed = typed && isScalar(result);
  if (!typed) return "";
  std::string signature = type.results.empty() ? "void" : cType(type.results.front());
  signature += "(";
  for (std::size_t i = 0; i < type.params.size(); ++i)
    signature.append(i ? ", " : "").append(cType(type.params[i]));
  return signature + ")";
}

std::string limitsText(const frontend::Limits &limits) {
  std::string text = std::to_string(limits.min);
  if (limits.max) text.append("..").append(std::to_string(*limits.max));
  return text;
}

struct ExportEntry {
  const frontend::Export *wasm = nullptr;
  std::string identifier; // unique among the module's exports and the reserved names
  std::string typeText;   // for comments
  const FuncType *function = nullptr;
  bool hasNul = false; // not reachable through the C API's NUL-terminated names
};

std::string externText(const Module &module, const frontend::Export &entry) {
  switch (entry.kind) {
  case ExternKind::Func: return std::string("func ") + toString(module.functionType(entry.index));
  case ExternKind::Table: {
    const frontend::TableType &table = module.tables[entry.index];
    return std::string("table ") + toString(table.elemType) + " " + limitsText(table.limits);
  }
  case ExternKind::Memory:
    return std::string("memory ") + limitsText(module.memories[entry.index].limits) + " pages";
  case ExternKind::Global: {
    const frontend::GlobalType &global = module.globalTypes[entry.index];
    return std::string("global ") + (global.isMutable ? "mut " : "") + toString(global.type);
  }
  }
  return "?";
}

std::string importText(const Module &module, const frontend::Import &entry) {
  switch (entry.kind) {
  case ExternKind::Func: return std::string("func ") + toString(module.types[entry.typeIndex]);
  case ExternKind::Table:
    return std::string("table ") + toString(entry.table.elemType) + " " +
           limitsText(entry.table.limits);
  case ExternKind::Memory:
    return std::string("memory ") + limitsText(entry.memory.limits) + " pages";
  case ExternKind::Global:
    return std::string("global ") + (entry.global.isMutable ? "mut " : "") +
           toString(entry.global.type);
  }
  return "?";
}

std::vector<ExportEntry> exportEntries(const Module &module) {
  std::set<std::string, std::less<>> used(reservedIdentifiers().begin(),
                                          reservedIdentifiers().end());
  used.insert("delete");
  std::vector<ExportEntry> entries;
  for (const frontend::Export &wasmExport : module.exports) {
    ExportEntry entry;
    entry.wasm = &wasmExport;
    std::string base = sanitizeIdentifier(wasmExport.name);
    if (reservedIdentifiers().count(base)) base += "_";
    entry.identifier = base;
    for (unsigned n = 2; used.count(entry.identifier); ++n)
      entry.identifier = std::string(base).append("_").append(std::to_string(n));
    used.insert(entry.identifier);
    entry.typeText = externText(module, wasmExport);
    if (wasmExport.kind == ExternKind::Func)
      entry.function = &module.functionType(wasmExport.index);
    entry.hasNul = wasmExport.name.find('\0') != std::string::npos;
    entries.push_back(std::move(entry));
  }
  return entries;
}

const char *cHandleType(ExternKind kind) {
  switch (kind) {
  case ExternKind::Func: return "waot_func_t";
  case ExternKind::Table: return "waot_table_t";
  case ExternKind::Memory: return "waot_memory_t";
  case ExternKind::Global: return "waot_global_t";
  }
  return "void";
}

const char *kindWord(ExternKind kind) {
  switch (kind) {
  case ExternKind::Func: return "func";
  case ExternKind::Table: return "table";
  case ExternKind::Memory: return "memory";
  case ExternKind::Global: return "global";
  }
  return "?";
}

class HeaderWriter {
public:
  HeaderWriter(const Module &module, std::string_view linkName, std::string_view source)
      : module_(module), name_(linkName), source_(source), exports_(exportEntries(module)) {}

  std::string write() {
    preamble();
    cDeclarations();
    cInstance();
    for (const ExportEntry &entry : exports_)
      if (entry.function && !entry.hasNul) cFunctionWrapper(entry);
    out_ << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n";
    cppClass();
    out_ << "#endif /* " << guard() << " */\n";
    return out_.str();
  }

private:
  std::string guard() const { return std::string("WAOT_LINKED_MODULE_") + name_ + "_H"; }
  std::string descriptor() const { return std::string("waot_module_") + name_; }

  void preamble() {
    out_ << "/* Generated by waot " WAOT_VERSION " from " << commentName(source_)
         << ": do not edit.\n"
         << " *\n"
         << " * The wasm module linked into this program as \"" << name_ << "\" (its object:\n"
         << " * waot compile --emit=object --name " << name_ << "). Link the runtime\n"
         << " * (CMake: waot::runtime; otherwise pkg-config --libs waot).\n"
         << " *\n";
    if (module_.imports.empty()) {
      out_ << " * Imports: none.\n";
    } else {
      out_ << " * Imports (each must be given, by module and name, in the waot_imports_t\n"
           << " * or waot::Imports the module is instantiated with):\n";
      for (const frontend::Import &entry : module_.imports)
        out_ << " *   " << commentName(entry.module) << " " << commentName(entry.name) << ": "
             << importText(module_, entry) << "\n";
    }
    out_ << " * Exports:";
    if (exports_.empty()) out_ << " none.";
    out_ << "\n";
    for (const ExportEntry &entry : exports_)
      out_ << " *   " << commentName(entry.wasm->name) << ": " << entry.typeText << "  ->  "
           << entry.identifier << "\n";
    out_ << " */\n"
         << "#ifndef " << guard() << "\n#define " << guard() << "\n\n"
         << "#include <stdint.h>\n#include <string.h>\n\n#include <waot/waot.h>\n\n"
         << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  }

  void cDeclarations() {
    out_ << "/* The module's descriptor, defined by its object. */\n"
         << "extern const struct waot_artifact " << descriptor() << ";\n\n"
         << "/* The module (a new handle each call: waot_module_delete() it). */\n"
         << "static inline waot_status " << name_ << "_module(waot_module_t **out) {\n"
         << "  return waot_module_new_linked(&" << descriptor() << ", out);\n}\n\n";
  }

  void cInstance() {
    const std::string type = name_ + "_instance_t";
    out_ << "/* An instance and a handle on each export. */\n"
         << "typedef struct " << name_ << "_instance {\n"
         << "  waot_instance_t *instance;\n";
    for (const ExportEntry &entry : exports_) {
      if (entry.hasNul) {
        out_ << "  /* " << commentName(entry.wasm->name)
             << " has a NUL in its name: reach it through the C++ class */\n";
        continue;
      }
      out_ << "  " << cHandleType(entry.wasm->kind) << " *" << entry.identifier << "; /* "
           << commentName(entry.wasm->name) << ": " << entry.typeText << " */\n";
    }
    out_ << "} " << type << ";\n\n";

    out_ << "/* Releases every handle of `instance` (the instance itself lives on while an\n"
         << " * export handle elsewhere still refers to it) and zeroes it. */\n"
         << "static inline void " << name_ << "_delete(" << type << " *instance) {\n";
    for (const ExportEntry &entry : exports_)
      if (!entry.hasNul)
        out_ << "  waot_" << kindWord(entry.wasm->kind) << "_delete(instance->" << entry.identifier
             << ");\n";
    out_ << "  waot_instance_delete(instance->instance);\n"
         << "  memset(instance, 0, sizeof *instance);\n}\n\n";

    out_ << "/* new WebAssembly.Instance(module, imports) (`imports` may be NULL when the\n"
         << " * module imports nothing), then every export. On failure *out is left zeroed\n"
         << " * and waot_last_error_message() says why (e.g. WAOT_ERROR_LINK naming the\n"
         << " * missing import). */\n"
         << "static inline waot_status " << name_ << "_instantiate(const waot_imports_t *imports, "
         << type << " *out) {\n"
         << "  waot_module_t *module = NULL;\n"
         << "  waot_status status;\n"
         << "  memset(out, 0, sizeof *out);\n"
         << "  status = " << name_ << "_module(&module);\n"
         << "  if (status != WAOT_OK) return status;\n"
         << "  status = waot_instance_new(module, imports, &out->instance);\n"
         << "  waot_module_delete(module);\n";
    for (const ExportEntry &entry : exports_)
      if (!entry.hasNul)
        out_ << "  if (status == WAOT_OK)\n    status = waot_instance_export_"
             << kindWord(entry.wasm->kind) << "(out->instance, " << stringLiteral(entry.wasm->name)
             << ", &out->" << entry.identifier << ");\n";
    out_ << "  if (status != WAOT_OK) " << name_ << "_delete(out);\n"
         << "  return status;\n}\n\n";
  }

  void cFunctionWrapper(const ExportEntry &entry) {
    const FuncType &type = *entry.function;
    out_ << "/* " << commentName(entry.wasm->name) << ": " << toString(type)
         << ". Results are written where the pointers (may be NULL) point. */\n"
         << "static inline waot_status " << name_ << "_" << entry.identifier << "(const " << name_
         << "_instance_t *instance";
    for (std::size_t i = 0; i < type.params.size(); ++i)
      out_ << ", " << cType(type.params[i]) << (isScalar(type.params[i]) ? " " : "") << "p" << i;
    for (std::size_t i = 0; i < type.results.size(); ++i)
      out_ << ", " << cType(type.results[i]) << (isScalar(type.results[i]) ? " *" : "*") << "r"
           << i;
    out_ << ") {\n"
         << "  waot_value_t args[" << std::max<std::size_t>(type.params.size(), 1) << "];\n"
         << "  waot_value_t results[" << std::max<std::size_t>(type.results.size(), 1) << "];\n"
         << "  waot_status status;\n";
    for (std::size_t i = 0; i < type.params.size(); ++i)
      out_ << "  args[" << i << "] = " << cValue(type.params[i], numbered("p", i)) << ";\n";
    if (type.params.empty()) out_ << "  args[0] = waot_value_i32(0); /* unused */\n";
    out_ << "  status = waot_func_call(instance->" << entry.identifier << ", args, "
         << type.params.size() << ", results, " << type.results.size() << ");\n";
    if (type.results.empty()) {
      out_ << "  (void)results;\n";
    } else {
      out_ << "  if (status == WAOT_OK) {\n";
      for (std::size_t i = 0; i < type.results.size(); ++i)
        out_ << "    if (r" << i << ") *r" << i << " = results[" << i << "].of."
             << cMember(type.results[i]) << ";\n";
      out_ << "  }\n";
    }
    out_ << "  return status;\n}\n\n";
  }

  std::string cppNameArgument(const ExportEntry &entry) const {
    if (!entry.hasNul) return stringLiteral(entry.wasm->name);
    return std::string("std::string_view(") + stringLiteral(entry.wasm->name) + ", " +
           std::to_string(entry.wasm->name.size()) + ")";
  }

  void cppClass() {
    out_ << "#ifdef __cplusplus\n#include <waot/waot.hpp>\n\n#include <string_view>\n\n"
         << "namespace waot::linked::" << name_ << " {\n\n"
         << "// The module (the same one on every call).\n"
         << "inline waot::Module module() { return waot::Module::linked(" << descriptor()
         << "); }\n\n"
         << "// An instance with the module's exports as members:\n"
         << "//   waot::linked::" << name_
         << "::Instance m(imports);  // LinkError, RuntimeError, ...\n"
         << "class Instance {\npublic:\n"
         << "  // new WebAssembly.Instance(module, imports), then every export (a function\n"
         << "  // typed where its signature allows: TypeError if it were not the one compiled).\n"
         << "  explicit Instance(const waot::Imports &imports = {})\n"
         << "      : instance(module(), imports)";
    for (const ExportEntry &entry : exports_) {
      out_ << ",\n        " << entry.identifier << "(instance.exports().";
      switch (entry.wasm->kind) {
      case ExternKind::Func: {
        const std::string signature = nativeSignature(*entry.function);
        out_ << "function"
             << (signature.empty() ? std::string() : std::string("<") + signature + ">") << "("
             << cppNameArgument(entry) << "))";
        break;
      }
      default: out_ << kindWord(entry.wasm->kind) << "(" << cppNameArgument(entry) << "))"; break;
      }
    }
    out_ << " {}\n\n  waot::Instance instance;\n";
    for (const ExportEntry &entry : exports_) {
      std::string type;
      switch (entry.wasm->kind) {
      case ExternKind::Func: {
        const std::string signature = nativeSignature(*entry.function);
        type = signature.empty() ? std::string("waot::Function")
                                 : std::string("waot::TypedFunction<") + signature + ">";
        break;
      }
      case ExternKind::Table: type = "waot::Table"; break;
      case ExternKind::Memory: type = "waot::Memory"; break;
      case ExternKind::Global: type = "waot::Global"; break;
      }
      out_ << "  " << type << " " << entry.identifier << "; // " << commentName(entry.wasm->name)
           << ": " << entry.typeText << "\n";
    }
    out_ << "};\n\n} // namespace waot::linked::" << name_ << "\n#endif /* __cplusplus */\n\n";
  }

  const Module &module_;
  std::string name_;
  std::string source_;
  std::vector<ExportEntry> exports_;
  std::ostringstream out_;
};

} // namespace

std::string linkNameFromFile(std::string_view fileName) {
  const std::size_t slash = fileName.find_last_of('/');
  if (slash != std::string_view::npos) fileName.remove_prefix(slash + 1);
  const std::size_t dot = fileName.find('.');
  if (dot != std::string_view::npos && dot != 0) fileName = fileName.substr(0, dot);
  return sanitizeIdentifier(fileName);
}

std::string generateModuleHeader(const frontend::Module &module, std::string_view linkName,
                                 std::string_view source) {
  return HeaderWriter(module, linkName, source).write();
}

} // namespace waot::driver
