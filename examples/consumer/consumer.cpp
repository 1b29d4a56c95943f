// Reads a layout file with libgridgov, imports it into an in-memory store and prints the tree's
// size: `consumer examples/layout.csv` → "莒南县: 14 towns, 111 zones, 702 villages, 949 grids".

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
  } catch (const gridgov::Error& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return e.exit_code();
  }
}
