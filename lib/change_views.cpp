// The views of changes an import or a policy load makes: one row per change, for review.

#include "gridgov/views.hpp"

namespace gridgov {

Table change_table(const std::vector<Change>& changes) {
  Table t{{text_column("kind"), text_column("change"), text_column("level"), text_column("code"),
           text_column("name"), text_column("field"), text_column("old"), text_column("new")},
          {}};
  for (const auto& c : changes)
    t.rows.push_back({c.kind, c.change, c.level, c.code, c.name, text_or_null(c.field),
                      text_or_null(c.old_value), text_or_null(c.new_value)});
  return t;
}

Table setting_change_table(const std::vector<SettingChange>& changes) {
  Table t{{text_column("setting"), text_column("change"), text_column("old"), text_column("new")},
          {}};
  for (const auto& c : changes)
    t.rows.push_back({c.setting, c.change, text_or_null(c.old_value), text_or_null(c.new_value)});
  return t;
}

}  // namespace gridgov
