// The monthly report's page (docs/design.md §13): the figures of report_data laid out through the
// templates in lib/templates (embedded at build time), the charts' geometry from chart.hpp. All
// text goes through the template engine, which escapes it; no markup is built by concatenation.

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <kainjow/mustache.hpp>
#include <map>
#include <random>

#include "gridgov/chart.hpp"
#include "gridgov/error.hpp"
#include "gridgov/report.hpp"
#include "gridgov/time.hpp"
#include "gridgov/version.hpp"
#include "gridgov/views.hpp"

namespace gridgov {

namespace {

namespace mu = kainjow::mustache;

const char* const k_page_template =
#include "report_html.inc"
    ;
const char* const k_map_template =
#include "map_svg.inc"
    ;

// ---- words -----------------------------------------------------------------------------------

/// A field's label: the glossary's Chinese (render.hpp's headers), or English words.
std::string field_label(std::string_view field, Lang lang) {
  if (lang == Lang::zh) return zh_header(field);
  static const std::map<std::string_view, std::string_view, std::less<>> en = {
      {"reported", "Reported"},
      {"problems", "Problems"},
      {"closed", "Closed"},
      {"closed_on_time", "Closed on time"},
      {"resolution_rate", "Resolution rate"},
      {"on_time_rate", "On-time rate"},
      {"overdue_open", "Overdue, open"},
      {"rework", "Rework"},
      {"supervised", "Supervision orders"},
      {"supervision_overdue", "Supervision overdue"},
      {"median_hours_to_close", "Median hours to close"},
      {"quota_rate", "Patrol quota met"},
      {"whistles", "Whistles"},
      {"escalated", "Escalated"},
      {"referred", "Referred"}};
  auto it = en.find(field);
  return std::string(it == en.end() ? field : it->second);
}

/// The words of the page, by language.
struct PageWords {
  Lang lang;
  [[nodiscard]] std::string operator()(std::string_view zh, std::string_view en) const {
    return std::string(lang == Lang::zh ? zh : en);
  }
};

std::string month_text(std::chrono::year_month ym, Lang lang) {
  const int y = static_cast<int>(ym.year());
  const unsigned m = static_cast<unsigned>(ym.month());
  if (lang == Lang::zh) return fmt::format("{}年{}月", y, m);
  static const char* const names[] = {"January",   "February", "March",    "April",
                                      "May",       "June",     "July",     "August",
                                      "September", "October",  "November", "December"};
  return fmt::format("{} {}", names[m - 1], y);
}

std::string month_code(std::chrono::year_month ym) {
  return fmt::format("{:04}-{:02}", static_cast<int>(ym.year()), static_cast<unsigned>(ym.month()));
}

std::string short_month(std::chrono::year_month ym, Lang lang) {
  const unsigned m = static_cast<unsigned>(ym.month());
  if (lang == Lang::zh) return std::to_string(m);  // 月 once, on the year's line: 12 ticks fit
  static const char* const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return names[m - 1];
}

/// Digits grouped by thousands: 176878 → 176,878 (other text unchanged).
std::string grouped(const std::string& text) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string digits = negative ? text.substr(1) : text;
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return text;
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string count_text(long long n) { return grouped(std::to_string(n)); }

std::string percent(std::optional<double> r) {
  return r ? fmt::format("{:.1f}%", *r * 100.0) : std::string("—");
}

/// A cell as a person reads it and as a program does (the JSON's number, exactly).
struct Shown {
  std::string text;
  std::string raw;
};

/// The columns of a statistics table by name, for reading rows' cells.
class StatsCells {
 public:
  explicit StatsCells(const std::vector<StatsRow>& rows)
      : m_people(stats_table(rows, Format::table)), m_json(stats_table(rows, Format::json)) {}

  [[nodiscard]] Shown at(std::size_t row, std::string_view field) const {
    const std::size_t c = column(field);
    Shown s;
    s.text = grouped(cell_text(m_people.rows[row][c], m_people.columns[c], Format::table));
    if (s.text.empty()) s.text = "—";
    s.raw = cell_text(m_json.rows[row][c], m_json.columns[c], Format::csv);
    return s;
  }

 private:
  [[nodiscard]] std::size_t column(std::string_view field) const {
    for (std::size_t i = 0; i < m_people.columns.size(); ++i)
      if (m_people.columns[i].name == field) return i;
    throw Error(ErrorCode::internal, "no statistics field " + std::string(field));
  }
  Table m_people;
  Table m_json;
};

std::string svg(double v) { return chart::svg_number(v); }

/// A time as a person reads it on paper: `2026-09-30 17:05` (the report's timezone is its
/// county's, said once), from format_time's ISO 8601; other text unchanged.
std::string short_time(const std::string& iso) {
  if (iso.size() < 16 || iso[10] != 'T' || iso[4] != '-' || iso[13] != ':') return iso;
  return iso.substr(0, 10) + ' ' + iso.substr(11, 5);
}

// ---- sections --------------------------------------------------------------------------------

/// How a figure compares: the change from `then` to `now`, and its direction's class.
std::pair<std::string, std::string> change(std::optional<double> now, std::optional<double> then,
                                           bool rate, Lang lang) {
  if (!now || !then) return {"", ""};
  const double diff = *now - *then;
  if (diff == 0 || (!rate && *then == 0)) return {"", ""};  // no change, or none to measure
  const std::string dir = diff > 0 ? "up" : diff < 0 ? "down" : "";
  if (rate) {
    const double pp = std::abs(diff) * 100.0;
    return {fmt::format("{:.1f}{}", pp, lang == Lang::zh ? "个百分点" : " pp"), dir};
  }

  return {fmt::format("{:.1f}%", std::abs(diff) / *then * 100.0), dir};
}

std::optional<double> numeric(const std::string& raw) {
  if (raw.empty()) return std::nullopt;
  try {
    return std::stod(raw);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const std::vector<std::string> k_headline_fields = {"reported",
                                                    "problems",
                                                    "closed",
                                                    "resolution_rate",
                                                    "on_time_rate",
                                                    "overdue_open",
                                                    "quota_rate",
                                                    "supervision_overdue",
                                                    "median_hours_to_close",
                                                    "rework"};

bool is_rate(std::string_view field) {
  return field == "resolution_rate" || field == "on_time_rate" || field == "quota_rate";
}

mu::list headline(const ReportData& d, Lang lang) {
  const StatsCells cells({d.current, d.previous, d.last_year});
  mu::list out;
  for (const auto& field : k_headline_fields) {
    const Shown now = cells.at(0, field);
    const Shown prev = cells.at(1, field);
    const Shown year = cells.at(2, field);
    mu::data card;
    card.set("field", field);
    card.set("label", field_label(field, lang));
    card.set("value", now.text);
    card.set("value_raw", now.raw);
    card.set("previous", prev.text);
    card.set("previous_raw", prev.raw);
    card.set("last_year", year.text);
    card.set("last_year_raw", year.raw);
    // Rates compare only where both months have a denominator (the people's text is not blank).
    auto value = [&](const Shown& s) { return s.text == "—" ? std::nullopt : numeric(s.raw); };
    const auto [pd, pdir] = d.previous.reported == 0
                                ? std::pair<std::string, std::string>()
                                : change(value(now), value(prev), is_rate(field), lang);
    // A month without cases (before the records begin) has nothing to compare with.
    const auto [yd, ydir] = d.last_year.reported == 0
                                ? std::pair<std::string, std::string>()
                                : change(value(now), value(year), is_rate(field), lang);
    card.set("previous_delta", pd);
    card.set("previous_dir", pdir);
    card.set("last_year_delta", yd);
    card.set("last_year_dir", ydir);
    out.push_back(card);
  }
  return out;
}

/// A line chart of the trend: some series over the 12 months.
struct Series {
  std::string key;
  std::string name;
  std::string colour;
  std::vector<std::optional<double>> values;
};

mu::data line_chart(const std::string& id, const std::string& caption,
                    const std::vector<std::chrono::year_month>& months,
                    const std::vector<Series>& series, bool rates, Lang lang) {
  // Drawn about as wide as it is shown in a third of the page, so the labels stay readable.
  const double width = 380;
  const double height = 230;
  const double left = 54;
  const double right = width - 14;
  const double top = 12;
  const double bottom = height - 44;
  double hi = 0;
  for (const auto& s : series)
    for (const auto& v : s.values)
      if (v) hi = std::max(hi, *v);
  const chart::Ticks ticks =
      rates ? chart::Ticks{0, 1, 0.2, {0, 0.2, 0.4, 0.6, 0.8, 1.0}} : chart::nice_ticks(0, hi, 5);
  const chart::LinearScale y{ticks.lo, ticks.hi, bottom, top};
  const chart::LinearScale x{0, static_cast<double>(months.size() - 1), left + 12, right - 12};
  mu::data c;
  c.set("id", id);
  c.set("caption", caption);
  c.set("width", svg(width));
  c.set("height", svg(height));
  c.set("left", svg(left));
  c.set("right", svg(right));
  c.set("bottom", svg(bottom));
  mu::list yticks;
  for (double v : ticks.values) {
    mu::data t;
    t.set("y", svg(y(v)));
    t.set("x0", svg(left));
    t.set("x1", svg(right));
    t.set("tx", svg(left - 6));
    t.set("ty", svg(y(v) + 4));
    t.set("label", rates ? fmt::format("{:.0f}%", v * 100)
                         : count_text(static_cast<long long>(std::llround(v))));
    yticks.push_back(t);
  }
  c.set("yticks", yticks);
  mu::list xticks;
  for (std::size_t i = 0; i < months.size(); ++i) {
    mu::data t;
    t.set("x", svg(x(static_cast<double>(i))));
    t.set("y0", svg(bottom));
    t.set("y1", svg(bottom + 4));
    t.set("ty", svg(bottom + 17));
    t.set("ty2", svg(bottom + 31));
    t.set("label", short_month(months[i], lang));
    if (i == 0 || months[i].month() == std::chrono::January)
      t.set("year", lang == Lang::zh ? fmt::format("{}年{}月", static_cast<int>(months[i].year()),
                                                   static_cast<unsigned>(months[i].month()))
                                     : std::to_string(static_cast<int>(months[i].year())));
    xticks.push_back(t);
  }
  c.set("xticks", xticks);
  mu::list lines;
  for (const auto& s : series) {
    mu::data l;
    l.set("key", s.key);
    l.set("name", s.name);
    l.set("colour", s.colour);
    l.set("d", chart::line_path(s.values, x, y));
    mu::list points;
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (!s.values[i]) continue;
      mu::data p;
      p.set("x", svg(x(static_cast<double>(i))));
      p.set("y", svg(y(*s.values[i])));
      p.set("colour", s.colour);
      p.set("title",
            month_code(months[i]) + " · " + s.name + " " +
                (rates ? percent(s.values[i]) : count_text(static_cast<long long>(*s.values[i]))));
      points.push_back(p);
    }
    l.set("points", points);
    lines.push_back(l);
  }
  c.set("series", lines);
  return c;
}

void trend(const ReportData& d, Lang lang, mu::data& page) {
  const PageWords w{lang};
  std::vector<std::chrono::year_month> months;
  Series reported{"reported", field_label("reported", lang), "#3e7cb1", {}};
  Series problems{"problems", field_label("problems", lang), "#e8833a", {}};
  Series resolution{"resolution_rate", field_label("resolution_rate", lang), "#2f9e6e", {}};
  Series on_time{"on_time_rate", field_label("on_time_rate", lang), "#7b5ea7", {}};
  mu::list rows;
  for (const auto& f : d.trend) {
    months.push_back(f.month);
    reported.values.emplace_back(static_cast<double>(f.reported));
    problems.values.emplace_back(static_cast<double>(f.problems));
    resolution.values.push_back(f.resolution_rate());
    on_time.values.push_back(f.on_time_rate());
    mu::data row;
    row.set("month", month_code(f.month));
    mu::list cells;
    auto cell = [&](const std::string& field, const std::string& text, const std::string& raw) {
      mu::data c;
      c.set("field", field);
      c.set("text", text);
      c.set("raw", raw);
      cells.push_back(c);
    };
    cell("reported", count_text(f.reported), std::to_string(f.reported));
    cell("problems", count_text(f.problems), std::to_string(f.problems));
    cell("resolution_rate", percent(f.resolution_rate()),
         f.resolution_rate() ? fmt::format("{}", *f.resolution_rate()) : "");
    cell("on_time_rate", percent(f.on_time_rate()),
         f.on_time_rate() ? fmt::format("{}", *f.on_time_rate()) : "");
    row.set("cells", cells);
    rows.push_back(row);
  }
  mu::list charts;
  charts.push_back(
      line_chart("reported", field_label("reported", lang), months, {reported}, false, lang));
  charts.push_back(
      line_chart("problems", field_label("problems", lang), months, {problems}, false, lang));
  charts.push_back(line_chart("rates", w("结案率与按期结案率", "Resolution and on-time rates"),
                              months, {resolution, on_time}, true, lang));
  page.set("trend_charts", charts);
  page.set("trend_rows", rows);
  mu::list columns;
  for (const char* f : {"reported", "problems", "resolution_rate", "on_time_rate"})
    columns.push_back(mu::data(field_label(f, lang)));
  page.set("trend_columns", columns);
}

const std::vector<std::string> k_unit_fields = {"reported",
                                                "problems",
                                                "closed",
                                                "resolution_rate",
                                                "on_time_rate",
                                                "overdue_open",
                                                "supervision_overdue",
                                                "quota_rate"};

void units(const ReportData& d, Lang lang, mu::data& page) {
  const bool ranked = d.county_wide && !d.ranking.empty();
  std::map<std::string, const AssessmentRow*, std::less<>> assessed;
  for (const auto& a : d.ranking) assessed[a.group] = &a;
  std::vector<std::size_t> order(d.units.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (ranked) {
    auto rank = [&](std::size_t i) {
      auto it = assessed.find(d.units[i].group);
      return it == assessed.end() || !it->second->rank ? 1 << 30 : *it->second->rank;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
  }
  std::vector<StatsRow> rows = d.units;
  rows.push_back(d.current);
  const StatsCells cells(rows);
  auto cells_of = [&](std::size_t i) {
    mu::list out;
    for (const auto& f : k_unit_fields) {
      const Shown s = cells.at(i, f);
      mu::data c;
      c.set("field", f);
      c.set("text", s.text);
      c.set("raw", s.raw);
      out.push_back(c);
    }
    return out;
  };
  mu::list out;
  for (std::size_t i : order) {
    mu::data row;
    row.set("group", d.units[i].group);
    row.set("name", d.units[i].name);
    row.set("cells", cells_of(i));
    if (auto it = assessed.find(d.units[i].group); ranked && it != assessed.end()) {
      const AssessmentRow& a = *it->second;
      row.set("rank", a.rank ? std::to_string(*a.rank) : std::string("—"));
      row.set("score", a.score ? fmt::format("{:.2f}", round_to_cents(*a.score)) : "—");
      row.set("score_raw", a.score ? fmt::format("{:.2f}", round_to_cents(*a.score)) : "");
    } else {
      row.set("rank", "—");
      row.set("score", "—");
      row.set("score_raw", "");
    }
    out.push_back(row);
  }
  page.set("unit_rows", out);
  mu::data total;
  total.set("group", d.current.group);
  total.set("name", d.current.name);
  total.set("cells", cells_of(rows.size() - 1));
  page.set("unit_total", total);
  page.set("has_rank", ranked);
  mu::list columns;
  for (const auto& f : k_unit_fields) columns.push_back(mu::data(field_label(f, lang)));
  page.set("unit_columns", columns);
}

/// A code word (a source) in the page's language: the glossary's Chinese through `localize`.
std::string code_word(const std::string& column, const std::string& code, Lang lang) {
  if (lang != Lang::zh) return code;
  Table t;
  t.columns.push_back(Column{column, "", ColumnType::text, Align::left});
  t.rows.push_back({Cell{code}});
  const Table zh = localize(t, nullptr);
  const auto* s = std::get_if<std::string>(&zh.rows[0][0]);
  return s ? *s : code;
}

mu::data breakdown(const std::string& id, const std::string& caption,
                   const std::vector<StatsRow>& rows, bool source_words, Lang lang) {
  // Each bar against its column's largest (problems are a small share of what is reported).
  long long most = 1;
  long long most_problems = 1;
  for (const auto& r : rows) {
    most = std::max(most, r.reported);
    most_problems = std::max(most_problems, r.problems);
  }
  const StatsCells cells(rows);
  mu::list out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const StatsRow& r = rows[i];
    mu::data row;
    row.set("group", r.group);
    row.set("name", source_words ? code_word("source", r.group, lang) : r.name);
    const Shown rep = cells.at(i, "reported");
    const Shown prob = cells.at(i, "problems");
    const Shown res = cells.at(i, "resolution_rate");
    row.set("reported", rep.text);
    row.set("reported_raw", rep.raw);
    row.set("problems", prob.text);
    row.set("problems_raw", prob.raw);
    row.set("resolution", res.text);
    row.set("resolution_raw", res.raw);
    row.set("bar_reported",
            svg(140.0 * static_cast<double>(r.reported) / static_cast<double>(most)));
    row.set("bar_problems",
            svg(140.0 * static_cast<double>(r.problems) / static_cast<double>(most_problems)));
    out.push_back(row);
  }
  mu::data b;
  b.set("id", id);
  b.set("caption", caption);
  b.set("rows", out);
  return b;
}

void supervision(const ReportData& d, Lang lang, mu::data& page) {
  const PageWords w{lang};
  const ViewContext view{d.utc_offset, d.supervision_at};
  Table t = select_columns(supervise_table(d.supervision, view, CaseColumns::brief),
                           {"id", "title", "grid", "unit", "level", "status", "due", "overdue",
                            "order_by", "order_overdue"});
  if (lang == Lang::zh) t = localize(t, &d.names);
  mu::list columns;
  for (const auto& c : t.columns) {
    mu::data col;
    col.set("header", lang == Lang::zh ? c.shown() : c.name);
    col.set("num", c.name == "id");
    col.set("wrap", c.name == "title" || c.name == "grid" || c.name == "unit");
    columns.push_back(col);
  }
  mu::list rows;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    mu::data row;
    row.set("id", std::to_string(d.supervision[r].id));
    mu::list cells;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const Column& c = t.columns[i];
      const Cell& cell = t.rows[r][i];
      mu::data x;
      // Flags read as a mark: an overdue case stands out, the others stay blank.
      const bool flag = c.type == ColumnType::flag;
      const bool set = flag && std::holds_alternative<bool>(cell) && std::get<bool>(cell);
      const bool zh_yes =
          flag && std::holds_alternative<std::string>(cell) && std::get<std::string>(cell) == "是";
      std::string text = flag ? (set || zh_yes ? w("是", "yes") : std::string())
                              : short_time(cell_text(cell, c, Format::md));
      // Units by name: the grid, and the unit holding the case.
      if (c.name == "grid" || c.name == "unit")
        if (auto it = d.unit_names.find(text); it != d.unit_names.end()) text = it->second;
      x.set("text", text);
      x.set("num", c.name == "id");
      x.set("flag", set || zh_yes);
      x.set("wrap", c.name == "title" || c.name == "grid" || c.name == "unit");
      cells.push_back(x);
    }
    row.set("cells", cells);
    rows.push_back(row);
  }
  page.set("supervision_columns", columns);
  page.set("supervision_rows", rows);
  page.set("has_supervision", d.supervision_total > 0);
  page.set("supervision_total", std::to_string(d.supervision_total));
  const std::string at = short_time(format_time(d.supervision_at, d.utc_offset));
  page.set("n_supervision",
           lang == Lang::zh
               ? fmt::format("截至 {} 的督查清单（超期未结，或限期督办尚未办结，规则 15），共 {} "
                             "件；按超期先后列出。",
                             at, d.supervision_total)
               : fmt::format("The supervision list as of {} (overdue, or under a supervision "
                             "order and not yet settled, rule 15): {} cases, longest overdue "
                             "first.",
                             at, d.supervision_total));
  if (d.supervision_total > d.supervision.size())
    page.set("supervision_more",
             lang == Lang::zh
                 ? fmt::format("另有 {} 件未列出（gridctl supervise 列出全部）。",
                               d.supervision_total - d.supervision.size())
                 : fmt::format("{} more not listed (gridctl supervise lists them all).",
                               d.supervision_total - d.supervision.size()));
}

/// The heat map: a row per grid, a column per day, each cell coloured by the day's valid reports
/// against the quota; days not yet come are grey. Cells of a class are one path, runs of a class
/// along a row one rectangle, so a county's 949 grids stay a small drawing.
void heat_map(const ReportData& d, Lang lang, mu::data& page) {
  const PageWords w{lang};
  const std::size_t n = d.quota.size();
  const std::size_t days = d.quota.empty() ? 0 : d.quota.front().reports.size();
  // Rows of a tenth of a pixel exactly, and each row's bottom written as the next row's top, so
  // that crisp edges leave no seam between rows.
  const double row_h =
      std::round(std::clamp(900.0 / static_cast<double>(std::max<std::size_t>(n, 1)), 1.5, 14.0) *
                 10.0) /
      10.0;
  const bool row_labels = row_h >= 11;
  const double cell_w = 20;
  const double left = 150;
  const double top = 22;
  const double width = left + cell_w * static_cast<double>(days) + 8;
  const double height = top + row_h * static_cast<double>(n) + 6;
  const long long q = std::max(d.daily_reports_per_grid, 1);
  const chart::ColourRamp ramp = chart::ramp_more_is_better();
  const std::string colours[] = {ramp(0.0).hex(), ramp(0.5).hex(), ramp(1.0).hex(), "#e4e7eb"};
  const std::string labels[] = {w("无有效上报", "no valid report"),
                                q > 2 ? fmt::format("{}–{} {}", 1, q - 1, w("条", "reports"))
                                      : fmt::format("1 {}", w("条", "report")),
                                fmt::format("≥{} {}", q, w("条（达标）", "reports (met)")),
                                w("未到", "not yet")};
  // The days from the report's making on have not happened (or not ended) yet.
  const auto first_day = std::chrono::floor<std::chrono::days>(std::chrono::sys_days(d.month / 1));
  const auto today =
      std::chrono::floor<std::chrono::days>(d.generated_at + d.utc_offset).time_since_epoch();
  std::string paths[4];
  auto klass = [&](std::size_t day, long long reports) -> int {
    if ((first_day + std::chrono::days(day)).time_since_epoch() >= today) return 3;
    return reports == 0 ? 0 : reports < q ? 1 : 2;
  };
  mu::list bands;
  mu::list row_list;
  std::size_t band_start = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const GridDays& g = d.quota[r];
    const double y = top + row_h * static_cast<double>(r);
    std::size_t run = 0;
    for (std::size_t day = 1; days > 0 && day <= days; ++day) {
      if (day < days && klass(day, g.reports[day]) == klass(run, g.reports[run])) continue;
      std::string& p = paths[klass(run, g.reports[run])];
      p += 'M' + svg(left + cell_w * static_cast<double>(run)) + ',' + svg(y) + 'h' +
           svg(cell_w * static_cast<double>(day - run)) + 'V' +
           svg(top + row_h * static_cast<double>(r + 1)) + 'h' +
           svg(-cell_w * static_cast<double>(day - run)) + 'z';
      run = day;
    }
    if (row_labels) {
      mu::data l;
      l.set("grid", g.grid);
      l.set("label", g.name);
      l.set("tx", svg(left - 6));
      l.set("ty", svg(y + row_h / 2 + 4));
      row_list.push_back(l);
    }
    // A group's band (a town's grids, or a zone's) ends here: its name beside it, a rule under it.
    if (!row_labels && (r + 1 == n || d.quota[r + 1].group != g.group)) {
      const double y0 = top + row_h * static_cast<double>(band_start);
      const double y1 = top + row_h * static_cast<double>(r + 1);
      mu::data b;
      b.set("label", g.group_name);
      b.set("tx", svg(left - 6));
      b.set("ty", svg((y0 + y1) / 2 + 4));
      b.set("x0", svg(left - 4));
      b.set("x1", svg(width - 8));
      b.set("y", svg(y1));
      bands.push_back(b);
      band_start = r + 1;
    }
  }
  mu::data heat;
  heat.set("width", svg(width));
  heat.set("height", svg(height));
  heat.set("grids", std::to_string(n));
  heat.set("days", std::to_string(days));
  heat.set("caption", w("巡查达标热力图", "Patrol quota heat map"));
  mu::list classes;
  mu::list legend;
  for (int k = 0; k < 4; ++k) {
    if (k == 1 && q == 1) continue;  // with a quota of one, a day is met or not
    mu::data c;
    c.set("index", std::to_string(k));
    c.set("colour", colours[k]);
    c.set("label", labels[k]);
    c.set("d", paths[k]);
    if (paths[k].empty()) {
      if (k == 3) continue;  // every day has come: no "not yet" in the legend
    } else {
      classes.push_back(c);
    }
    legend.push_back(c);
  }
  heat.set("classes", classes);
  heat.set("legend", legend);
  mu::list ticks;
  for (std::size_t day = 0; day < days; ++day) {
    mu::data t;
    t.set("x", svg(left + cell_w * (static_cast<double>(day) + 0.5)));
    t.set("y", svg(top - 8));
    t.set("label", std::to_string(day + 1));
    ticks.push_back(t);
  }
  heat.set("day_ticks", ticks);
  heat.set("bands", bands);
  heat.set("rows", row_list);
  page.set("heat", heat);
  page.set(
      "n_quota",
      lang == Lang::zh
          ? fmt::format("每格为一个网格一天的有效巡查上报（规则 12：网格员在巡查中上报、未作废、"
                        "非补录），每日达标线 {} 条。共 {} 个网格、{} 天。",
                        q, n, days)
          : fmt::format("Each cell is one grid's valid patrol reports on one day (rule 12: "
                        "made on patrol by the grid's worker, not void, not a late record); "
                        "the daily quota is {}. {} grids, {} days.",
                        q, n, days));
}

std::string render_template(const char* text, const mu::data& data) {
  mu::mustache tmpl{std::string(text)};
  if (!tmpl.is_valid())
    throw Error(ErrorCode::internal, "the report's template is broken: " + tmpl.error_message());
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid())
    throw Error(ErrorCode::internal, "the report's template failed: " + tmpl.error_message());
  return out;
}

}  // namespace

std::string render_map(const std::vector<GridShape>& shapes, const std::vector<GridRate>& grids,
                       Lang lang) {
  if (shapes.empty()) return {};
  const PageWords w{lang};
  const ProblemRates rates = problem_rates(grids);
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < grids.size(); ++i) index[grids[i].grid] = i;
  double hi = 0;
  for (const auto& r : rates.rates)
    if (r) hi = std::max(hi, *r);
  const chart::Classes classes = chart::classes(0, hi, 5, chart::ramp_more_is_worse());

  const chart::Bounds b = chart::bounds_of(shapes);
  const double width = 720;
  const double wide = (b.max_lon - b.min_lon) *
                      std::cos((b.min_lat + b.max_lat) / 2.0 * 3.14159265358979323846 / 180.0);
  const double high = b.max_lat - b.min_lat;
  const double height = wide > 0 ? std::clamp(width * high / wide, 240.0, 900.0) : 480.0;
  const chart::Projection project = chart::fit_projection(b, width, height, 8);

  auto number = [&](double v) {
    return rates.per_household ? fmt::format("{:.2f}", v) : fmt::format("{:.0f}", v);
  };
  mu::list paths;
  for (const auto& shape : shapes) {
    mu::data p;
    p.set("grid", shape.grid);
    p.set("d", chart::shape_path(shape, project));
    auto it = index.find(shape.grid);
    const bool known = it != index.end() && rates.rates[it->second].has_value();
    const double rate = known ? rates.rates[it->second].value_or(0.0) : 0.0;
    p.set("colour", known ? classes.colours[classes.of(rate)].hex() : std::string("#d9dde3"));
    std::string title = it == index.end() ? shape.grid : grids[it->second].name + " " + shape.grid;
    if (known)
      title += rates.per_household
                   ? fmt::format(
                         fmt::runtime(w(" · 每百户问题 {}", " · {} problems per 100 households")),
                         number(rate))
                   : fmt::format(fmt::runtime(w(" · 问题 {}", " · {} problems")), number(rate));
    p.set("title", title);
    paths.push_back(p);
  }
  mu::list legend;
  for (std::size_t i = 0; i < classes.colours.size(); ++i) {
    mu::data l;
    l.set("colour", classes.colours[i].hex());
    l.set("label", number(classes.breaks[i]) + "–" + number(classes.breaks[i + 1]));
    legend.push_back(l);
  }
  mu::data m;
  m.set("width", svg(width));
  m.set("height", svg(height));
  m.set("grids", std::to_string(shapes.size()));
  m.set("caption", w("网格问题率地图", "Map of the grids by problem rate"));
  m.set("paths", paths);
  m.set("legend", legend);
  return render_template(k_map_template, m);
}

std::string render_report(const ReportData& d, Lang lang) {
  const PageWords w{lang};
  mu::data page;
  page.set("html_lang", lang == Lang::zh ? "zh-CN" : "en");
  page.set("version", k_version);
  const std::string month = month_text(d.month, lang);
  page.set("title", lang == Lang::zh
                        ? fmt::format("{}网格化服务管理月度报告", d.scope_name)
                        : fmt::format("{}: grid governance monthly report", d.scope_name));
  std::string subtitle = lang == Lang::zh
                             ? fmt::format("{} · 统计月份 {} · 生成于 {}", d.scope_name, month,
                                           short_time(format_time(d.generated_at, d.utc_offset)))
                             : fmt::format("{} · {} · made {}", d.scope_name, month,
                                           short_time(format_time(d.generated_at, d.utc_offset)));
  if (!d.county_wide) subtitle = d.county + " · " + subtitle;
  page.set("subtitle", subtitle);

  // 1. Headline.
  page.set("l_headline", w("一、主要指标", "1. Headline figures"));
  page.set(
      "n_headline",
      w("本月上报的事项按月末状态统计（口径同 gridctl stats monthly）；上月、去年同月同一口径。"
        "▲▼ 为本月较该月的升降，比率以百分点计。",
        "The cases reported in the month, as they stand at its end (as gridctl stats monthly "
        "counts them); last month and the same month a year before alike. ▲▼: this month "
        "against that one; rates in percentage points."));
  page.set("l_previous", w("上月", "Last month"));
  page.set("l_last_year", w("去年同月", "A year before"));
  page.set("headline", headline(d, lang));
  page.set("l_score", w("考核得分", "Score"));
  page.set("l_rank", w("名次", "Rank"));
  if (d.assessment) {
    mu::data s;
    s.set("group", d.assessment->group);
    const auto score = d.assessment->score;
    s.set("score", score ? fmt::format("{:.2f}", round_to_cents(*score)) : "—");
    s.set("score_raw", score ? fmt::format("{:.2f}", round_to_cents(*score)) : "");
    s.set("rank", d.assessment->rank ? std::to_string(*d.assessment->rank) : "—");
    s.set("of", std::to_string(d.assessed_groups));
    page.set("score", s);
  }

  // 2. Trend.
  page.set("l_trend", w("二、近 12 个月趋势", "2. The last 12 months"));
  page.set("n_trend", w("每月上报的事项，按该月月末状态统计。",
                        "Each month's cases, as they stood at that month's end."));
  page.set("l_month", w("月份", "Month"));
  trend(d, lang, page);

  // 3. Units.
  page.set("l_units", d.county_wide ? w("三、镇街考核排名", "3. Towns: figures and assessment")
                                    : w("三、下辖单位", "3. The units within"));
  page.set("l_unit", w("单位", "Unit"));
  page.set("n_units",
           d.county_wide
               ? (d.ranking.empty()
                      ? w("政策未设考核指标，只列各镇街数据。",
                          "The policy has no assessment indicators: the towns' figures only.")
                      : w("得分按政策的考核指标计算（同 gridctl assess --by town），按名次排列。",
                          "Scores from the policy's indicators (as gridctl assess --by town), "
                          "by rank."))
               : (lang == Lang::zh ? fmt::format("{}下辖各单位本月数据；末行为{}合计。",
                                                 d.scope_name, d.scope_name)
                                   : fmt::format("The month's figures of the units within {}; "
                                                 "the last row is its total.",
                                                 d.scope_name)));
  units(d, lang, page);

  // 4. Sources and categories.
  page.set("l_breakdown", w("四、来源与事项类别", "4. Sources and categories"));
  page.set("n_breakdown",
           w("本月上报的事项，按来源和事项类别统计（无事项的类别不列）；条形按各列最大值缩放。",
             "The month's cases by source and by category (categories without "
             "cases left out); each bar against its column's largest."));
  page.set("l_group", w("分组", "Group"));
  page.set("l_reported", field_label("reported", lang));
  page.set("l_problems", field_label("problems", lang));
  page.set("l_resolution", field_label("resolution_rate", lang));
  mu::list breakdowns;
  breakdowns.push_back(breakdown("source", w("按来源", "By source"), d.sources, true, lang));
  breakdowns.push_back(
      breakdown("category", w("按事项类别", "By category"), d.categories, false, lang));
  page.set("breakdowns", breakdowns);

  // 5. Supervision.
  page.set("l_supervision", w("五、重点督查清单", "5. The supervision list"));
  page.set("l_no_supervision", w("督查清单为空。", "The supervision list is empty."));
  supervision(d, lang, page);

  // 6. Quota.
  page.set("l_quota", w("六、网格巡查达标情况", "6. Patrol quota by grid and day"));
  heat_map(d, lang, page);

  // 7. Map.
  page.set("l_map", w("七、网格问题率地图", "7. Map of the grids"));
  page.set("l_no_map", w("未导入网格边界（gridctl import boundaries），不绘地图。",
                         "No grid boundaries are stored (gridctl import boundaries): no map."));
  const std::string map = render_map(d.shapes, d.grid_rates, lang);
  if (!map.empty()) {
    page.set("map_svg", map);
    const bool per_household = problem_rates(d.grid_rates).per_household;
    page.set("n_map",
             per_household
                 ? w("网格按本月问题率着色：每百户问题数（本月上报的问题数 ÷ 户数 × 100）。",
                     "Grids coloured by the month's problem rate: problems per 100 "
                     "households (problems reported in the month ÷ households × 100).")
                 : w("网格按本月上报的问题数着色（布局未给出全部网格的户数）。",
                     "Grids coloured by the problems reported in the month (the layout "
                     "does not give every grid's households)."));
  }
  page.set("footer",
           lang == Lang::zh
               ? fmt::format("gridctl {} · 政策版本 {} · 口径见 gridctl 文档（统计、督导考核）",
                             k_version, d.policy_version)
               : fmt::format("gridctl {} · policy version {} · definitions in the gridctl "
                             "documentation (statistics, supervision and assessment)",
                             k_version, d.policy_version));
  return render_template(k_page_template, page);
}

void save_report(const std::string& path, std::string_view text) {
  namespace fs = std::filesystem;
  if (path == "-") {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    std::cout.flush();
    if (!std::cout) throw Error(ErrorCode::internal, "cannot write standard output");
    return;
  }
  std::error_code ec;
  const fs::path target(path);
  if (fs::is_directory(target, ec))
    throw Error(ErrorCode::usage, "-o: " + path + " is a directory (give a file name)");
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    throw Error(ErrorCode::usage, "-o: no directory " + dir.string() + " for " + path);
  // A temporary file beside the target, renamed over it once whole.
  std::random_device random;
  const fs::path temp = dir / fmt::format(".{}.{:08x}.tmp", target.filename().string(), random());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw Error(ErrorCode::usage,
                  "-o: cannot write in " + dir.string() + ": " + std::strerror(errno));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      fs::remove(temp, ec);
      throw Error(ErrorCode::usage, "-o: cannot write " + path + ": " + std::strerror(errno));
    }
  }
  fs::rename(temp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw Error(ErrorCode::usage, "-o: cannot write " + path + ": " + ec.message());
  }
}

}  // namespace gridgov
