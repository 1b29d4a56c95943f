// gridgov::schema_version (declared in the generated gridgov/version.hpp): the number of
// migrations, which is the version the last of them leaves a database at.

#include "gridgov/version.hpp"

#include "schema.hpp"

namespace gridgov {

int schema_version() noexcept { return static_cast<int>(detail::k_migrations.size()); }

}  // namespace gridgov
