# Installs gridgov into a scratch prefix, then builds and runs examples/consumer against it twice:
# through find_package(gridgov) and through pkg-config. Also runs the installed gridctl.
#   -DSOURCE_DIR=…  the gridgov sources      -DWORK_DIR=…  a scratch directory (emptied first)
#   -DBUILD_DIR=…   the build to install      -DSHARED=ON|OFF  whether its libgridgov is shared
#   -DLIBDIR=…      its CMAKE_INSTALL_LIBDIR  -DCXX=…          its C++ compiler
#   -DFRESH_BUILD=ON  first configure and build gridgov in BUILD_DIR (BUILD_SHARED_LIBS=SHARED,
#                   no tests), with -DBUILD_TYPE=… and -DWERROR=… as its build type and
#                   GRIDGOV_WERROR; BUILD_DIR is kept between runs, so a rerun rebuilds only changes
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

if(FRESH_BUILD)
  cmake_host_system_information(RESULT jobs QUERY NUMBER_OF_LOGICAL_CORES)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BUILD_DIR}
                          -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
                          -DBUILD_SHARED_LIBS=${SHARED} -DGRIDGOV_WERROR=${WERROR}
                          -DGRIDGOV_BUILD_TESTS=OFF -DGRIDGOV_INSTALL=ON
                          -DCMAKE_INSTALL_LIBDIR=${LIBDIR}
                  OUTPUT_QUIET RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "configuring the fresh build failed")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} -j ${jobs} RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "the fresh build failed")
  endif()
endif()

execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "install failed")
endif()

# The installed tree holds the kind of library asked for, and only that kind.
set(libdir ${prefix}/${LIBDIR})
if(NOT EXISTS ${prefix}/include/gridgov/version.hpp)
  message(FATAL_ERROR "gridgov/version.hpp was not installed")
endif()
if(SHARED)
  set(expected ${libdir}/libgridgov.so)
  set(unexpected ${libdir}/libgridgov.a)
  set(pkg_config_mode "")
  # A user's program finds the shared library the way a user's would: through the loader's path.
  set(run ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir})
else()
  set(expected ${libdir}/libgridgov.a)
  set(unexpected ${libdir}/libgridgov.so)
  # A static libgridgov's dependencies are its Requires.private and Libs.private.
  set(pkg_config_mode --static)
  set(run "")
endif()
if(NOT EXISTS ${expected} OR EXISTS ${unexpected})
  message(FATAL_ERROR "the install should hold ${expected} and no ${unexpected}")
endif()

# The installed gridctl runs as it is (a shared libgridgov is found through its RUNPATH).
execute_process(COMMAND ${prefix}/bin/gridctl --version OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(rc OR NOT out MATCHES "[0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "the installed gridctl failed (${rc}): ${out}")
endif()

# find_package.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/consumer -B ${WORK_DIR}/build
                        -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX}
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the consumer failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer failed")
endif()
execute_process(COMMAND ${WORK_DIR}/build/consumer ${SOURCE_DIR}/examples/layout.csv
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(rc OR NOT out MATCHES "949 grids" OR NOT out MATCHES "\"status\":\"open\",\"level\":\"village\"")
  message(FATAL_ERROR "the consumer failed (${rc}): ${out}")
endif()

# pkg-config: the same program, compiled by hand.
set(ENV{PKG_CONFIG_PATH} "${libdir}/pkgconfig")
execute_process(COMMAND pkg-config ${pkg_config_mode} --cflags --libs gridgov
                OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "pkg-config does not know gridgov")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
execute_process(COMMAND ${CXX} -std=c++20 ${SOURCE_DIR}/examples/consumer/consumer.cpp
                        -o ${WORK_DIR}/consumer-pc ${flags}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer with pkg-config failed")
endif()
execute_process(COMMAND ${run} ${WORK_DIR}/consumer-pc ${SOURCE_DIR}/examples/layout.csv
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(rc OR NOT out MATCHES "949 grids" OR NOT out MATCHES "\"status\":\"open\",\"level\":\"village\"")
  message(FATAL_ERROR "the pkg-config consumer failed (${rc}): ${out}")
endif()
message(STATUS "consumer: ${out}")
