// Reads a layout file with libgridgov, imports it into an in-memory store, prints the tree's size,
// then logs a case, escalates it and prints it as JSON (the README's example):
// `consumer examples/layout.csv` → "莒南县: 14 towns, 111 zones, 702 villages, 949 grids" and the
// case, now at its village.

#include <gridgov/gridgov.hpp>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer LAYOUT.csv\n";
    return 2;
  }
  try {
    gridgov::Diagnostics diagnostics;
    gridgov::LayoutInput layout;
    gridgov::read_layout({argv[1]}, layout, diagnostics);
    diagnostics.throw_if_any();

    auto store = gridgov::open_store(":memory:", {.create = true});
    gridgov::init_county(*store, gridgov::Unit{"371327", "莒南县", gridgov::Level::county},
                         gridgov::now());
    gridgov::import_layout(*store, layout, {}, gridgov::now());

    const gridgov::Counts counts = store->counts();
    std::cout << store->county()->name << ":";
    for (auto level : {gridgov::Level::town, gridgov::Level::zone, gridgov::Level::village,
                       gridgov::Level::grid})
      std::cout << (level == gridgov::Level::town ? " " : ", ") << counts.units[index(level)] << " "
                << plural(level);
    std::cout << "\n";

    gridgov::Session session(std::move(store));
    gridgov::ReportRequest report;
    report.category = "dispute";
    report.title = "邻里纠纷";
    report.grid = session.store().units().back().unit.code;
    const gridgov::Case c = gridgov::log_case(session, report, "admin", session.now());
    gridgov::Move move;
    move.type = gridgov::EventType::escalate;
    move.note = "村居无执法权";
    const gridgov::Case up = gridgov::act(session, c.id, move, "admin", session.now());
    const gridgov::ViewContext view{session.utc_offset(), session.now()};
    gridgov::render(std::cout, gridgov::case_record(up, view), {.format = gridgov::Format::ndjson});
  } catch (const gridgov::Error& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return e.exit_code();
  }
}
