#pragma once
// A match run's outline of both datasets — each record's road key and grid cell, ~40 bytes a
// record — and the parts it is cut into: what lets a run hold one part's records at a time
// and still give every record the answer a run over the whole dataset would.

#include "core/proj.hpp"
#include "match/matcher.hpp"
#include "store/database.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace diming::match::detail {

// A record as a run's partitioning sees it: its road (or village) key and grid cell.
struct Placed {
    std::int64_t id;
    std::uint32_t road;
    bool has_cell;
    std::int64_t cell;
};

// Both datasets in outline, read once: enough to cut the run into parts and to know which
// civil records each part's police records may reach, without holding the records themselves.
struct Outline {
    std::vector<std::string> roads;                          // every road key of either side ("" too)
    std::unordered_map<std::string, std::uint32_t> road_index;
    std::vector<Placed> police, civil;                       // in id order
    // Positions in civil by road: those of road r are civil_by_road[road_start[r] .. road_start[r + 1]).
    std::vector<std::uint32_t> road_start, civil_by_road;
    std::vector<std::pair<std::int64_t, std::size_t>> civil_by_cell; // (cell, position), sorted
    // (hash of the key a civil record answers for — its finest of plate, building, room —,
    // position), sorted: where a misspelt road read as another place looks.
    std::vector<std::pair<std::uint64_t, std::size_t>> civil_by_key;
    std::unordered_map<std::string, std::int64_t> named_civil; // civil_key -> id, for the keys decisions name

    std::uint32_t road(const std::string& key) {
        auto [it, fresh] = road_index.emplace(key, static_cast<std::uint32_t>(roads.size()));
        if (fresh) roads.push_back(key);
        return it->second;
    }
    std::optional<std::size_t> civil_position(std::int64_t id) const { return position(civil, id); }
    std::optional<std::size_t> police_position(std::int64_t id) const { return position(police, id); }
    std::span<const std::uint32_t> civil_of_road(std::uint32_t r) const {
        return {civil_by_road.data() + road_start[r], civil_by_road.data() + road_start[r + 1]};
    }

    static std::optional<std::size_t> position(const std::vector<Placed>& records, std::int64_t id) {
        auto it = std::lower_bound(records.begin(), records.end(), id, [](const Placed& p, std::int64_t v) { return p.id < v; });
        if (it == records.end() || it->id != id) return std::nullopt;
        return static_cast<std::size_t>(it - records.begin());
    }
};

// Reads one dataset into the outline (civil: also its places into `places`, and the civil
// records decisions name by `named_keys`).
void read_outline(store::Database& db, std::int64_t dataset, bool police, const proj::Transformation& to_metres, double distance, Outline& o,
                  PlaceIndex* places, const std::unordered_set<std::string>& named_keys);

// After both datasets are read: the civil records by road, by cell and by key.
void index_civil(Outline& o);

// The parts of a run, as positions in the outline's police records (see outline.cpp).
std::vector<std::vector<std::uint32_t>> cut_parts(const Outline& ol, std::size_t part_records);

} // namespace diming::match::detail
