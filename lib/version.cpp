// gridgov::schema_version and pg_schema_version (declared in the generated gridgov/version.hpp):
// the number of each store's migrations, which is the version the last of them leaves a database
// at.

#include "gridgov/version.hpp"

#include "pg_schema.hpp"
#include "schema.hpp"

namespace gridgov {

int schema_version() noexcept { return static_cast<int>(detail::k_migrations.size()); }

int pg_schema_version() noexcept { return static_cast<int>(detail::k_pg_migrations.size()); }

}  // namespace gridgov
