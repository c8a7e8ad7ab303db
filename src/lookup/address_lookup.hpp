#pragma once
// Geocoding against the registry's own door plates: free text through the address parser
// to the standard address(es) it stands for, and a point back to the nearest plates and road.

#include "address/components.hpp"
#include "lookup/query.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}
namespace diming::address {
class Gazetteer;
}

namespace diming::lookup {

struct AddressHit {
    // How far down the address the registry confirms it: room, building, plate (the door
    // number), road (the road or village but not the number), place (a compound or village
    // known by name only).
    std::string level;
    double score = 0;                   // 1 for an exact plate; less for a guessed road or a missing level
    std::optional<std::int64_t> door_plate_id;
    std::string standard_address;
    std::optional<LonLat> point;
    std::int64_t place_name_id = 0;
    std::string place_name;
    std::optional<double> distance_m;   // reverse geocoding: from the given point (EPSG:4549)
    std::vector<std::string> notes;     // "road 胜利路 was read as 新华路 (same pinyin)", "no 12-1 on 人民路; nearest 11, 13"
};

struct GeocodeResult {
    address::AddressComponents parsed;
    std::vector<AddressHit> hits;       // best first
};

constexpr int max_geocode_limit = 20;

// Throws query_error for unusable text (empty, too long, invalid UTF-8).
GeocodeResult geocode(store::Database& db, const address::Gazetteer& gazetteer, const std::string& text, int limit = 5);

struct ReverseResult {
    std::vector<AddressHit> plates;     // door plates within the radius, nearest first
    std::optional<AddressHit> road;     // the nearest road or lane within the radius
};

constexpr double max_reverse_radius_m = 5'000;

ReverseResult reverse_geocode(store::Database& db, LonLat point, double radius_m = 100, int limit = 5);

nlohmann::json to_json(const AddressHit& hit);
nlohmann::json to_json(const GeocodeResult& result);
nlohmann::json to_json(const ReverseResult& result);

} // namespace diming::lookup
