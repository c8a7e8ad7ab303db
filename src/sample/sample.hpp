#pragma once
// `diming sample`: a synthetic but realistic civil-affairs registry of Pinghu (or of several
// counties of its city) (civil.gpkg), a police 一标三实 extract describing the same doors in
// the ways real extracts do (police.csv), the divisions they lie in (divisions.csv) and the
// ground truth linking them (truth.csv, summary.json).

#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace diming::sample {

enum class PoliceCrs { gcj02, cgcs2000, gk120 };
enum class PoliceEncoding { utf8, gbk };

// The variations a police record can carry; each has a requested rate over the records it
// can apply to (see variation_catalogue() for names, eligibility and defaults).
struct SampleOptions {
    std::uint64_t seed = 1;
    std::int64_t plates = 30000; // rows of civil.gpkg's door_plates layer
    // Counties laid out (data/sample/counties.csv; a city's code stands for all its counties).
    std::vector<std::string> counties{"330482"};
    PoliceCrs police_crs = PoliceCrs::gcj02;
    PoliceEncoding police_encoding = PoliceEncoding::utf8;
    std::map<std::string, double> rates; // overrides of the default rates, by variation name
    bool progress = false;               // print progress lines to stderr
};

struct Variation {
    const char* name;
    double default_rate;
    const char* applies_to;
    const char* what;
};

// Every variation, in the order they are applied.
const std::map<std::string, Variation>& variation_catalogue();

struct SampleSummary {
    std::int64_t civil_plates = 0;   // rows in door_plates
    std::int64_t roads = 0;
    std::int64_t police_records = 0; // rows in police.csv
    double seconds = 0;
};

// Writes civil.gpkg, police.csv, truth.csv, divisions.csv and summary.json into out_dir (created if
// needed; existing files of those names are replaced). Deterministic for a given seed.
SampleSummary write_sample(const SampleOptions& options, const std::filesystem::path& out_dir);

PoliceCrs parse_police_crs(const std::string& s);
PoliceEncoding parse_police_encoding(const std::string& s);

} // namespace diming::sample
