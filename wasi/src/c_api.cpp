// The C API (waot/wasi.h) over waot::wasi::Context.
#include "waot/wasi.h"
#include "waot/wasi.hpp"

#include "waot/c_interop.hpp"

#include <memory>
#include <string>

struct waot_wasi_config_handle {
  waot::wasi::Config config;
};

struct waot_wasi_handle {
  waot::wasi::Context context;
};

namespace {

template <class Body> waot_status guarded(Body &&body) noexcept {
  try {
    body();
    return WAOT_OK;
  } catch (...) {
    return waot::capi::statusOfCurrentException();
  }
}

void require(const void *pointer, const char *what) {
  if (!pointer) throw waot::TypeError(std::string(what) + " is NULL");
}

} // namespace

extern "C" {

waot_wasi_config_t *waot_wasi_config_new(void) {
  return new (std::nothrow) waot_wasi_config_handle{};
}

void waot_wasi_config_delete(waot_wasi_config_t *config) { delete config; }

waot_status waot_wasi_config_add_arg(waot_wasi_config_t *config, const char *arg) {
  return guarded([&] {
    require(config, "config");
    require(arg, "arg");
    config->config.args.emplace_back(arg);
  });
}

waot_status waot_wasi_config_add_env(waot_wasi_config_t *config, const char *entry) {
  return guarded([&] {
    require(config, "config");
    require(entry, "entry");
    config->config.env.emplace_back(entry);
  });
}

waot_status waot_wasi_config_add_preopen(waot_wasi_config_t *config, const char *host_path,
                                         const char *guest_path) {
  return guarded([&] {
    require(config, "config");
    require(host_path, "host_path");
    require(guest_path, "guest_path");
    config->config.preopens.push_back({host_path, guest_path});
  });
}

void waot_wasi_config_set_stdin(waot_wasi_config_t *config, int fd) {
  if (config) config->config.stdinFd = fd;
}
void waot_wasi_config_set_stdout(waot_wasi_config_t *config, int fd) {
  if (config) config->config.stdoutFd = fd;
}
void waot_wasi_config_set_stderr(waot_wasi_config_t *config, int fd) {
  if (config) config->config.stderrFd = fd;
}

waot_status waot_wasi_new(const waot_wasi_config_t *config, waot_wasi_t **out) {
  return guarded([&] {
    require(config, "config");
    require(out, "out");
    *out = new waot_wasi_handle{waot::wasi::Context(config->config)};
  });
}

void waot_wasi_delete(waot_wasi_t *wasi) { delete wasi; }

waot_status waot_wasi_define(const waot_wasi_t *wasi, waot_imports_t *imports) {
  return guarded([&] {
    require(wasi, "wasi");
    require(imports, "imports");
    wasi->context.define(waot::capi::importsOf(imports));
  });
}

waot_status waot_wasi_run_start(const waot_instance_t *instance, int *exit_code) {
  return guarded([&] {
    require(instance, "instance");
    require(exit_code, "exit_code");
    *exit_code = waot::wasi::runStart(waot::capi::instanceOf(instance));
  });
}

} // extern "C"
