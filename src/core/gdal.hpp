#pragma once
// RAII for GDAL/OGR handles. Every GDALDatasetH and OGRFeatureH diming opens lives in one
// of these; nothing else calls GDALClose or OGR_F_Destroy.

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace diming::gdal {

// Registers GDAL's drivers once per process (thread-safe).
void ensure_registered();

struct DatasetCloser {
    void operator()(GDALDatasetH h) const noexcept { if (h) GDALClose(h); }
};
using Dataset = std::unique_ptr<std::remove_pointer_t<GDALDatasetH>, DatasetCloser>;

struct FeatureDestroyer {
    void operator()(OGRFeatureH h) const noexcept { if (h) OGR_F_Destroy(h); }
};
using Feature = std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDestroyer>;

struct GeometryDestroyer {
    void operator()(OGRGeometryH h) const noexcept { if (h) OGR_G_DestroyGeometry(h); }
};
using Geometry = std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, GeometryDestroyer>;

// Opens a vector dataset read-only; throws input_error naming the file and GDAL's reason.
Dataset open_vector(const std::filesystem::path& path, const std::vector<std::string>& open_options = {});

// Creates a dataset with the named driver ("GPKG", "CSV", ...); throws library_error.
Dataset create_vector(const std::string& driver, const std::filesystem::path& path,
                      const std::vector<std::string>& creation_options = {});

// GDAL's last error message, or "unknown GDAL error".
std::string last_error_message();

// Catches the errors GDAL reports on this thread while it lives (GDAL's handler stack is
// per thread), so that a read failure is not lost in a message on stderr: many drivers print
// an error and then end a layer early as if it were complete. Warnings still go to stderr.
class ErrorTrap {
public:
    ErrorTrap();
    ~ErrorTrap();
    ErrorTrap(const ErrorTrap&) = delete;
    ErrorTrap& operator=(const ErrorTrap&) = delete;
    // The first error caught since the last take(), and forgets it.
    std::optional<std::string> take();

private:
    static void CPL_STDCALL handle(CPLErr level, CPLErrorNum number, const char* message);
    std::optional<std::string> first_;
};

// A GDAL configuration option set on this thread while it lives, then put back as it was.
// Drivers may read an option late (the XLSX driver reads a sheet on first access), so keep it
// alive as long as the dataset is read.
class ConfigOption {
public:
    ConfigOption(const char* key, const char* value);
    ~ConfigOption();
    ConfigOption(const ConfigOption&) = delete;
    ConfigOption& operator=(const ConfigOption&) = delete;

private:
    const char* key_;
    std::optional<std::string> old_;
};

// A NULL-terminated char* array view of strings, for GDAL's papszOptions arguments.
class StringList {
public:
    explicit StringList(const std::vector<std::string>& items);
    char** get() noexcept { return ptrs_.data(); }
private:
    std::vector<std::string> items_;
    std::vector<char*> ptrs_;
};

} // namespace diming::gdal

namespace diming::gdal {

// A small table (a data file shipped in data/) read through GDAL's CSV driver, every field
// as a string. Throws input_error naming the file and the missing column.
struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;

    std::size_t column(const std::string& name) const; // throws when absent
};
Table read_csv_table(const std::filesystem::path& path, const std::vector<std::string>& required_columns);

} // namespace diming::gdal

namespace diming::gdal {

// A vector layer being written: one reusable feature, fields set by index in the order they
// were declared.
class LayerWriter {
public:
    LayerWriter(GDALDatasetH ds, const char* name, OGRwkbGeometryType type, OGRSpatialReferenceH srs,
                const std::vector<std::pair<const char*, OGRFieldType>>& fields);
    void set(int i, const std::string& v);
    void set(int i, std::int64_t v);
    void set(int i, double v);
    void clear(int i);
    void point(double x, double y);
    void line(const std::vector<std::pair<double, double>>& points);
    void wkt(const std::string& text);
    void write();

private:
    OGRLayerH layer_ = nullptr;
    Feature feature_;
};

// A new EPSG code SRS in x=longitude order (release with OSRRelease).
OGRSpatialReferenceH srs_from_epsg(int code);

} // namespace diming::gdal
