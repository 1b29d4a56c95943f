# Warnings (and, with GRIDGOV_WERROR, warnings as errors) and sanitizers apply to our own targets
# only, never to third-party headers, which we include as system headers through their imported
# targets. -Werror is opt-in, so that a newer compiler's new warning cannot break a user's build;
# scripts/test, and so CI, turns it on.
add_library(gridgov_warnings INTERFACE)
target_compile_options(gridgov_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(GRIDGOV_WERROR)
  target_compile_options(gridgov_warnings INTERFACE -Werror)
endif()

add_library(gridgov_sanitizers INTERFACE)
if(GRIDGOV_SANITIZE)
  target_compile_options(gridgov_sanitizers INTERFACE -fsanitize=address,undefined
                                                      -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(gridgov_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
