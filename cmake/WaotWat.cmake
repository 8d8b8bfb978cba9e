# WAT -> wasm conversion at build time with waot's own text reader
# (waot-wat2wasm, frontend/tools/wat2wasm.cpp): no wabt in the build.

# waot_wat_to_wasm(<target> <out-dir> <wat files...>): one .wasm per .wat.
function(waot_wat_to_wasm target outdir)
  set(outputs)
  foreach(wat ${ARGN})
    get_filename_component(stem ${wat} NAME_WE)
    set(wasm ${outdir}/${stem}.wasm)
    add_custom_command(OUTPUT ${wasm}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
      COMMAND waot-wat2wasm ${wat} -o ${wasm}
      DEPENDS ${wat} waot-wat2wasm
      COMMENT "waot-wat2wasm ${stem}.wat"
      VERBATIM)
    list(APPEND outputs ${wasm})
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${outputs})
endfunction()
