#pragma once
// Where diming's shipped data (data/: divisions, dictionaries, sign tables) is found:
// $DIMING_DATA_DIR if set, else the data/ folder of the source tree the binary was built from.

#include <filesystem>

namespace diming {

std::filesystem::path data_dir();

// The web map's files (tiles/web/): $DIMING_WEB_DIR if set, else the source tree's.
std::filesystem::path web_dir();

} // namespace diming
