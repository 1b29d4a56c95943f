# Every dependency comes from Debian 12's packages; nothing is vendored.
find_package(fmt REQUIRED)
find_package(SQLiteCpp REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(date REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
# utf8proc ships no CMake package, only a pkg-config file.
pkg_check_modules(utf8proc REQUIRED IMPORTED_TARGET GLOBAL libutf8proc)
# PostgreSQL's client library (libpq-dev), for the PostgreSQL store; its pkg-config file too.
pkg_check_modules(libpq REQUIRED IMPORTED_TARGET GLOBAL libpq)
# OpenSSL's libcrypto (libssl-dev): SHA-256 and Ed25519 for tamper evidence (docs/design.md §15).
pkg_check_modules(libcrypto REQUIRED IMPORTED_TARGET GLOBAL libcrypto)
