include(CMakePackageConfigHelpers)

install(DIRECTORY include/gridgov DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS gridgov EXPORT gridgov-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS gridctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
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

# The .pc file finds its prefix relative to itself, so an installed tree can be moved.
file(RELATIVE_PATH GRIDGOV_PC_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" GRIDGOV_PC_PREFIX "${GRIDGOV_PC_PREFIX}")
configure_file(cmake/gridgov.pc.in ${PROJECT_BINARY_DIR}/gridgov.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gridgov.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
