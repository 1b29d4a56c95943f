# gridgov/version.hpp is generated from project(VERSION), so the version is written in one place.
# It lands in the build tree's include dir, which lib/CMakeLists.txt adds to libgridgov's PUBLIC
# build interface and InstallRules.cmake installs beside the other headers.
set(GRIDGOV_GENERATED_INCLUDE_DIR ${PROJECT_BINARY_DIR}/include)
configure_file(${PROJECT_SOURCE_DIR}/cmake/version.hpp.in
               ${GRIDGOV_GENERATED_INCLUDE_DIR}/gridgov/version.hpp @ONLY)
