# Fails unless PROGRAM is a statically linked ELF executable (readelf: no
# interpreter, no needed shared libraries).
find_program(READELF readelf REQUIRED)
execute_process(COMMAND ${READELF} -l -d ${PROGRAM} OUTPUT_VARIABLE info RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "readelf ${PROGRAM} failed")
endif()
if(info MATCHES "INTERP" OR info MATCHES "NEEDED")
  message(FATAL_ERROR "${PROGRAM} is not statically linked:\n${info}")
endif()
message(STATUS "${PROGRAM} is statically linked")
