# WAT -> wasm conversion with wabt's wat2wasm at build time.
find_program(WAT2WASM wat2wasm REQUIRED)

# waot_wat_to_wasm(<target> <out-dir> <wat files...>): one .wasm per .wat.
function(waot_wat_to_wasm target outdir)
  set(outputs)
  foreach(wat ${ARGN})
    get_filename_component(stem ${wat} NAME_WE)
    set(wasm ${outdir}/${stem}.wasm)
    add_custom_command(OUTPUT ${wasm}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
      COMMAND ${WAT2WASM} ${wat} -o ${wasm}
      DEPENDS ${wat}
      COMMENT "wat2wasm ${stem}.wat"
      VERBATIM)
    list(APPEND outputs ${wasm})
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${outputs})
endfunction()
