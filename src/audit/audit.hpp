#pragma once
// Match-rate audits of a match run: the headline rates, the same rates by town, community
// and road, counts per level, conflicts, the trend across runs, and the reports GIS staff
// open (HTML), load in Excel (CSV), script against (JSON) or look at in QGIS (GeoPackage).
//
// Rates (every report states its denominator, threshold and counts):
//   textual match rate = police records linked at door-plate level or finer / police records
//   spatial match rate = linked records whose two points lie within the threshold / police records
//                        (the figure comparable to a bureau's reported spatial match rate)
//   coverage           = civil plates with at least one linked police record / civil plates

#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace diming::audit {

struct RateRow {
    std::string code;  // town or community code, or the road's key
    std::string name;
    std::int64_t police = 0, textual = 0, spatial = 0; // what the matcher found by itself
    // After governance (match/governance.hpp): hand links count, records decided to be no
    // address (unregistered, demolished, duplicate) leave the denominator.
    std::int64_t governed_police = 0, governed_textual = 0;
    double textual_rate() const { return police ? static_cast<double>(textual) / static_cast<double>(police) : 0; }
    double spatial_rate() const { return police ? static_cast<double>(spatial) / static_cast<double>(police) : 0; }
    double governed_rate() const { return governed_police ? static_cast<double>(governed_textual) / static_cast<double>(governed_police) : 0; }
};

struct TrendPoint {
    std::int64_t run_id = 0;
    std::string started_at;
    double textual_rate = 0, spatial_rate = 0, coverage = 0;
    double governed_rate = 0;                       // after the decisions (equal to textual_rate without any)
    std::map<std::string, std::pair<double, double>> by_town; // town code -> (automatic, governed) textual rate
};

struct Audit {
    std::int64_t run_id = 0, police_dataset = 0, civil_dataset = 0;
    double distance_m = 0;
    std::string started_at;
    nlohmann::json summary; // as stored with the run
    std::vector<RateRow> towns, communities, roads;
    std::vector<TrendPoint> trend;
};

// Reads a run's results; throws store::database_error / diming::input_error for an unknown run.
Audit compute_audit(const store::Database& db, std::int64_t run_id);

nlohmann::json to_json(const Audit& a);
void write_json(const Audit& a, const std::filesystem::path& out);
void write_csv(const Audit& a, const std::filesystem::path& out);
// One self-contained file: no scripts or styles from elsewhere.
void write_html(const store::Database& db, const Audit& a, const std::filesystem::path& out);
// Layers: results (police points with level, score, distance, reason) and links (lines from
// each police point to its civil plate).
void write_gpkg(const store::Database& db, const Audit& a, const std::filesystem::path& out);

} // namespace diming::audit
