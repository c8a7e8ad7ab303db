#pragma once
// A folder of one request's own under /tmp, for the files GDAL reads and writes (sheets,
// uploads), removed with everything in it when the request is done. Internal to src/server.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace diming::server {

class ScratchFolder {
public:
    ScratchFolder() {
        char name[] = "/tmp/diming-request-XXXXXX";
        if (!mkdtemp(name)) throw std::runtime_error{"cannot make a temporary folder"};
        path_ = name;
    }
    ~ScratchFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

inline std::string read_whole(const std::filesystem::path& file) {
    std::ifstream in{file, std::ios::binary};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A request's upload into a file (GDAL reads files).
inline void write_whole(const std::filesystem::path& file, const std::string& content) {
    std::ofstream out{file, std::ios::binary};
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out.flush()) throw std::runtime_error{"cannot write " + file.string()};
}

} // namespace diming::server
