# The out-of-tree application test: installs this build into a fresh prefix,
# configures and builds tests/api/out_of_tree against it (find_package(waot)
# + waot::runtime only), compiles a module with the installed `waot` tool and
# checks what the application prints. Then the same for an application of
# the compiler component (tests/api/out_of_tree_compiler, waot::compiler).
#
# Then examples/linked (LINKED_APP_DIR): modules compiled into objects by
# waot_add_module() and linked into a C++ and a C application; and the C
# application once more without CMake, with the installed tool and
# `pkg-config --cflags --libs waot` (as a Makefile would).
#
#   cmake -DBUILD_DIR=... -DAPP_DIR=... -DCOMPILER_APP_DIR=... -DLINKED_APP_DIR=... -DWORK_DIR=...
#         -DWASM=... -DGENERATOR=... -DMAKE_PROGRAM=... -DCXX_COMPILER=... -DC_COMPILER=...
#         -DCHECK_SCRIPT=... -P out_of_tree_test.cmake
foreach(variable BUILD_DIR APP_DIR COMPILER_APP_DIR LINKED_APP_DIR WORK_DIR WASM GENERATOR MAKE_PROGRAM
                 CXX_COMPILER C_COMPILER CHECK_SCRIPT)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "out_of_tree_test.cmake: ${variable} is not set")
  endif()
endforeach()

function(run_step description)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${description} failed (${status}):\n${output}${errors}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
run_step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(installed include/waot/waot.hpp include/waot/waot.h include/waot/compiler.hpp
                  include/waot/wasi.hpp include/waot/wasi.h include/waot/caller.hpp bin/waot)
  if(NOT EXISTS ${prefix}/${installed})
    message(FATAL_ERROR "the install lacks ${installed}")
  endif()
endforeach()
# The compiler module the installed tool loads when it compiles.
file(GLOB_RECURSE codegen_module ${prefix}/*/waot-codegen.so)
if(NOT codegen_module)
  message(FATAL_ERROR "the install lacks lib/waot/waot-codegen.so")
endif()
file(GLOB_RECURSE config_files ${prefix}/*/waotConfig.cmake)
if(NOT config_files)
  message(FATAL_ERROR "the install lacks lib/cmake/waot/waotConfig.cmake")
endif()

# Configures and builds the application in `source` into `binary` (further
# arguments: more configuration options).
# A sanitized build (SANITIZE, e.g. address,undefined) installs instrumented
# libraries: the applications link the sanitizer runtime too.
set(sanitize_flags)
set(sanitize_options)
if(SANITIZE)
  set(sanitize_flags -fsanitize=${SANITIZE})
  # clang's C driver leaves out UBSan's C++ part, which the C++ libraries need.
  if(C_COMPILER MATCHES "clang")
    list(APPEND sanitize_flags -fsanitize-link-c++-runtime)
  endif()
  set(sanitize_options -DCMAKE_C_FLAGS=-fsanitize=${SANITIZE} -DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE}
      -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE})
endif()

function(build_application source binary)
  run_step("configuring ${source}" ${CMAKE_COMMAND} -S ${source} -B ${binary} -G ${GENERATOR}
    -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix} ${sanitize_options} ${ARGN})
  run_step("building ${source}" ${CMAKE_COMMAND} --build ${binary})
endfunction()

build_application(${APP_DIR} ${WORK_DIR}/build)
run_step("waot compile (installed)" ${prefix}/bin/waot compile ${WASM} -o ${WORK_DIR}/host_calls.so)
run_step("running the application" ${CMAKE_COMMAND} -DPROGRAM=${WORK_DIR}/build/app -DARGS=${WORK_DIR}/host_calls.so
  "-DEXPECTED=callback 41|run 83|wasi fd_write" -P ${CHECK_SCRIPT})

build_application(${COMPILER_APP_DIR} ${WORK_DIR}/build-compiler)
run_step("running the compiler application" ${CMAKE_COMMAND} -DPROGRAM=${WORK_DIR}/build-compiler/compiler_app
  -DARGS=${WASM} "-DEXPECTED=callback 20|run 61" -P ${CHECK_SCRIPT})
build_application(${LINKED_APP_DIR} ${WORK_DIR}/build-linked -DCMAKE_C_COMPILER=${C_COMPILER})
run_step("running the linked application" ${CMAKE_COMMAND} -DPROGRAM=${WORK_DIR}/build-linked/linked_app
  "-DEXPECTED=sum of squares: 385 (progress called 10 times)|square(12) = 144|trap: integer divide by zero in wasm function 1 `ratio`|trap: out of bounds memory access in wasm function 2 `sum_of_squares`"
  -P ${CHECK_SCRIPT})
set(linked_c_expected "sum of squares: 385 (progress called 10 times)|trap: integer divide by zero")
run_step("running the linked C application" ${CMAKE_COMMAND}
  -DPROGRAM=${WORK_DIR}/build-linked/linked_app_c "-DEXPECTED=${linked_c_expected}" -P ${CHECK_SCRIPT})

# Without CMake: the installed tool, a C compiler and pkg-config.
find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
set(plain ${WORK_DIR}/plain-make)
file(MAKE_DIRECTORY ${plain})
foreach(module mathlib stats)
  run_step("waot compile ${module} (object)" ${prefix}/bin/waot compile
    ${WORK_DIR}/build-linked/${module}.wasm --emit=object --name ${module} -o ${plain}/${module}.o
    --header ${plain}/${module}.h)
endforeach()
file(GLOB_RECURSE pc_files ${prefix}/*/waot.pc)
if(NOT pc_files)
  message(FATAL_ERROR "the install lacks lib/pkgconfig/waot.pc")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs waot RESULT_VARIABLE status
  OUTPUT_VARIABLE pc_flags ERROR_VARIABLE pc_errors OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs waot failed: ${pc_errors}")
endif()
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
run_step("cc with pkg-config" ${C_COMPILER} -std=c11 -O2 -I${plain} ${LINKED_APP_DIR}/app.c
  ${plain}/mathlib.o ${plain}/stats.o ${pc_flags} ${sanitize_flags} -o ${plain}/app_c)
run_step("running the pkg-config-built C application" ${CMAKE_COMMAND} -DPROGRAM=${plain}/app_c
  "-DEXPECTED=${linked_c_expected}" -P ${CHECK_SCRIPT})
message(STATUS "out-of-tree applications: built against ${prefix}, output as expected")
