# Per-target settings only: every diming target gets the same warnings, standard and
# (optionally) sanitizers through this one function.
function(diming_target_settings target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  if(DIMING_FUZZ)
    # Coverage feedback from the libraries, not only from the fuzz target itself.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  if(DIMING_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

# diming_module(NAME SOURCES a.cpp b.cpp DEPENDS targets...)
# One static library per concept folder; its folder's parent is on the include path so that
# headers are included as <core/error.hpp>, <store/database.hpp>, ...
function(diming_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(diming_${name} STATIC ${M_SOURCES})
  target_include_directories(diming_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(diming_${name} PUBLIC ${M_DEPENDS})
  diming_target_settings(diming_${name})
endfunction()
