include(CMakePackageConfigHelpers)

# STATIC_LIBRARY or SHARED_LIBRARY (BUILD_SHARED_LIBS): the package files below differ in whether
# a consumer must link libgridgov's own dependencies too.
get_target_property(GRIDGOV_LIBRARY_TYPE gridgov TYPE)

install(DIRECTORY include/gridgov DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${GRIDGOV_GENERATED_INCLUDE_DIR}/gridgov/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gridgov)
install(TARGETS gridgov EXPORT gridgov-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# An installed gridctl finds a shared libgridgov relative to itself, unless the library goes to a
# directory the linker searches anyway (such as /usr/lib/<triplet>), where no RUNPATH is wanted.
if(GRIDGOV_LIBRARY_TYPE STREQUAL "SHARED_LIBRARY")
  list(FIND CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES "${CMAKE_INSTALL_FULL_LIBDIR}" gridgov_implicit)
  if(gridgov_implicit EQUAL -1)
    file(RELATIVE_PATH gridgov_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
    set_target_properties(gridctl PROPERTIES INSTALL_RPATH "$ORIGIN/${gridgov_bin_to_lib}")
  endif()
endif()
install(TARGETS gridctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The completions go where bash-completion, zsh and fish look for a package's own (Debian's
# vendor directories); the man page where man finds it. cmake/Docs.cmake makes them, unless
# cross-compiling.
if(GRIDGOV_DOCS_DIR)
  install(FILES ${GRIDGOV_BASH_COMPLETION}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
  install(FILES ${GRIDGOV_ZSH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
  install(FILES ${GRIDGOV_FISH_COMPLETION}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
  install(FILES ${GRIDGOV_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
install(EXPORT gridgov-targets NAMESPACE gridgov:: FILE gridgov-targets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gridgov)

configure_package_config_file(cmake/gridgov-config.cmake.in
                              ${PROJECT_BINARY_DIR}/gridgov-config.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gridgov)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gridgov-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gridgov-config.cmake
              ${PROJECT_BINARY_DIR}/gridgov-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gridgov)

# The .pc file finds its prefix relative to itself, so an installed tree can be moved. Its Cflags
# carry -std=c++20: the headers need C++20, and g++ 12 compiles C++17 unless told.
# libgridgov's dependencies are private (no public header includes theirs): a shared libgridgov
# carries them itself, a static one needs them on its consumers' link line, which pkg-config gives
# with --static (Requires.private / Libs.private).
file(RELATIVE_PATH GRIDGOV_PC_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" GRIDGOV_PC_PREFIX "${GRIDGOV_PC_PREFIX}")
if(GRIDGOV_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
  string(JOIN "\n" GRIDGOV_PC_PRIVATE "Requires.private: fmt sqlite3 tomlplusplus libutf8proc"
                                     # libpq by -lpq: its own .pc, asked --static, names static
                                     # libraries (pgcommon, pgport…) Debian does not ship.
                                     "Libs.private: -lSQLiteCpp -lpq -lcrypto -lpthread -ldl")
else()
  set(GRIDGOV_PC_PRIVATE "")
endif()
configure_file(cmake/gridgov.pc.in ${PROJECT_BINARY_DIR}/gridgov.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gridgov.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
