#include "spec_script.hpp"

#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>

#include <stdexcept>

namespace waot::spec {

namespace {

std::string stringField(const llvm::json::Object &object, llvm::StringRef key) {
  if (auto value = object.getString(key)) return value->str();
  return {};
}

std::vector<ScriptValue> values(const llvm::json::Object &object, llvm::StringRef key) {
  std::vector<ScriptValue> out;
  if (const auto *array = object.getArray(key)) {
    for (const auto &item : *array) {
      const auto *entry = item.getAsObject();
      if (!entry) throw std::runtime_error("malformed value in " + key.str());
      ScriptValue v;
      v.type = stringField(*entry, "type");
      if (auto text = entry->getString("value")) v.value = text->str();
      if (const auto *lanes = entry->getArray("value")) { // v128
        v.laneType = stringField(*entry, "lane_type");
        for (const auto &lane : *lanes) {
          auto text = lane.getAsString();
          if (!text) throw std::runtime_error("malformed v128 lane in " + key.str());
          v.lanes.push_back(text->str());
        }
      }
      out.push_back(std::move(v));
    }
  }
  return out;
}

Action action(const llvm::json::Object &object) {
  Action a;
  const std::string type = stringField(object, "type");
  if (type == "invoke")
    a.kind = Action::Kind::Invoke;
  else if (type == "get")
    a.kind = Action::Kind::Get;
  else
    throw std::runtime_error("unknown action type '" + type + "'");
  if (auto module = object.getString("module")) a.module = module->str();
  a.field = stringField(object, "field");
  a.args = values(object, "args");
  return a;
}

} // namespace

Script loadScript(const std::filesystem::path &json) {
  auto buffer = llvm::MemoryBuffer::getFile(json.string());
  if (!buffer) throw std::runtime_error("cannot read " + json.string());
  auto parsed = llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    throw std::runtime_error("bad JSON in " + json.string() + ": " +
                             llvm::toString(parsed.takeError()));
  const auto *root = parsed->getAsObject();
  const auto *commands = root ? root->getArray("commands") : nullptr;
  if (!commands) throw std::runtime_error("no commands in " + json.string());

  Script script;
  script.directory = json.parent_path();
  for (const auto &item : *commands) {
    const auto *object = item.getAsObject();
    if (!object) throw std::runtime_error("malformed command in " + json.string());
    Command c;
    c.type = stringField(*object, "type");
    c.line = static_cast<int>(object->getInteger("line").value_or(0));
    c.filename = stringField(*object, "filename");
    if (auto name = object->getString("name")) c.name = name->str();
    c.as = stringField(*object, "as");
    c.moduleType = stringField(*object, "module_type");
    c.text = stringField(*object, "text");
    if (const auto *a = object->getObject("action")) c.action = action(*a);
    c.expected = values(*object, "expected");
    script.commands.push_back(std::move(c));
  }
  return script;
}

} // namespace waot::spec
