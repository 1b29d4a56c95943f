# The shell completions and the man page gridctl(1), written at build time by the gridctl just
# built, from its own command definitions (`gridctl completion SHELL`, `gridctl man`): they
# always name the commands and options of the binary installed beside them. InstallRules.cmake
# installs them. A cross-compiled gridctl cannot run on the build machine, so then they are
# neither made nor installed.
if(CMAKE_CROSSCOMPILING)
  message(STATUS "gridgov: cross-compiling, so the shell completions and man page are skipped")
  set(GRIDGOV_DOCS_DIR "")
  return()
endif()

set(GRIDGOV_DOCS_DIR ${PROJECT_BINARY_DIR}/share)
set(GRIDGOV_BASH_COMPLETION ${GRIDGOV_DOCS_DIR}/bash-completion/completions/gridctl)
set(GRIDGOV_ZSH_COMPLETION ${GRIDGOV_DOCS_DIR}/zsh/vendor-completions/_gridctl)
set(GRIDGOV_FISH_COMPLETION ${GRIDGOV_DOCS_DIR}/fish/vendor_completions.d/gridctl.fish)
set(GRIDGOV_MAN_PAGE ${GRIDGOV_DOCS_DIR}/man/man1/gridctl.1)
set(gridgov_docs ${GRIDGOV_BASH_COMPLETION} ${GRIDGOV_ZSH_COMPLETION} ${GRIDGOV_FISH_COMPLETION}
                 ${GRIDGOV_MAN_PAGE})
set(gridgov_docs_dirs)
foreach(file IN LISTS gridgov_docs)
  get_filename_component(dir ${file} DIRECTORY)
  list(APPEND gridgov_docs_dirs ${dir})
endforeach()

add_custom_command(
  OUTPUT ${gridgov_docs}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${gridgov_docs_dirs}
  COMMAND gridctl completion bash > ${GRIDGOV_BASH_COMPLETION}
  COMMAND gridctl completion zsh > ${GRIDGOV_ZSH_COMPLETION}
  COMMAND gridctl completion fish > ${GRIDGOV_FISH_COMPLETION}
  COMMAND gridctl man > ${GRIDGOV_MAN_PAGE}
  DEPENDS gridctl
  COMMENT "Generating gridctl's shell completions and man page")
add_custom_target(gridctl_docs ALL DEPENDS ${gridgov_docs})
