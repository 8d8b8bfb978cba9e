# The out-of-tree application test: installs this build into a fresh prefix,
# configures and builds tests/api/out_of_tree against it (find_package(waot)
# + waot::runtime only), compiles a module with the installed `waot` tool and
# checks what the application prints. Then the same for an application of
# the compiler component (tests/api/out_of_tree_compiler, waot::compiler).
#
#   cmake -DBUILD_DIR=... -DAPP_DIR=... -DCOMPILER_APP_DIR=... -DWORK_DIR=... -DWASM=...
#         -DGENERATOR=... -DMAKE_PROGRAM=... -DCXX_COMPILER=... -DCHECK_SCRIPT=...
#         -P out_of_tree_test.cmake
foreach(variable BUILD_DIR APP_DIR COMPILER_APP_DIR WORK_DIR WASM GENERATOR MAKE_PROGRAM CXX_COMPILER
                 CHECK_SCRIPT)
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

# Configures and builds the application in `source` into `binary`.
function(build_application source binary)
  run_step("configuring ${source}" ${CMAKE_COMMAND} -S ${source} -B ${binary} -G ${GENERATOR}
    -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM} -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${prefix})
  run_step("building ${source}" ${CMAKE_COMMAND} --build ${binary})
endfunction()

build_application(${APP_DIR} ${WORK_DIR}/build)
run_step("waot compile (installed)" ${prefix}/bin/waot compile ${WASM} -o ${WORK_DIR}/host_calls.so)
run_step("running the application" ${CMAKE_COMMAND} -DPROGRAM=${WORK_DIR}/build/app -DARGS=${WORK_DIR}/host_calls.so
  "-DEXPECTED=callback 41|run 83|wasi fd_write" -P ${CHECK_SCRIPT})

build_application(${COMPILER_APP_DIR} ${WORK_DIR}/build-compiler)
run_step("running the compiler application" ${CMAKE_COMMAND} -DPROGRAM=${WORK_DIR}/build-compiler/compiler_app
  -DARGS=${WASM} "-DEXPECTED=callback 20|run 61" -P ${CHECK_SCRIPT})
message(STATUS "out-of-tree applications: built against ${prefix}, output as expected")
