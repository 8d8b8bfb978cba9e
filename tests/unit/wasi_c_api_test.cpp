// The C API of the WASI library (waot/wasi.h): configuration, errors as
// statuses with the thread's last message, definition of the 46 imports.
#include "wasi_test_support.hpp"

#include "waot/c_interop.hpp"
#include "waot/wasi.h"

namespace waot::wasi::test {
namespace {

TEST(WasiCApi, DefinesAllFunctions) {
  TempTree tree;
  waot_wasi_config_t *config = waot_wasi_config_new();
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(waot_wasi_config_add_arg(config, "prog"), WAOT_OK);
  EXPECT_EQ(waot_wasi_config_add_env(config, "A=1"), WAOT_OK);
  EXPECT_EQ(waot_wasi_config_add_preopen(config, tree.path().c_str(), "/"), WAOT_OK);
  waot_wasi_config_set_stdin(config, 0);
  waot_wasi_t *wasi = nullptr;
  ASSERT_EQ(waot_wasi_new(config, &wasi), WAOT_OK);
  waot_wasi_config_delete(config); // the context keeps what it needs

  waot_imports_t *imports = waot_imports_new();
  ASSERT_EQ(waot_wasi_define(wasi, imports), WAOT_OK);
  waot_wasi_delete(wasi); // the functions keep the state alive
  const Imports &defined = capi::importsOf(imports);
  int count = 0;
  for (const char *name : {"args_get",
                           "args_sizes_get",
                           "environ_get",
                           "environ_sizes_get",
                           "clock_res_get",
                           "clock_time_get",
                           "fd_advise",
                           "fd_allocate",
                           "fd_close",
                           "fd_datasync",
                           "fd_fdstat_get",
                           "fd_fdstat_set_flags",
                           "fd_fdstat_set_rights",
                           "fd_filestat_get",
                           "fd_filestat_set_size",
                           "fd_filestat_set_times",
                           "fd_pread",
                           "fd_prestat_get",
                           "fd_prestat_dir_name",
                           "fd_pwrite",
                           "fd_read",
                           "fd_readdir",
                           "fd_renumber",
                           "fd_seek",
                           "fd_sync",
                           "fd_tell",
                           "fd_write",
                           "path_create_directory",
                           "path_filestat_get",
                           "path_filestat_set_times",
                           "path_link",
                           "path_open",
                           "path_readlink",
                           "path_remove_directory",
                           "path_rename",
                           "path_symlink",
                           "path_unlink_file",
                           "poll_oneoff",
                           "proc_exit",
                           "proc_raise",
                           "sched_yield",
                           "random_get",
                           "sock_accept",
                           "sock_recv",
                           "sock_send",
                           "sock_shutdown"}) {
    SCOPED_TRACE(name);
    const Extern *value = defined.find("wasi_snapshot_preview1", name);
    ASSERT_NE(value, nullptr);
    EXPECT_TRUE(std::holds_alternative<Function>(*value));
    ++count;
  }
  EXPECT_EQ(count, 46); // the witx has 46 functions (sock_accept came last)
  // A few signatures, as witx lowers them for wasm32.
  const auto type = [&](const char *name) {
    return std::get<Function>(*defined.find("wasi_snapshot_preview1", name)).type();
  };
  using V = ValType;
  EXPECT_EQ(type("fd_write"), (FuncType{{V::I32, V::I32, V::I32, V::I32}, {V::I32}}));
  EXPECT_EQ(type("path_open"),
            (FuncType{{V::I32, V::I32, V::I32, V::I32, V::I32, V::I64, V::I64, V::I32, V::I32},
                      {V::I32}}));
  EXPECT_EQ(type("fd_seek"), (FuncType{{V::I32, V::I64, V::I32, V::I32}, {V::I32}}));
  EXPECT_EQ(type("clock_time_get"), (FuncType{{V::I32, V::I64, V::I32}, {V::I32}}));
  EXPECT_EQ(type("proc_exit"), (FuncType{{V::I32}, {}}));
  EXPECT_EQ(type("sched_yield"), (FuncType{{}, {V::I32}}));
  waot_imports_delete(imports);
}

TEST(WasiCApi, ErrorsAreStatuses) {
  waot_wasi_config_t *config = waot_wasi_config_new();
  ASSERT_EQ(waot_wasi_config_add_preopen(config, "/nonexistent/waot-c-api", "/"), WAOT_OK);
  waot_wasi_t *wasi = nullptr;
  EXPECT_EQ(waot_wasi_new(config, &wasi), WAOT_ERROR_OTHER);
  EXPECT_EQ(wasi, nullptr); // untouched on failure
  EXPECT_NE(std::string(waot_last_error_message()).find("/nonexistent/waot-c-api"),
            std::string::npos);
  EXPECT_EQ(waot_wasi_config_add_arg(config, nullptr), WAOT_ERROR_TYPE);
  EXPECT_EQ(waot_wasi_config_add_arg(nullptr, "x"), WAOT_ERROR_TYPE);
  int code = 7;
  EXPECT_EQ(waot_wasi_run_start(nullptr, &code), WAOT_ERROR_TYPE);
  EXPECT_EQ(code, 7);
  waot_wasi_config_delete(config);
  waot_wasi_config_delete(nullptr);
  waot_wasi_delete(nullptr);
}

} // namespace
} // namespace waot::wasi::test
