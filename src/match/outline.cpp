#include "match/outline.hpp"

#include "match/governance.hpp"
#include "match/match_run.hpp"

#include <limits>
#include <utility>

namespace diming::match::detail {

void read_outline(store::Database& db, std::int64_t dataset, bool police, const proj::Transformation& to_metres, double distance, Outline& o,
                  PlaceIndex* places, const std::unordered_set<std::string>& named_keys) {
    auto st = db.prepare("SELECT id, key_road, X(geom), Y(geom), door_plate_id, source_id, key_plate, key_building, key_room "
                         "FROM source_addresses WHERE dataset_id = ?1 ORDER BY id");
    st.bind(1, dataset);
    auto& out = police ? o.police : o.civil;
    // Reserved to the dataset's size (a hint: the vectors grow past it if need be), not
    // doubled into: at 10M records a doubling would hold ~400 MB it never uses.
    auto rows = db.prepare("SELECT rows_imported FROM datasets WHERE id = ?1");
    rows.bind(1, dataset);
    if (rows.step() && rows.column_int(0) > 0) {
        const auto n = static_cast<std::size_t>(rows.column_int(0));
        out.reserve(n);
        if (!police) o.civil_by_key.reserve(n);
    }
    while (st.step()) {
        Placed p{st.column_int(0), 0, false, 0};
        const std::string key_road = st.column_text(1);
        p.road = o.road(key_road);
        std::optional<std::pair<double, double>> at; // metres
        if (!st.is_null(2)) {
            try {
                const auto m = to_metres.forward({st.column_double(2), st.column_double(3)});
                p.cell = grid_cell(m.x, m.y, distance);
                p.has_cell = true;
                at.emplace(m.x, m.y);
            } catch (const diming::error&) {
            }
        }
        if (!police) {
            places->add(key_road, at);
            for (int k = 8; k >= 6; --k) { // room, building, plate: the finest it has
                if (const auto key = st.column_text(k); !key.empty()) {
                    o.civil_by_key.emplace_back(std::hash<std::string>{}(key), out.size());
                    break;
                }
            }
            if (!named_keys.empty()) {
                const std::optional<std::int64_t> plate = st.is_null(4) ? std::nullopt : std::optional<std::int64_t>{st.column_int(4)};
                if (auto k = civil_key(plate, st.column_text_opt(5), p.id); named_keys.contains(k)) o.named_civil.emplace(k, p.id);
            }
        }
        out.push_back(p);
    }
}

void index_civil(Outline& o) {
    if (o.civil.size() >= UINT32_MAX || o.police.size() >= UINT32_MAX) throw match_error{"a dataset of more than 4,294,967,294 records is more than one run can outline: match it county by county"};
    // Civil positions by road, counted first (one array, not a vector per road).
    o.road_start.assign(o.roads.size() + 1, 0);
    for (const auto& c : o.civil) ++o.road_start[c.road + 1];
    for (std::size_t r = 0; r < o.roads.size(); ++r) o.road_start[r + 1] += o.road_start[r];
    o.civil_by_road.resize(o.civil.size());
    {
        std::vector<std::uint32_t> next(o.road_start.begin(), o.road_start.end() - 1);
        for (std::size_t i = 0; i < o.civil.size(); ++i) o.civil_by_road[next[o.civil[i].road]++] = static_cast<std::uint32_t>(i);
    }
    o.civil_by_cell.reserve(o.civil.size());
    for (std::size_t i = 0; i < o.civil.size(); ++i) {
        if (o.civil[i].has_cell) o.civil_by_cell.emplace_back(o.civil[i].cell, i);
    }
    std::sort(o.civil_by_cell.begin(), o.civil_by_cell.end());
    std::sort(o.civil_by_key.begin(), o.civil_by_key.end());
}

namespace {

// The distance along a Hilbert curve of cell (x, y) in a 2^order square: cells close on the
// curve are close on the ground, so a run of the curve is a compact area.
std::uint64_t hilbert_distance(std::uint64_t x, std::uint64_t y, int order) {
    std::uint64_t d = 0;
    for (std::uint64_t s = std::uint64_t{1} << (order - 1); s > 0; s /= 2) {
        const std::uint64_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
        d += s * s * ((3 * rx) ^ ry);
        if (ry == 0) { // rotate the quadrant so that the curve stays continuous
            if (rx == 1) {
                x = s - 1 - (x & (s - 1));
                y = s - 1 - (y & (s - 1));
            }
            std::swap(x, y);
        }
        x &= s - 1;
        y &= s - 1;
    }
    return d;
}

} // namespace

// The parts of a run, as positions in the outline's police records: compact areas — runs of a
// Hilbert curve over the records' grid cells — of part_records records each, then the records
// without a point, a road's together. A part's spatial reach is then its area and a thin ring
// of cells around it; cutting by road instead let a part's cells spread over its whole town
// wherever plates are dense (at 10M plates in one county, millions of civil records a part).
std::vector<std::vector<std::uint32_t>> cut_parts(const Outline& ol, std::size_t part_records) {
    std::int64_t min_x = std::numeric_limits<std::int64_t>::max(), min_y = min_x, max_x = std::numeric_limits<std::int64_t>::min(), max_y = max_x;
    const auto cell_xy = [](std::int64_t cell) { return std::pair<std::int64_t, std::int64_t>{cell >> 32, static_cast<std::int32_t>(cell & 0xffffffff)}; };
    for (const auto& p : ol.police) {
        if (!p.has_cell) continue;
        const auto [x, y] = cell_xy(p.cell);
        min_x = std::min(min_x, x), max_x = std::max(max_x, x), min_y = std::min(min_y, y), max_y = std::max(max_y, y);
    }
    int order = 1;
    while (order < 31 && ((std::int64_t{1} << order) <= max_x - min_x || (std::int64_t{1} << order) <= max_y - min_y)) ++order;
    // (without a point, position of its road in key order; curve distance) per record.
    std::vector<std::uint32_t> road_rank(ol.roads.size());
    {
        std::vector<std::uint32_t> by_key(ol.roads.size());
        for (std::uint32_t r = 0; r < by_key.size(); ++r) by_key[r] = r;
        std::sort(by_key.begin(), by_key.end(), [&](auto a, auto b) { return ol.roads[a] < ol.roads[b]; });
        for (std::uint32_t i = 0; i < by_key.size(); ++i) road_rank[by_key[i]] = i;
    }
    struct Ranked {
        std::uint64_t rank;
        std::uint32_t position;
    };
    std::vector<Ranked> ranked;
    ranked.reserve(ol.police.size());
    for (std::size_t i = 0; i < ol.police.size(); ++i) {
        const auto& p = ol.police[i];
        if (p.has_cell) {
            const auto [x, y] = cell_xy(p.cell);
            ranked.push_back({hilbert_distance(static_cast<std::uint64_t>(x - min_x), static_cast<std::uint64_t>(y - min_y), order), static_cast<std::uint32_t>(i)});
        } else {
            ranked.push_back({(std::uint64_t{1} << 63) | road_rank[p.road], static_cast<std::uint32_t>(i)}); // after every point (a curve of 2^31 cells a side at most ends below 2^62)
        }
    }
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.rank != b.rank ? a.rank < b.rank : a.position < b.position; });
    std::vector<std::vector<std::uint32_t>> parts;
    for (std::size_t i = 0; i < ranked.size(); i += part_records) {
        auto& part = parts.emplace_back();
        for (std::size_t j = i; j < std::min(ranked.size(), i + part_records); ++j) part.push_back(ranked[j].position);
    }
    return parts;
}

} // namespace diming::match::detail
