#include "core/gdal.hpp"

#include "core/error.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <ogr_srs_api.h>

#include <algorithm>
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

ErrorTrap::ErrorTrap() { CPLPushErrorHandlerEx(&ErrorTrap::handle, this); }

ErrorTrap::~ErrorTrap() { CPLPopErrorHandler(); }

void CPL_STDCALL ErrorTrap::handle(CPLErr level, CPLErrorNum number, const char* message) {
    if (level == CE_Failure || level == CE_Fatal) {
        auto* self = static_cast<ErrorTrap*>(CPLGetErrorHandlerUserData());
        if (self && !self->first_) self->first_ = (message && *message) ? std::string{message} : std::string{"GDAL error " + std::to_string(number)};
        return;
    }
    if (level == CE_Warning) CPLDefaultErrorHandler(level, number, message);
}

std::optional<std::string> ErrorTrap::take() {
    auto out = std::move(first_);
    first_.reset();
    return out;
}

ConfigOption::ConfigOption(const char* key, const char* value) : key_{key} {
    if (const char* old = CPLGetThreadLocalConfigOption(key, nullptr)) old_ = old;
    CPLSetThreadLocalConfigOption(key, value);
}

ConfigOption::~ConfigOption() { CPLSetThreadLocalConfigOption(key_, old_ ? old_->c_str() : nullptr); }

Dataset open_vector(const std::filesystem::path& path, const std::vector<std::string>& open_options) {
    ensure_registered();
    // The error_code forms: a symlink loop or an unreadable folder is bad input, not a crash.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found) throw input_error{path.string() + ": no such file"};
    if (ec) throw input_error{path.string() + ": cannot be read: " + ec.message()};
    const bool folder = status.type() == std::filesystem::file_type::directory;
    if (!folder && status.type() != std::filesystem::file_type::regular) {
        throw input_error{path.string() + ": is not a regular file (a device, pipe or socket); name a dataset file"};
    }
    if (!folder && std::filesystem::file_size(path, ec) == 0 && !ec) throw input_error{path.string() + ": the file is empty (0 bytes)"};
    StringList opts{open_options};
    CPLErrorReset();
    Dataset ds{GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, opts.get(), nullptr)};
    if (!ds) {
        const char* msg = CPLGetLastErrorMsg();
        const std::string why = (msg && *msg) ? std::string{msg} : std::string{};
        if (folder) {
            throw input_error{path.string() + ": is a folder that GDAL does not read as a dataset (it reads a File Geodatabase "
                              "folder or a folder of Shapefiles); name the data file inside it" + (why.empty() ? "" : " (" + why + ")")};
        }
        throw input_error{path.string() + ": GDAL cannot open it as a vector dataset (" +
                          (why.empty() ? std::string{"no GDAL driver recognises its format; is it damaged, or not a data file?"} : why) + ")"};
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

namespace diming::gdal {

std::size_t Table::column(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == name) return i;
    }
    throw input_error{"no column '" + name + "'"};
}

Table read_csv_table(const std::filesystem::path& path, const std::vector<std::string>& required_columns) {
    auto ds = open_vector(path, {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO"});
    OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
    if (!layer) throw input_error{path.string() + ": holds no table"};
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    Table t;
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) t.columns.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    for (const auto& c : required_columns) {
        if (std::find(t.columns.begin(), t.columns.end(), c) == t.columns.end()) {
            throw input_error{path.string() + ": the header has no column '" + c + "'"};
        }
    }
    OGR_L_ResetReading(layer);
    for (Feature f{OGR_L_GetNextFeature(layer)}; f; f.reset(OGR_L_GetNextFeature(layer))) {
        std::vector<std::string> row;
        row.reserve(t.columns.size());
        for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) row.emplace_back(OGR_F_GetFieldAsString(f.get(), i));
        t.rows.push_back(std::move(row));
    }
    return t;
}

} // namespace diming::gdal

namespace diming::gdal {

LayerWriter::LayerWriter(GDALDatasetH ds, const char* name, OGRwkbGeometryType type, OGRSpatialReferenceH srs,
                         const std::vector<std::pair<const char*, OGRFieldType>>& fields) {
    StringList opts{{"FID=fid", "GEOMETRY_NAME=geom"}};
    layer_ = GDALDatasetCreateLayer(ds, name, srs, type, opts.get());
    if (!layer_) throw library_error{std::string{"cannot create layer "} + name + ": " + last_error_message()};
    for (const auto& [fname, ftype] : fields) {
        OGRFieldDefnH fd = OGR_Fld_Create(fname, ftype);
        OGR_L_CreateField(layer_, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    feature_.reset(OGR_F_Create(OGR_L_GetLayerDefn(layer_)));
}

void LayerWriter::set(int i, const std::string& v) { OGR_F_SetFieldString(feature_.get(), i, v.c_str()); }
void LayerWriter::set(int i, std::int64_t v) { OGR_F_SetFieldInteger64(feature_.get(), i, v); }
void LayerWriter::set(int i, double v) { OGR_F_SetFieldDouble(feature_.get(), i, v); }
void LayerWriter::clear(int i) { OGR_F_SetFieldNull(feature_.get(), i); }

void LayerWriter::point(double x, double y) {
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, y);
    OGR_F_SetGeometryDirectly(feature_.get(), g);
}

void LayerWriter::line(const std::vector<std::pair<double, double>>& points) {
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
    for (const auto& [x, y] : points) OGR_G_AddPoint_2D(g, x, y);
    OGR_F_SetGeometryDirectly(feature_.get(), g);
}

void LayerWriter::wkt(const std::string& text) {
    OGRGeometryH g = nullptr;
    char* cursor = const_cast<char*>(text.c_str());
    if (OGR_G_CreateFromWkt(&cursor, nullptr, &g) != OGRERR_NONE) throw library_error{"not a WKT geometry"};
    OGR_F_SetGeometryDirectly(feature_.get(), g);
}

void LayerWriter::write() {
    OGR_F_SetFID(feature_.get(), OGRNullFID);
    if (OGR_L_CreateFeature(layer_, feature_.get()) != OGRERR_NONE) throw library_error{"cannot write a feature: " + last_error_message()};
    for (int i = 0; i < OGR_F_GetFieldCount(feature_.get()); ++i) OGR_F_UnsetField(feature_.get(), i);
    OGR_F_SetGeometryDirectly(feature_.get(), nullptr);
}

OGRSpatialReferenceH srs_from_epsg(int code) {
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, code);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

} // namespace diming::gdal
