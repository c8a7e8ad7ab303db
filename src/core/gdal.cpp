#include "core/gdal.hpp"

#include "core/error.hpp"

#include <cpl_error.h>

#include <mutex>

namespace diming::gdal {

void ensure_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

std::string last_error_message() {
    const char* msg = CPLGetLastErrorMsg();
    return (msg && *msg) ? std::string{msg} : std::string{"unknown GDAL error"};
}

StringList::StringList(const std::vector<std::string>& items) : items_(items) {
    ptrs_.reserve(items_.size() + 1);
    for (auto& s : items_) ptrs_.push_back(s.data());
    ptrs_.push_back(nullptr);
}

Dataset open_vector(const std::filesystem::path& path, const std::vector<std::string>& open_options) {
    ensure_registered();
    if (!std::filesystem::exists(path)) {
        throw input_error{path.string() + ": no such file"};
    }
    StringList opts{open_options};
    CPLErrorReset();
    Dataset ds{GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, opts.get(), nullptr)};
    if (!ds) {
        throw input_error{path.string() + ": GDAL cannot open it as a vector dataset (" + last_error_message() + ")"};
    }
    return ds;
}

Dataset create_vector(const std::string& driver_name, const std::filesystem::path& path,
                      const std::vector<std::string>& creation_options) {
    ensure_registered();
    GDALDriverH driver = GDALGetDriverByName(driver_name.c_str());
    if (!driver) {
        throw library_error{"GDAL driver " + driver_name + " is not available in this GDAL build"};
    }
    StringList opts{creation_options};
    CPLErrorReset();
    Dataset ds{GDALCreate(driver, path.c_str(), 0, 0, 0, GDT_Unknown, opts.get())};
    if (!ds) {
        throw library_error{path.string() + ": GDAL cannot create a " + driver_name + " dataset (" +
                            last_error_message() + ")"};
    }
    return ds;
}

} // namespace diming::gdal
