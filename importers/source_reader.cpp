#include "importers/source_reader.hpp"

#include "core/json_text.hpp"

#include "core/text.hpp"

#include <cpl_conv.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>

namespace diming::import {

namespace {

bool is_text_table(const std::filesystem::path& p) {
    auto ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".csv" || ext == ".txt" || ext == ".tsv";
}

int column_index(const std::vector<std::string>& columns, const std::string& name) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == name) return static_cast<int>(i);
    }
    return -1;
}

// Where a delimited text file has NUL bytes: record number (1-based after the header) ->
// column. Reads the file once with memchr; only a file that has a NUL is scanned for its
// records and columns, quote-aware, with the header's delimiter.
std::map<std::int64_t, int> nul_columns_of(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    std::string bytes;
    {
        std::vector<char> buf(1 << 20);
        bool any = false;
        while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
            if (std::memchr(buf.data(), '\0', static_cast<std::size_t>(in.gcount()))) {
                any = true;
                break;
            }
        }
        if (!any) return {};
        in.clear();
        in.seekg(0);
        bytes.assign(std::istreambuf_iterator<char>{in}, {});
    }
    const auto header_end = bytes.find('\n');
    const std::string header = bytes.substr(0, header_end);
    char delimiter = ',';
    for (char d : {',', ';', '\t', '|'}) {
        if (header.find(d) != std::string::npos) {
            delimiter = d;
            break;
        }
    }
    std::map<std::int64_t, int> out;
    std::int64_t record = 0; // the header is record 0
    int column = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '"') quoted = !quoted;
        else if (!quoted && c == delimiter) ++column;
        else if (!quoted && c == '\n') {
            ++record;
            column = 0;
        } else if (c == '\0' && record > 0 && !out.contains(record)) out[record] = column;
    }
    return out;
}

} // namespace

SourceDataset open_source(const ImportRequest& req) {
    const std::string file = req.dataset.string();
    const auto ext = req.dataset.extension().string();
    std::vector<std::string> open_options;
    const bool shapefile = ext == ".shp" || ext == ".dbf";
    const bool text_table = is_text_table(req.dataset);
    if (text_table) {
        open_options = {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO"}; // every field a string, as written
    } else if (shapefile) {
        // The Shapefile driver recodes to UTF-8 itself: from the .cpg, or from the profile.
        const auto cpg = std::filesystem::path{req.dataset}.replace_extension(".cpg");
        std::error_code ec;
        if (!std::filesystem::exists(cpg, ec) && req.profile.encoding != "UTF-8") open_options = {"ENCODING=" + req.profile.encoding};
    }
    // Spreadsheets: the first row names the columns and every cell is a string. GDAL 3.6 takes
    // these as configuration, read when the sheet is loaded (below, on this thread).
    struct SpreadsheetConfig {
        SpreadsheetConfig() {
            for (const char* k : {"OGR_XLSX_HEADERS", "OGR_ODS_HEADERS"}) CPLSetThreadLocalConfigOption(k, "FORCE");
            for (const char* k : {"OGR_XLSX_FIELD_TYPES", "OGR_ODS_FIELD_TYPES"}) CPLSetThreadLocalConfigOption(k, "STRING");
        }
        ~SpreadsheetConfig() {
            for (const char* k : {"OGR_XLSX_HEADERS", "OGR_ODS_HEADERS", "OGR_XLSX_FIELD_TYPES", "OGR_ODS_FIELD_TYPES"}) {
                CPLSetThreadLocalConfigOption(k, nullptr);
            }
        }
    } spreadsheet_config;
    SourceDataset src;
    src.dataset = gdal::open_vector(req.dataset, open_options);
    GDALDatasetH ds = src.dataset.get();
    if (req.profile.layers.size() > 1 && !req.layer.empty()) {
        throw import_error{"--layer applies to a one-layer profile; this profile names its layers"};
    }
    std::vector<std::string> available;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); ++i) available.emplace_back(OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    auto list = [&] {
        std::string s;
        for (const auto& a : available) s += (s.empty() ? "" : ", ") + a;
        return s;
    };
    const auto nul_columns = text_table ? nul_columns_of(req.dataset) : std::map<std::int64_t, int>{};
    for (const auto& m : req.profile.layers) {
        SourceLayer l;
        l.mapping = &m;
        const std::string wanted = !req.layer.empty() ? req.layer : m.layer;
        l.layer = wanted.empty() ? GDALDatasetGetLayer(ds, 0) : GDALDatasetGetLayerByName(ds, wanted.c_str());
        if (!l.layer) {
            if (available.empty()) throw import_error{file + ": holds no layer (no table GDAL can read)"};
            throw import_error{file + ": no layer '" + wanted + "' (it has: " + list() + ")"};
        }
        l.name = OGR_L_GetName(l.layer);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l.layer);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) l.columns.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
        // Strings: the Shapefile driver recodes to UTF-8 itself (.cpg or ENCODING); every other
        // driver hands over the file's bytes, in the profile's encoding.
        const bool utf8 = shapefile || req.profile.encoding == "UTF-8" || req.profile.encoding == "utf-8";
        if (!utf8) {
            l.charset.emplace(req.profile.encoding);
            for (auto& c : l.columns) {
                try {
                    c = l.charset->to_utf8(c);
                } catch (const input_error&) {
                }
            }
        }
        std::vector<std::string> missing;
        auto need = [&](const std::string& column, int& index) {
            if (column.empty()) return;
            index = column_index(l.columns, column);
            if (index < 0) missing.push_back(column);
        };
        need(m.id_column, l.id_col);
        need(m.address_column, l.address_col);
        need(m.x_column, l.x_col);
        need(m.y_column, l.y_col);
        for (const auto& [field, column] : m.fields) {
            int idx = -1;
            need(column, idx);
            l.field_col[field] = idx;
        }
        if (!missing.empty()) {
            std::string s;
            for (const auto& c : missing) s += (s.empty() ? "" : ", ") + c;
            const bool garbled = std::any_of(l.columns.begin(), l.columns.end(), [](const std::string& c) { return !text::is_valid_utf8(c); });
            throw import_error{file + ": layer " + l.name + " has no column(s) " + s + " that the profile maps" +
                               (garbled ? std::string{" (its column names are not valid UTF-8: is the file GBK? set the profile's encoding)"} : "")};
        }
        if (m.x_column.empty() && wkbFlatten(OGR_L_GetGeomType(l.layer)) == wkbNone && m.target != Target::place_names) {
            throw import_error{file + ": layer " + l.name + " has no geometry; give the profile's x and y columns"};
        }
        l.transform = std::make_unique<CoordinateTransform>(req.profile.crs, m.x_column.empty() ? OGR_L_GetSpatialRef(l.layer) : nullptr);
        if (req.progress && isatty(STDERR_FILENO)) { // a bar to draw (counting costs a read of the file)
            // Counting reads the whole layer; an error there is reported with its row by the
            // reading itself (FeatureReader), not as a bare GDAL message now.
            gdal::ErrorTrap quiet;
            l.features = OGR_L_GetFeatureCount(l.layer, TRUE);
        }
        l.nul_columns = nul_columns;
        src.layers.push_back(std::move(l));
    }
    return src;
}

void take_point(SourceRow& row) {
    OGRGeometryH g = OGR_F_GetGeometryRef(row.feature);
    if (!g || OGR_G_IsEmpty(g)) return;
    if (wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint) {
        row.shape = SourceRow::Shape::other;
        return;
    }
    row.shape = SourceRow::Shape::point;
    row.gx = OGR_G_GetX(g, 0);
    row.gy = OGR_G_GetY(g, 0);
}

std::optional<Reject> decode_row(const SourceLayer& l, SourceRow& row) {
    row.values.resize(l.columns.size());
    std::optional<Reject> problem;
    if (!l.nul_columns.empty()) {
        if (auto it = l.nul_columns.find(row.number); it != l.nul_columns.end()) {
            const std::string column = it->second < static_cast<int>(l.columns.size()) ? l.columns[static_cast<std::size_t>(it->second)]
                                                                                       : "column " + std::to_string(it->second + 1);
            problem = Reject{column, "nul-byte", "a NUL byte (\\0) inside the value: the text after it cannot be read"};
        }
    }
    for (int i = 0; i < static_cast<int>(l.columns.size()); ++i) {
        std::string v = OGR_F_IsFieldSetAndNotNull(row.feature, i) ? OGR_F_GetFieldAsString(row.feature, i) : "";
        if (l.charset) {
            try {
                v = l.charset->to_utf8(v);
            } catch (const input_error&) {
                if (!problem) problem = Reject{l.columns[i], "encoding", "not valid " + l.charset->name() + " text"};
                v = "(undecodable)";
            }
        } else if (auto bad = text::first_invalid_utf8(v)) {
            if (!problem) problem = Reject{l.columns[i], "encoding", "not valid UTF-8 (byte " + std::to_string(*bad) + "); is the file GBK? set the profile's encoding"};
            v = "(undecodable)";
        }
        row.values[static_cast<std::size_t>(i)] = std::move(v);
    }
    row.raw_json = raw_json(row.values);
    return problem;
}

std::string raw_json(const std::vector<std::string>& values) {
    // Written value by value, each escaped by nlohmann's serializer: no json value per row.
    std::string out = "[";
    auto& text = JsonText::local();
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        text.append_string(out, values[i]);
    }
    out += ']';
    return out;
}

std::string raw_object(const SourceLayer& l, const std::string& raw_array) {
    // Two columns of one name: the object keeps the last, as assignment does.
    const auto values = nlohmann::json::parse(raw_array, nullptr, false);
    if (!values.is_array()) return raw_array;
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < values.size() && i < l.columns.size(); ++i) out[l.columns[i]] = values[i];
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string columns_json(const SourceLayer& l) {
    return nlohmann::json(l.columns).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

FeatureReader::FeatureReader(const SourceLayer& layer, std::string file) : layer_{layer}, file_{std::move(file)} {
    OGR_L_ResetReading(layer_.layer);
    trap_.take(); // what reset reported is not a row's error
}

gdal::Feature FeatureReader::next() {
    gdal::Feature f{OGR_L_GetNextFeature(layer_.layer)};
    if (auto error = trap_.take()) {
        throw import_error{file_ + ": layer " + layer_.name + ", row " + std::to_string(rows_ + 1) +
                           ": GDAL could not read it, so the import stops and nothing is written: " + *error};
    }
    if (f) ++rows_;
    return f;
}

} // namespace diming::import
