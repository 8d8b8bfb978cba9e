# Runs one test of the official WASI test suite (wasi-testsuite,
# doc/specification.md) through `waot run`, in CMake script mode:
#
#   cmake -DWAOT=path/to/waot -DTEST=.../NAME.wasm -DWORK=scratch-dir
#         [-DOPT=N] [-DTIMEOUT=seconds] [-DWRAPPER=program] -P run_suite_test.cmake
#
# WRAPPER, when given, runs waot (`WRAPPER waot run ...`; the tests use
# tools/without_openat2.cpp).
#
# NAME.json next to the module (optional; the legacy form: args, env, root,
# exit_code, stdout, stderr) says how to run it and what to expect. The
# test's `root` directory (relative to the test's folder) is copied to a
# fresh WORK/root, made writable, and preopened as the guest's "/"; `*.cleanup`
# entries are removed before and after the run. The guest sees only the
# json's environment (waot passes no host variable without --inherit-env).
# The exit code must match, and stdout and stderr exactly when the json gives
# them. WAOT_CACHE_DIR comes from the caller's environment.
cmake_minimum_required(VERSION 3.25)

foreach(var WAOT TEST WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_suite_test.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED OPT)
  set(OPT 2)
endif()
if(NOT DEFINED TIMEOUT)
  set(TIMEOUT 240)
endif()

get_filename_component(test_dir "${TEST}" DIRECTORY)
get_filename_component(test_name "${TEST}" NAME_WLE)
set(spec_file "${test_dir}/${test_name}.json")

# ---- the specification, with the specification's defaults -------------------
set(args "")
set(env_options "")
set(root "")
set(expected_exit 0)
set(check_stdout FALSE)
set(check_stderr FALSE)

# Appends VALUE to the list LIST_VAR as one element, refusing what a CMake
# list cannot carry as a command argument.
function(append_argument list_var value what)
  if(value STREQUAL "" OR value MATCHES ";")
    message(FATAL_ERROR "${TEST}: ${what} \"${value}\" is empty or holds ';', "
            "which this executor cannot pass on")
  endif()
  set(list "${${list_var}}")
  list(APPEND list "${value}")
  set(${list_var} "${list}" PARENT_SCOPE)
endfunction()

if(EXISTS "${spec_file}")
  file(READ "${spec_file}" spec)
  string(JSON spec_type ERROR_VARIABLE json_error TYPE "${spec}")
  if(json_error OR NOT spec_type STREQUAL "OBJECT")
    message(FATAL_ERROR "${spec_file}: not a JSON object: ${json_error}")
  endif()
  string(JSON key_count LENGTH "${spec}")
  if(key_count GREATER 0)
    math(EXPR last "${key_count} - 1")
    foreach(i RANGE ${last})
      string(JSON key MEMBER "${spec}" ${i})
      string(JSON value_type TYPE "${spec}" "${key}")
      if(key STREQUAL "args")
        string(JSON n LENGTH "${spec}" args)
        if(n GREATER 0)
          math(EXPR n_last "${n} - 1")
          foreach(k RANGE ${n_last})
            string(JSON arg GET "${spec}" args ${k})
            append_argument(args "${arg}" "argument")
          endforeach()
        endif()
      elseif(key STREQUAL "env")
        string(JSON n LENGTH "${spec}" env)
        if(n GREATER 0)
          math(EXPR n_last "${n} - 1")
          foreach(k RANGE ${n_last})
            string(JSON name MEMBER "${spec}" env ${k})
            string(JSON value GET "${spec}" env "${name}")
            list(APPEND env_options --env)
            append_argument(env_options "${name}=${value}" "environment entry")
          endforeach()
        endif()
      elseif(key STREQUAL "root")
        if(NOT value_type STREQUAL "NULL")
          string(JSON root GET "${spec}" root)
        endif()
      elseif(key STREQUAL "exit_code")
        string(JSON expected_exit GET "${spec}" exit_code)
      elseif(key STREQUAL "stdout")
        if(NOT value_type STREQUAL "NULL")
          string(JSON expected_stdout GET "${spec}" stdout)
          set(check_stdout TRUE)
        endif()
      elseif(key STREQUAL "stderr")
        if(NOT value_type STREQUAL "NULL")
          string(JSON expected_stderr GET "${spec}" stderr)
          set(check_stderr TRUE)
        endif()
      else()
        # "operations"/"proposals" (the operation-based form) or a key of a
        # later specification: fail loudly rather than run the test wrongly.
        message(FATAL_ERROR "${spec_file}: unsupported key \"${key}\"")
      endif()
    endforeach()
  endif()
endif()

# ---- the preopened root: a fresh, writable copy --------------------------------
# Removes every file, directory or link named *.cleanup below DIR (a link is
# removed, not followed; file(GLOB_RECURSE) would list every directory).
function(remove_cleanup_entries dir)
  file(GLOB children LIST_DIRECTORIES TRUE "${dir}/*")
  foreach(child IN LISTS children)
    get_filename_component(name "${child}" NAME)
    if(name MATCHES "\\.cleanup$")
      file(REMOVE_RECURSE "${child}")
    elseif(IS_DIRECTORY "${child}" AND NOT IS_SYMLINK "${child}")
      remove_cleanup_entries("${child}")
    endif()
  endforeach()
endfunction()

set(dir_options "")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
if(NOT root STREQUAL "")
  set(source_root "${test_dir}/${root}")
  if(NOT IS_DIRECTORY "${source_root}")
    message(FATAL_ERROR "${spec_file}: root ${source_root} is not a directory")
  endif()
  set(guest_root "${WORK}/root")
  file(MAKE_DIRECTORY "${guest_root}")
  # The suite's files are read-only; the tests write into their root.
  file(COPY "${source_root}/" DESTINATION "${guest_root}"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                             WORLD_READ WORLD_EXECUTE)
  remove_cleanup_entries("${guest_root}")
  set(dir_options --dir "${guest_root}::/")
endif()

# ---- run -------------------------------------------------------------------------
set(command ${WRAPPER} "${WAOT}" run -O ${OPT} ${dir_options} ${env_options} "${TEST}" ${args})
execute_process(COMMAND ${command}
  INPUT_FILE /dev/null
  OUTPUT_VARIABLE actual_stdout
  ERROR_VARIABLE actual_stderr
  RESULT_VARIABLE actual_exit
  TIMEOUT ${TIMEOUT})

if(NOT root STREQUAL "")
  remove_cleanup_entries("${guest_root}")
endif()

# ---- check -----------------------------------------------------------------------
set(failures "")
if(NOT actual_exit STREQUAL expected_exit)
  string(APPEND failures "exit code: expected ${expected_exit}, got ${actual_exit}\n")
endif()
if(check_stdout AND NOT actual_stdout STREQUAL expected_stdout)
  string(APPEND failures "stdout: expected [${expected_stdout}]\n")
endif()
if(check_stderr AND NOT actual_stderr STREQUAL expected_stderr)
  string(APPEND failures "stderr: expected [${expected_stderr}]\n")
endif()

list(JOIN command " " command_text)
if(failures)
  message(NOTICE "${failures}command: ${command_text}\n"
          "--- stdout ---\n${actual_stdout}\n--- stderr ---\n${actual_stderr}\n"
          "--- (the guest's root is kept in ${WORK})")
  message(FATAL_ERROR "wasi-suite test ${test_name} failed")
endif()
file(REMOVE_RECURSE "${WORK}")
message(STATUS "passed ${test_name} (exit ${actual_exit})")
