# waot_add_module(<target> <name> <file.wasm>
#                 [OPT <0..3 | -O0..-O3>]   # default 2
#                 [CPU <cpu>]               # default: the build machine's CPU;
#                                           # "generic" (or e.g. x86-64-v2) for portable code
#                 [FEATURES <llvm features>]
#                 [JOBS <n>])               # code generation threads (0: all cores)
#
# Compiles <file.wasm> at build time with the `waot` tool into an object whose
# symbols all carry <name> (a C identifier), adds the object to <target>, puts
# the generated header <name>.h on <target>'s include path and links
# waot::runtime. The application then instantiates the module with no dlopen
# and no file:
#
#   #include "<name>.h"
#   waot::linked::<name>::Instance m(imports); // C++: exports as typed members
#   <name>_instantiate(imports, &instance);  // C: the same through the C API
#
# The object is rebuilt when the .wasm, the tool or its compiler module change.
# Used by the installed package (find_package(waot)) and by waot's own build.
include_guard(GLOBAL)

function(waot_add_module target name wasm)
  cmake_parse_arguments(PARSE_ARGV 3 ARG "" "OPT;CPU;FEATURES;JOBS" "")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "waot_add_module: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "waot_add_module: '${target}' is not a target")
  endif()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "waot_add_module: the module name '${name}' is not a C identifier")
  endif()
  if(NOT TARGET waot::waot)
    message(FATAL_ERROR "waot_add_module: the waot tool (waot::waot) is not available")
  endif()

  set(opt 2)
  if(DEFINED ARG_OPT)
    string(REGEX REPLACE "^-O" "" opt "${ARG_OPT}")
    if(NOT opt MATCHES "^[0-3]$")
      message(FATAL_ERROR "waot_add_module: OPT must be 0..3 or -O0..-O3, not '${ARG_OPT}'")
    endif()
  endif()
  set(options -O${opt})
  if(ARG_CPU)
    list(APPEND options --cpu ${ARG_CPU})
  endif()
  if(ARG_FEATURES)
    list(APPEND options --features ${ARG_FEATURES})
  endif()
  if(DEFINED ARG_JOBS)
    list(APPEND options --jobs ${ARG_JOBS})
  endif()

  get_filename_component(wasm "${wasm}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  # One directory per module, so that its header is found as "<name>.h".
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/waot_modules/${name}")
  set(object "${dir}/${name}.o")
  set(header "${dir}/${name}.h")

  # Several targets of one directory may link the same module: compiled once.
  set(signature "${wasm}|${options}")
  get_property(known DIRECTORY PROPERTY WAOT_MODULE_${name})
  if(known AND NOT known STREQUAL signature)
    message(FATAL_ERROR "waot_add_module: module '${name}' is already compiled in this directory "
                        "from another file or with other options (${known}); use another name")
  endif()
  if(NOT known)
    set_property(DIRECTORY PROPERTY WAOT_MODULE_${name} "${signature}")
    set(tool_files "$<TARGET_FILE:waot::waot>")
    if(TARGET waot::codegen_plugin)
      list(APPEND tool_files "$<TARGET_FILE:waot::codegen_plugin>")
    endif()
    add_custom_command(
      OUTPUT "${object}" "${header}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
      COMMAND "$<TARGET_FILE:waot::waot>" compile "${wasm}" --emit=object --name ${name}
              -o "${object}" --header "${header}" ${options}
      DEPENDS "${wasm}" ${tool_files}
      COMMENT "waot: compiling ${name} from ${wasm}"
      VERBATIM)
  endif()
  set_source_files_properties("${object}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  target_sources(${target} PRIVATE "${object}" "${header}")
  target_include_directories(${target} PRIVATE "${dir}")
  # Not target_link_libraries: that would impose its keyword or plain form
  # on every other call for the target.
  set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES waot::runtime)
endfunction()
