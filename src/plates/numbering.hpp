#pragma once
// Which number a new door plate gets. Along a road, numbers run from the road's start, odd
// on the left and even on the right (左单右双), in the order of the plates' positions; a new
// plate takes a free number of its side between its neighbours, or a 附号 of the lower
// neighbour (12-1) when no whole number fits. In a village (no road line) numbers follow on
// within the village or natural village.

#include "lookup/query.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace diming::store {
class Database;
}

namespace diming::plates {

enum class Side { left, right, none };
const char* to_string(Side side) noexcept;

struct NumberProposal {
    int number = 0;
    std::string suffix;             // "" or the 附号
    Side side = Side::none;
    std::optional<double> along_m;  // distance from the road's start (EPSG:4549)
    std::optional<double> offset_m; // distance from the road line
    std::string before;             // the neighbour below on that side ("10"), if any
    std::string after;              // the neighbour above ("14"), if any
    std::string reason;             // how the number was chosen, for the clerk
};

// Throws refusal: unknown place, a point outside the place's reach, no number possible.
NumberProposal propose_number(store::Database& db, std::int64_t place_name_id, const std::string& hamlet, lookup::LonLat point);

// The side of the road a point is on and its distance along it, for checking a number a
// clerk chose. Side::none when the place has no line.
struct RoadPosition {
    Side side = Side::none;
    std::optional<double> along_m;
    std::optional<double> offset_m;
};
RoadPosition road_position(store::Database& db, std::int64_t place_name_id, lookup::LonLat point);

} // namespace diming::plates
