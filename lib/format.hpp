#pragma once
// fmt formats the domain's enums by their glossary names (`fmt::format("{}", Level::zone)` is
// "zone"), so messages never spell `std::string(to_string(x))`.

#include <fmt/format.h>

#include <string_view>
#include <type_traits>

#include "gridgov/case.hpp"
#include "gridgov/level.hpp"
#include "gridgov/model.hpp"

template <class T>
requires std::is_enum_v<T> && requires(T t) {
  { gridgov::to_string(t) } -> std::convertible_to<std::string_view>;
}
struct fmt::formatter<T, char> : fmt::formatter<std::string_view, char> {
  template <class Context>
  auto format(T value, Context& ctx) const {
    return fmt::formatter<std::string_view, char>::format(gridgov::to_string(value), ctx);
  }
};
