#include "match/matcher.hpp"

#include "address/normalize.hpp"
#include "address/parser.hpp"
#include "address/similarity.hpp"
#include "pinyin/romanizer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace diming::match::detail {

std::vector<std::string> split_key(const std::string& key) { return address::key_parts(key); }


namespace {

std::string finest_key(const Record& r) {
    for (int k = room; k >= road; --k) {
        if (!r.keys[static_cast<std::size_t>(k)].empty()) return r.keys[static_cast<std::size_t>(k)];
    }
    return {};
}

} // namespace

std::vector<Record> load_records(store::Database& db, const std::vector<std::int64_t>& ids, bool police, const proj::Transformation& to_metres) {
    std::vector<Record> out;
    out.reserve(ids.size());
    auto st = db.prepare("SELECT id, raw_address, key_road, key_plate, key_building, key_room, X(geom), Y(geom), components, source_id, door_plate_id, "
                         "coalesce(town_code, ''), coalesce(community_code, '') FROM source_addresses WHERE id = ?1");
    for (const auto id : ids) {
        st.bind(1, id);
        if (!st.step()) {
            st.reset();
            continue;
        }
        Record r;
        r.id = st.column_int(0);
        r.raw = st.column_text(1);
        r.source_id = st.column_text_opt(9);
        if (!st.is_null(10)) r.door_plate_id = st.column_int(10);
        r.town = st.column_text(11);
        r.community = st.column_text(12);
        for (int k = 0; k < 4; ++k) r.keys[static_cast<std::size_t>(k)] = st.column_text(2 + k);
        if (!st.is_null(6)) {
            try {
                const auto m = to_metres.forward({st.column_double(6), st.column_double(7)});
                r.x = m.x;
                r.y = m.y;
                r.has_point = true;
            } catch (const diming::error&) {
            }
        }
        if (police) {
            r.components = st.column_text(8);
            r.has_notes = r.components.find("\"notes\"") != std::string::npos;
        }
        st.reset();
        out.push_back(std::move(r));
    }
    return out;
}

namespace {

std::uint64_t mix(std::uint64_t h) { // splitmix64's finaliser
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

// A spelling (pinyin or deletion variant) near a cell, hashed; the two kinds hashed apart.
std::uint64_t near_hash(const std::string& pinyin, std::int64_t cell) { return mix(std::hash<std::string>{}(pinyin) ^ mix(static_cast<std::uint64_t>(cell))); }
std::uint64_t near_hash(const std::u32string& variant, std::int64_t cell) {
    return mix(std::hash<std::u32string>{}(variant) + 0x9e3779b97f4a7c15ULL) ^ mix(static_cast<std::uint64_t>(cell));
}

} // namespace

void PlaceIndex::add(const std::string& key_road, const std::optional<std::pair<double, double>>& at) {
    if (key_road.empty()) return;
    if (sealed_) throw std::logic_error{"PlaceIndex::add after seal"};
    const auto [it, fresh] = index_.emplace(key_road, static_cast<std::uint32_t>(places_.size()));
    const std::uint32_t id = it->second;
    if (fresh) {
        const auto& romanizer = pinyin::Romanizer::shared();
        const std::string place = key_place(key_road);
        std::vector<std::string> names{place};
        // A typo in a former name is still a typo of that road's name.
        if (auto f = formers_.find(place); f != formers_.end()) names.insert(names.end(), f->second.begin(), f->second.end());
        // A natural village (村/浜) also by its own name: written without its village,
        // with a typo, it is still found in its town.
        if (const auto slash = place.find('/'); slash != std::string::npos) names.push_back(place.substr(slash + 1));
        Place& p = places_.emplace_back();
        p.key_road = key_road;
        p.town = split_key(key_road).front();
        for (const auto& name : names) {
            p.pinyin.push_back(romanizer.key(name));
            p.names.push_back(address::to_u32(name));
            by_pinyin_[p.pinyin.back()].push_back(id);
            for (auto& variant : address::deletion_variants(p.names.back())) by_deletion_[variant].push_back(id);
        }
    }
    if (!at) return;
    Place& p = places_[id];
    const std::int64_t cell = grid_cell(at->first, at->second, fuzzy_reach_m);
    if (std::find(p.cells.begin(), p.cells.end(), cell) != p.cells.end()) return;
    p.cells.push_back(cell);
    for (std::size_t i = 0; i < p.names.size(); ++i) {
        near_.emplace_back(near_hash(p.pinyin[i], cell), id);
        for (auto& variant : address::deletion_variants(p.names[i])) near_.emplace_back(near_hash(variant, cell), id);
    }
}

void PlaceIndex::seal() {
    std::sort(near_.begin(), near_.end());
    near_.erase(std::unique(near_.begin(), near_.end()), near_.end());
    near_.shrink_to_fit();
    sealed_ = true;
}

std::vector<FuzzyPlace> PlaceIndex::fuzzy_places(const std::string& key_road, const std::string& place,
                                                 const std::optional<std::pair<double, double>>& near) const {
    if (!sealed_) throw std::logic_error{"PlaceIndex::fuzzy_places before seal"};
    std::vector<FuzzyPlace> out;
    std::unordered_set<std::uint32_t> seen;
    if (const auto self = index_.find(key_road); self != index_.end()) seen.insert(self->second);
    const std::string py = pinyin::Romanizer::shared().key(place);
    const auto u = address::to_u32(place);
    // The generic (路, 街, 弄, 浜…) must agree: some name of the place ends as `place` does.
    auto same_generic = [&](const Place& p, auto&& accept) {
        for (std::size_t i = 0; i < p.names.size(); ++i) {
            if (!p.names[i].empty() && !u.empty() && p.names[i].back() == u.back() && accept(i)) return true;
        }
        return false;
    };
    std::array<std::int64_t, 9> cells{};
    if (near) cells = grid_neighbourhood(near->first, near->second, fuzzy_reach_m);
    // The places spelled so: all of them, or those with a plate in the cells around `near`
    // (in the order they were added, as without a point).
    std::vector<std::uint32_t> found;
    auto spelled = [&](const auto& spelling, const auto& everywhere) -> const std::vector<std::uint32_t>& {
        found.clear();
        if (!near) {
            if (auto it = everywhere.find(spelling); it != everywhere.end()) return it->second;
            return found;
        }
        for (const auto cell : cells) {
            const auto h = near_hash(spelling, cell);
            for (auto it = std::lower_bound(near_.begin(), near_.end(), std::pair<std::uint64_t, std::uint32_t>{h, 0}); it != near_.end() && it->first == h; ++it) {
                const auto& pc = places_[it->second].cells;
                if (std::find(pc.begin(), pc.end(), cell) != pc.end()) found.push_back(it->second);
            }
        }
        std::sort(found.begin(), found.end());
        found.erase(std::unique(found.begin(), found.end()), found.end());
        return found;
    };
    if (!py.empty()) {
        for (const auto k : spelled(py, by_pinyin_)) {
            const Place& p = places_[k];
            if (!same_generic(p, [&](std::size_t i) { return p.pinyin[i] == py; })) continue;
            if (seen.insert(k).second) out.push_back({p.key_road, 0.9, "same pinyin " + py});
        }
    }
    for (const auto& variant : address::deletion_variants(u)) {
        for (const auto k : spelled(variant, by_deletion_)) {
            const Place& p = places_[k];
            // One edit in the proper part.
            if (!same_generic(p, [&](std::size_t i) { return address::edit_distance(u, p.names[i], 1) == 1; })) continue;
            if (seen.insert(k).second) out.push_back({p.key_road, 0.8, "one character differs"});
        }
    }
    // Prefer a candidate in the record's own town.
    const auto town = split_key(key_road).front();
    std::stable_sort(out.begin(), out.end(), [&](const FuzzyPlace& a, const FuzzyPlace& b) {
        const bool at = places_[index_.at(a.key_road)].town == town, bt = places_[index_.at(b.key_road)].town == town;
        return at != bt ? at : a.score > b.score;
    });
    return out;
}

std::optional<std::pair<double, double>> near(const Record& r) {
    if (!r.has_point) return std::nullopt;
    return std::pair{r.x, r.y};
}

std::string fuzzy_cache_key(const std::string& key_road, const Record& at) {
    if (!at.has_point) return key_road;
    return key_road + '\x1f' + std::to_string(grid_cell(at.x, at.y, fuzzy_reach_m));
}


Matcher::Matcher(const std::vector<Record>& civil, double distance, const PlaceIndex& places, const FuzzyCache* fuzzy)
    : civil_{civil}, distance_{distance}, places_{places}, fuzzy_{fuzzy} {
    for (int i = 0; i < static_cast<int>(civil.size()); ++i) {
        const auto& c = civil[static_cast<std::size_t>(i)];
        // A plate answers for its own level only: a door plate for plate keys, a building plate
        // for building keys, a flat for room keys (every record also has the coarser keys).
        for (int k = room; k >= plate; --k) {
            if (!c.keys[static_cast<std::size_t>(k)].empty()) {
                by_key_[k][c.keys[static_cast<std::size_t>(k)]].push_back(i);
                break;
            }
        }
        if (!c.keys[road].empty()) by_key_[road][c.keys[road]].push_back(i);
        if (c.has_point) grid_[grid_cell(c.x, c.y, distance_)].push_back(i);
    }
}

namespace {

std::int64_t cell_key(std::int64_t cx, std::int64_t cy) { return (cx << 32) ^ (cy & 0xffffffff); }

std::pair<std::int64_t, std::int64_t> cell_indexes(double x, double y, double distance) {
    const double cell = std::max(distance, 1.0);
    return {static_cast<std::int64_t>(std::floor(x / cell)), static_cast<std::int64_t>(std::floor(y / cell))};
}

} // namespace

std::int64_t grid_cell(double x, double y, double distance) {
    const auto [cx, cy] = cell_indexes(x, y, distance);
    return cell_key(cx, cy);
}

std::array<std::int64_t, 9> grid_neighbourhood(double x, double y, double distance) {
    const auto [cx, cy] = cell_indexes(x, y, distance);
    std::array<std::int64_t, 9> out{};
    std::size_t i = 0;
    for (std::int64_t dx = -1; dx <= 1; ++dx) {
        for (std::int64_t dy = -1; dy <= 1; ++dy) out[i++] = cell_key(cx + dx, cy + dy);
    }
    return out;
}

std::string key_place(const std::string& key) {
    auto parts = split_key(key);
    return parts.size() > 1 ? std::move(parts[1]) : std::move(parts[0]);
}

std::string fuzzy_name(const std::string& key_road) {
    const std::string place = key_place(key_road);
    return place.starts_with("/") ? place.substr(1) : place;
}

double Matcher::dist(const Record& a, const Record& b) { return std::hypot(a.x - b.x, a.y - b.y); }

// The candidate nearest to p (ties: equal keys, reported), its distance; false when
// governance has rejected every candidate.
bool Matcher::choose(const Record& p, const std::vector<int>& candidates, Result& r, const std::unordered_set<int>* rejected) const {
    int best = -1;
    int allowed = 0;
    double best_d = std::numeric_limits<double>::max();
    for (int c : candidates) {
        if (rejected && rejected->contains(c)) continue;
        ++allowed;
        if (best < 0) best = c;
        const auto& rec = civil_[static_cast<std::size_t>(c)];
        const double d = p.has_point && rec.has_point ? dist(p, rec) : std::numeric_limits<double>::max() / 2;
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    if (best < 0) return false;
    r.civil_index = best;
    r.civil_id = civil_[static_cast<std::size_t>(best)].id;
    r.ties = allowed - 1;
    if (p.has_point && civil_[static_cast<std::size_t>(best)].has_point) r.distance = best_d;
    return true;
}

std::optional<std::pair<int, double>> Matcher::nearest_within(double x, double y, const std::unordered_set<int>* rejected) const {
    std::optional<std::pair<int, double>> best;
    for (const auto cell : grid_neighbourhood(x, y, distance_)) {
        auto it = grid_.find(cell);
        if (it == grid_.end()) continue;
        for (int c : it->second) {
            if (rejected && rejected->contains(c)) continue;
            const auto& rec = civil_[static_cast<std::size_t>(c)];
            const double d = std::hypot(rec.x - x, rec.y - y);
            if (d <= distance_ && (!best || d < best->second)) best = std::make_pair(c, d);
        }
    }
    return best;
}


std::string Matcher::agreement(const std::string& key, int level) {
    const auto parts = split_key(key);
    static constexpr const char* labels[] = {"", "", "number", "building", "unit", "room"};
    std::string s = (parts.size() > 1 && parts[1].find('/') != std::string::npos ? "village/hamlet " : "road ") + (parts.size() > 1 ? parts[1] : "");
    for (std::size_t i = 2; i < parts.size(); ++i) {
        if (!parts[i].empty()) s += ", " + std::string{labels[i]} + " " + parts[i];
    }
    static constexpr const char* level_names[] = {"road", "plate", "building", "room"};
    return s + " agree (" + level_names[level] + " key)";
}

void Matcher::finish_reason(const Record& p, Result& r) const {
    if (p.has_notes) {
        try {
            const auto j = nlohmann::json::parse(p.components);
            for (const auto& n : j.at("notes")) r.reason += "; " + n.get<std::string>();
        } catch (const std::exception&) {
        }
    }
    if (r.ties > 0) r.reason += "; " + std::to_string(r.ties + 1) + " civil records share the key, the nearest taken";
    if (r.distance) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "; %.0f m apart (%s %.0f m)", *r.distance, *r.distance <= distance_ ? "within" : "beyond", distance_);
        r.reason += buf;
    } else if (r.civil_id) {
        r.reason += "; no point to compare";
    }
}

Result Matcher::match(const Record& p, const std::unordered_set<int>* rejected) const {
    Result r;
    r.police_id = p.id;
    static constexpr const char* names[] = {"road", "plate", "building", "room"};
    // 1. The canonical keys, finest first.
    for (int k = room; k >= plate; --k) {
        const auto& key = p.keys[static_cast<std::size_t>(k)];
        if (key.empty()) continue;
        auto it = by_key_[k].find(key);
        if (it == by_key_[k].end()) continue;
        if (!choose(p, it->second, r, rejected)) continue;
        const auto& c = civil_[static_cast<std::size_t>(*r.civil_index)];
        r.level = c.raw == p.raw ? "exact" : names[k];
        r.score = r.level == "exact" ? 1.0 : k == room ? 0.98 : k == building ? 0.96 : 0.94;
        r.reason = agreement(p.keys[static_cast<std::size_t>(k)], k);
        finish_reason(p, r);
        return r;
    }
    // 2. Fuzzy: a road (or natural village) the civil side does not have, read as one that
    // sounds the same or is one edit away. A registered road is never read as another.
    if (!p.keys[road].empty() && !places_.contains(p.keys[road])) {
        // A natural village without its village (/孙嘉桥) is looked for by its own name; the
        // same name in several villages of the town is settled by distance: the nearest
        // plate with the number, within a village's reach.
        const bool villageless = key_place(p.keys[road]).starts_with("/");
        const std::string place = fuzzy_name(p.keys[road]);
        std::vector<FuzzyPlace> found;
        const FuzzyCache::const_iterator cached = fuzzy_ ? fuzzy_->find(fuzzy_cache_key(p.keys[road], p)) : FuzzyCache::const_iterator{};
        const auto& candidates = fuzzy_ && cached != fuzzy_->end() ? cached->second : (found = places_.fuzzy_places(p.keys[road], place, near(p)));
        if (villageless) {
            for (int k = room; k >= plate; --k) {
                const auto& key = p.keys[static_cast<std::size_t>(k)];
                if (key.empty()) continue;
                std::vector<int> plates;
                std::map<int, const FuzzyPlace*> from;
                for (const auto& c : candidates) {
                    if (auto it = by_key_[k].find(c.key_road + key.substr(p.keys[road].size())); it != by_key_[k].end()) {
                        for (int i : it->second) {
                            plates.push_back(i);
                            from.emplace(i, &c);
                        }
                    }
                }
                if (plates.empty() || !choose(p, plates, r, rejected)) continue;
                if (r.distance && *r.distance > village_reach_m) {
                    r = Result{};
                    r.police_id = p.id;
                    continue;
                }
                const FuzzyPlace& c = *from.at(*r.civil_index);
                r.ties = 0;
                r.level = "fuzzy";
                r.score = c.score;
                r.reason = place + " read as " + key_place(c.key_road) + " (" + c.why + "; written without its village, the nearest of " +
                           std::to_string(candidates.size()) + " of that name in reach); " + agreement(c.key_road + key.substr(p.keys[road].size()), k);
                finish_reason(p, r);
                return r;
            }
        }
        for (const auto& [candidate, score, why] : candidates) {
            if (villageless) break; // settled by distance above
            for (int k = room; k >= plate; --k) {
                const auto& key = p.keys[static_cast<std::size_t>(k)];
                if (key.empty()) continue;
                const std::string swapped = candidate + key.substr(p.keys[road].size());
                auto it = by_key_[k].find(swapped);
                if (it == by_key_[k].end()) continue;
                if (!choose(p, it->second, r, rejected)) continue;
                r.level = "fuzzy";
                r.score = score;
                r.reason = place + " read as " + key_place(candidate) + " (" + why + "); " +
                           agreement(swapped, k);
                finish_reason(p, r);
                return r;
            }
        }
    }
    // 3. The road is known but not this number: the nearest plate on it, not a match.
    if (auto it = by_key_[road].find(p.keys[road]); !p.keys[road].empty() && it != by_key_[road].end() && choose(p, it->second, r, rejected)) {
        r.level = "road";
        r.score = 0.5;
        const auto parts = split_key(finest_key(p));
        r.reason = "road " + (parts.size() > 1 ? parts[1] : std::string{}) + " is registered but not number " +
                   (parts.size() > 2 ? parts[2] : std::string{"(none)"});
        r.ties = 0;
        finish_reason(p, r);
        return r;
    }
    // 4. Nothing textual: the nearest civil plate within the distance.
    if (p.has_point) {
        if (auto nearest = nearest_within(p.x, p.y, rejected)) {
            r.civil_index = nearest->first;
            r.civil_id = civil_[static_cast<std::size_t>(nearest->first)].id;
            r.distance = nearest->second;
            r.level = "spatial";
            r.score = 0.3 * (1.0 - nearest->second / distance_);
            r.reason = "no text agrees; nearest civil plate " + civil_[static_cast<std::size_t>(nearest->first)].raw;
            finish_reason(p, r);
            return r;
        }
    }
    r.reason = p.keys[road].empty() ? "no road or village recognised in the address" : "road " + split_key(p.keys[road]).back() + " is not registered and no plate is near";
    return r;
}

Result Matcher::manual(const Record& p, int civil_index) const {
    Result r;
    r.police_id = p.id;
    r.civil_index = civil_index;
    const auto& c = civil_[static_cast<std::size_t>(civil_index)];
    r.civil_id = c.id;
    r.level = "manual";
    r.score = 1.0;
    if (p.has_point && c.has_point) r.distance = dist(p, c);
    r.reason = "linked by hand to " + c.raw;
    finish_reason(p, r);
    return r;
}

} // namespace diming::match::detail
