#include "hints.hpp"

namespace gridctl {

std::string hint(const gridgov::Error& e) {
  const std::string& field = e.field();
  if (field == "actor" && e.code() == gridgov::ErrorCode::usage)
    return "give --as, or set GRIDCTL_ACTOR";
  if (field == "at") return "see --at";
  if (field == "by") return "see --by";
  if (field == "database") return "create one with `gridctl init`, or import a TOML/JSON layout";
  if (field == "county") return "run `gridctl init --county-code CODE --county-name NAME` first";
  if (field == "schema") return "upgrade gridctl";
  if (field == "department" && e.rule() == "town-calls-county-responds") return "see --department";
  if (field == "level" && e.rule() == "level-by-level") return "see --to";
  if (field == "title") return "see --title";
  if (field == "description") return "see --description";
  if (field == "note") return "see --note (--reason for escalate and void)";
  if (field == "prune") return "--prune retires what the files leave out";
  return {};
}

}  // namespace gridctl
