# Strict warnings for every waot target: -Wall -Wextra -Werror.
function(waot_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter)
endfunction()

# LLVM headers are compiled as system headers so their warnings do not fail the build.
function(waot_use_llvm target)
  target_include_directories(${target} SYSTEM PRIVATE ${LLVM_INCLUDE_DIRS})
  target_compile_definitions(${target} PRIVATE ${LLVM_DEFINITIONS})
  target_link_libraries(${target} PRIVATE LLVM)
endfunction()
