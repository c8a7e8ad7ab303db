#pragma once
// The reading stage of an import: the dataset opened read-only through GDAL, each layer the
// profile maps checked up front (columns, encoding, CRS), and its rows decoded one by one.
// A read error GDAL reports mid-file ends the import: a file read only in part is never
// taken for the whole file.

#include "core/encoding.hpp"
#include "core/gdal.hpp"
#include "core/progress.hpp"
#include "importers/coordinates.hpp"
#include "importers/import.hpp"
#include "importers/rejects.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace diming::import {

// One layer of the dataset opened under its mapping, with everything checked up front.
struct SourceLayer {
    const LayerMapping* mapping = nullptr;
    OGRLayerH layer = nullptr;
    std::string name;
    std::vector<std::string> columns;
    std::map<std::string, int> field_col; // diming field -> column index
    int id_col = -1, address_col = -1, x_col = -1, y_col = -1;
    std::unique_ptr<CoordinateTransform> transform;
    std::optional<text::Charset> charset; // when GDAL hands us bytes in another encoding
    std::int64_t features = 0; // counted only when progress is shown (counting reads the whole file)
    // Text files only: the column of the first NUL byte in a record (GDAL's strings end at a
    // NUL, so the rest of that value would vanish unseen), by 1-based record number.
    std::map<std::int64_t, int> nul_columns;
};

// The dataset, open read-only, and its mapped layers in the profile's order.
struct SourceDataset {
    gdal::Dataset dataset;
    std::vector<SourceLayer> layers;
};

// Opens the request's dataset and checks every mapped layer; throws import_error naming the
// file and what is wrong (no such file, an empty file, a folder GDAL does not read, a
// missing layer or column) before anything is written.
SourceDataset open_source(const ImportRequest& request);

// A row as read from its layer.
struct SourceRow {
    std::int64_t number = 0; // 1-based record in the layer (CSV: line number minus the header)
    std::vector<std::string> values;
    std::string raw_json;
    OGRFeatureH feature = nullptr; // valid only on the thread that read it
    // The feature's geometry, when it is a point (copied so that later stages need no feature).
    enum class Shape { none, point, other } shape = Shape::none;
    double gx = 0, gy = 0;
};

// Copies the feature's point (if it has one) into the row.
void take_point(SourceRow& row);

// Decodes every attribute of the row's feature into UTF-8; an undecodable value (or one cut
// by a NUL byte) rejects the row, naming its column.
std::optional<Reject> decode_row(const SourceLayer& layer, SourceRow& row);

// The row's values as a JSON array in the layer's column order (the `raw` a source address
// keeps; the column names are stored once, in source_layers).
std::string raw_json(const std::vector<std::string>& values);
// A raw array made an object of the layer's columns, for people reading it (a rejects file).
std::string raw_object(const SourceLayer& layer, const std::string& raw_array);
// The layer's column names as a JSON array (source_layers.columns).
std::string columns_json(const SourceLayer& layer);

// Reads a layer's features in order. GDAL's errors on this thread are caught while it lives:
// next() throws import_error naming the file, the row and GDAL's message when reading failed
// (a line over GDAL's length limit, a damaged file), instead of ending the layer early.
class FeatureReader {
public:
    FeatureReader(const SourceLayer& layer, std::string file);
    // The next feature, or null at the end of the layer.
    gdal::Feature next();
    std::int64_t rows_read() const { return rows_; }

private:
    const SourceLayer& layer_;
    std::string file_;
    gdal::ErrorTrap trap_;
    std::int64_t rows_ = 0;
};

// Calls per_row for every row of the layer, with a progress line.
template <class PerRow>
void for_each_row(const SourceLayer& layer, const std::string& file, const std::string& label, bool progress, PerRow per_row) {
    Progress shown{"import " + layer.name + (label.empty() ? std::string{} : " " + label), layer.features, progress};
    FeatureReader reader{layer, file};
    for (gdal::Feature f = reader.next(); f; f = reader.next()) {
        SourceRow row;
        row.number = reader.rows_read();
        row.feature = f.get();
        take_point(row);
        per_row(row);
        shown.advance();
    }
    shown.finish();
}

} // namespace diming::import
