#include "core/data_dir.hpp"

#include "core/error.hpp"

#include <cstdlib>

namespace diming {

std::filesystem::path data_dir() {
    if (const char* env = std::getenv("DIMING_DATA_DIR"); env && *env) return env;
    std::filesystem::path built_with{DIMING_SOURCE_DATA_DIR};
    if (!std::filesystem::is_directory(built_with)) {
        throw error{"diming's data folder " + built_with.string() + " is missing: set DIMING_DATA_DIR to the data/ folder"};
    }
    return built_with;
}

std::filesystem::path web_dir() {
    if (const char* env = std::getenv("DIMING_WEB_DIR"); env && *env) return env;
    std::filesystem::path built_with{DIMING_SOURCE_WEB_DIR};
    if (!std::filesystem::is_directory(built_with)) {
        throw error{"diming's web map folder " + built_with.string() + " is missing: set DIMING_WEB_DIR to the tiles/web folder"};
    }
    return built_with;
}

} // namespace diming
