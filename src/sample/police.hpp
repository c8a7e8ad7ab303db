#pragma once
// A police 一标三实 record made from a civil door plate, with the variations real extracts
// carry. Each variation has a requested rate over the records it can apply to.

#include "core/proj.hpp"
#include "sample/layout.hpp"
#include "sample/names.hpp"
#include "sample/random.hpp"
#include "sample/sample.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace diming::sample {

// One addressable civil unit (a door, a building or a flat), or the unregistered door a
// police record describes.
struct CivilAddress {
    std::string plate_id;   // empty for an unregistered door
    std::string plate_type; // 门牌, 楼牌, 户室牌
    int town = 0;
    int community = 0;
    bool rural = false;        // 村 + 自然村/组 + 号
    std::string road;          // road name, or the village's short name when rural
    std::string road_id;
    std::string former_road;   // the road's former name, if it was renamed
    std::string hamlet;        // rural: 杨家浜 or 3组
    int number = 0;
    int suffix = 0;            // 附号: 12-1 -> 1
    std::string compound;
    int building = 0, unit = 0, floor = 0, room = 0; // room = floor * 100 + flat
    std::string building_plate_id; // for a flat: its building plate
    LonLat point;              // EPSG:4490
};

std::string number_text(const CivilAddress& a);          // 12号, 12-1号
std::string standard_address(const Layout& layout, const CivilAddress& a);

// The 15 columns of the police extract, in order.
extern const std::vector<std::string> police_columns;

struct PoliceRecord {
    std::vector<std::string> fields; // police_columns order
    std::string civil_plate_id;      // the truth ("" when unregistered)
    std::vector<std::string> variations;
};

class PoliceWriterModel {
public:
    PoliceWriterModel(const Layout& layout, const Names& names, const SampleOptions& options);

    // Builds the police record describing `a`, applying variations.
    PoliceRecord describe(const CivilAddress& a, const std::string& police_id, Random& rng);

    Rate& rate(const std::string& name) { return rates_.at(name); }
    const std::map<std::string, Rate>& rates() const noexcept { return rates_; }
    // How many of each sub-form (e.g. unit_words:栋) were written.
    const std::map<std::string, std::int64_t>& forms() const noexcept { return forms_; }

private:
    const Layout& layout_;
    const Names& names_;
    PoliceCrs crs_;
    std::map<std::string, Rate> rates_;
    std::map<std::string, std::int64_t> forms_;
    std::optional<proj::Transformation> to_gk_; // for --police-crs gk120
};

} // namespace diming::sample
