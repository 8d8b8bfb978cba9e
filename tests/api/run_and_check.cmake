# Runs a program and checks that it succeeds and prints exactly the expected
# lines on stdout (the examples and the out-of-tree app are checked this way).
#
#   cmake -DPROGRAM=<exe> [-DARGS=<arg;arg>] -DEXPECTED=<line|line> -P run_and_check.cmake
# (lines are separated by '|': a ';' would split the argument in CMake lists)
if(NOT DEFINED PROGRAM OR NOT DEFINED EXPECTED)
  message(FATAL_ERROR "usage: cmake -DPROGRAM=<exe> [-DARGS=<args>] -DEXPECTED=<lines> -P run_and_check.cmake")
endif()
execute_process(COMMAND ${PROGRAM} ${ARGS}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} failed (${status}):\n${output}${errors}")
endif()
string(REPLACE "|" "\n" expected "${EXPECTED}")
string(APPEND expected "\n")
if(NOT output STREQUAL expected)
  message(FATAL_ERROR "${PROGRAM} printed:\n${output}\nexpected:\n${expected}")
endif()
message(STATUS "${PROGRAM}: output as expected")
