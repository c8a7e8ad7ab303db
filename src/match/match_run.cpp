#include "match/match_run.hpp"

#include "address/gazetteer.hpp"
#include "address/normalize.hpp"
#include "address/parser.hpp"
#include "address/similarity.hpp"
#include "core/proj.hpp"
#include "match/governance.hpp"
#include "pinyin/romanizer.hpp"
#include "store/audit_log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace diming::match {

bool is_textual(const std::string& level) {
    return level == "exact" || level == "room" || level == "building" || level == "plate" || level == "fuzzy";
}

bool is_linked(const std::string& level) { return is_textual(level) || level == "manual"; }

namespace {

enum KeyLevel { road = 0, plate = 1, building = 2, room = 3 };

struct Record {
    std::int64_t id = 0;
    std::optional<std::string> source_id;       // the source's own id (地址编码)
    std::optional<std::int64_t> door_plate_id;  // civil records that are registry plates
    std::string town, community;                // police records: for the rates by division
    std::string raw;                 // the address text as imported
    std::array<std::string, 4> keys; // road, plate, building, room
    bool has_point = false;
    double x = 0, y = 0;             // metres, EPSG:4549
    bool has_notes = false;
    std::string components;          // JSON (police only, read for notes)
};

// "town|place|number|building|unit|room" -> its parts.
std::vector<std::string> split_key(const std::string& key) { return address::key_parts(key); }

std::string finest_key(const Record& r) {
    for (int k = room; k >= road; --k) {
        if (!r.keys[static_cast<std::size_t>(k)].empty()) return r.keys[static_cast<std::size_t>(k)];
    }
    return {};
}

struct Result {
    std::int64_t police_id = 0;
    std::optional<std::int64_t> civil_id;
    std::optional<int> civil_index;
    std::string level = "unmatched";
    double score = 0;
    std::optional<double> distance;
    int ties = 0;
    std::string reason;
    // Governance (governance.hpp): what the automatic matcher answered, the decision applied.
    std::string auto_level = "unmatched";
    std::optional<std::int64_t> auto_civil_id;
    std::optional<double> auto_distance;
    int auto_ties = 0;
    std::int64_t decision_id = 0;
    std::string decision_kind;
    bool changed_since_decision = false;
};

std::vector<Record> load(store::Database& db, std::int64_t dataset, bool police, const proj::Transformation& to_metres) {
    std::vector<Record> out;
    auto st = db.prepare("SELECT id, raw_address, key_road, key_plate, key_building, key_room, X(geom), Y(geom), components, source_id, door_plate_id, "
                         "coalesce(town_code, ''), coalesce(community_code, '') FROM source_addresses WHERE dataset_id = ?1 ORDER BY id");
    st.bind(1, dataset);
    while (st.step()) {
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
        out.push_back(std::move(r));
    }
    return out;
}

// A natural village written without its village is placed no further than this from its
// plate: villages of a town lie kilometres apart, a village's plates within one.
constexpr double village_reach_m = 1000.0;

struct FuzzyPlace {
    std::string key_road;
    double score;
    std::string why;
};

class Matcher {
public:
    // formers: current road name -> its former names (the place-name history).
    Matcher(const std::vector<Record>& civil, double distance, const std::unordered_map<std::string, std::vector<std::string>>& formers)
        : civil_{civil}, distance_{distance}, cell_{std::max(distance, 1.0)} {
        const auto& romanizer = pinyin::Romanizer::shared();
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
            if (c.has_point) grid_[cell_of(c.x, c.y)].push_back(i);
            if (!c.keys[road].empty() && places_.insert(c.keys[road]).second) {
                const auto parts = split_key(c.keys[road]);
                const std::string& place = parts.size() > 1 ? parts[1] : parts[0];
                std::vector<std::string> names{place};
                // A typo in a former name is still a typo of that road's name.
                if (auto f = formers.find(place); f != formers.end()) names.insert(names.end(), f->second.begin(), f->second.end());
                // A natural village (村/浜) also by its own name: written without its village,
                // with a typo, it is still found in its town.
                if (const auto slash = place.find('/'); slash != std::string::npos) names.push_back(place.substr(slash + 1));
                for (const auto& name : names) {
                    by_pinyin_[romanizer.key(name)].push_back(c.keys[road]);
                    for (auto& variant : address::deletion_variants(address::to_u32(name))) by_deletion_[variant].push_back(c.keys[road]);
                    spelled_[c.keys[road]].push_back(address::to_u32(name));
                }
            }
        }
    }

    // `rejected`: civil records (by index) governance forbids for this record.
    Result match(const Record& p, const std::unordered_set<int>* rejected = nullptr) const {
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
            const auto parts = split_key(p.keys[road]);
            std::string place = parts.size() > 1 ? parts[1] : parts[0];
            // A natural village without its village (/孙嘉桥) is looked for by its own name; the
            // same name in several villages of the town is settled by distance: the nearest
            // plate with the number, within a village's reach.
            const bool villageless = place.starts_with("/");
            if (villageless) place = place.substr(1);
            const auto candidates = fuzzy_places(p.keys[road], place);
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
                    const auto cparts = split_key(c.key_road);
                    r.reason = place + " read as " + (cparts.size() > 1 ? cparts[1] : cparts[0]) + " (" + c.why + "; written without its village, the nearest of " +
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
                    const auto cparts = split_key(candidate);
                    r.reason = place + " read as " + (cparts.size() > 1 ? cparts[1] : cparts[0]) + " (" + why + "); " +
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

    // A link governance made (confirmed or by hand): whatever the keys say.
    Result manual(const Record& p, int civil_index) const {
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

private:
    const std::vector<Record>& civil_;
    double distance_, cell_;
    std::array<std::unordered_map<std::string, std::vector<int>>, 4> by_key_;
    std::unordered_map<std::int64_t, std::vector<int>> grid_;
    std::unordered_set<std::string> places_;
    std::unordered_map<std::string, std::vector<std::string>> by_pinyin_;
    std::unordered_map<std::u32string, std::vector<std::string>> by_deletion_;
    std::unordered_map<std::string, std::vector<std::u32string>> spelled_; // key_road -> its names, current and former

    std::int64_t cell_of(double x, double y) const {
        const auto cx = static_cast<std::int64_t>(std::floor(x / cell_)), cy = static_cast<std::int64_t>(std::floor(y / cell_));
        return (cx << 32) ^ (cy & 0xffffffff);
    }

    static double dist(const Record& a, const Record& b) { return std::hypot(a.x - b.x, a.y - b.y); }

    // The candidate nearest to p (ties: equal keys, reported), its distance; false when
    // governance has rejected every candidate.
    bool choose(const Record& p, const std::vector<int>& candidates, Result& r, const std::unordered_set<int>* rejected) const {
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

    std::optional<std::pair<int, double>> nearest_within(double x, double y, const std::unordered_set<int>* rejected) const {
        std::optional<std::pair<int, double>> best;
        const auto cx = static_cast<std::int64_t>(std::floor(x / cell_)), cy = static_cast<std::int64_t>(std::floor(y / cell_));
        for (std::int64_t dx = -1; dx <= 1; ++dx) {
            for (std::int64_t dy = -1; dy <= 1; ++dy) {
                auto it = grid_.find(((cx + dx) << 32) ^ ((cy + dy) & 0xffffffff));
                if (it == grid_.end()) continue;
                for (int c : it->second) {
                    if (rejected && rejected->contains(c)) continue;
                    const auto& rec = civil_[static_cast<std::size_t>(c)];
                    const double d = std::hypot(rec.x - x, rec.y - y);
                    if (d <= distance_ && (!best || d < best->second)) best = std::make_pair(c, d);
                }
            }
        }
        return best;
    }


    std::vector<FuzzyPlace> fuzzy_places(const std::string& key_road, const std::string& place) const {
        std::vector<FuzzyPlace> out;
        std::unordered_set<std::string> seen{key_road};
        const std::string py = pinyin::Romanizer::shared().key(place);
        const auto u = address::to_u32(place);
        auto same_generic = [&](const std::string& k, auto&& accept) {
            for (const auto& cu : spelled_.at(k)) {
                if (!cu.empty() && !u.empty() && cu.back() == u.back() && accept(cu)) return true;
            }
            return false;
        };
        if (auto it = by_pinyin_.find(py); it != by_pinyin_.end() && !py.empty()) {
            for (const auto& k : it->second) {
                if (!same_generic(k, [&](const std::u32string& cu) { return pinyin::Romanizer::shared().key(address::to_utf8(cu)) == py; })) continue;
                if (seen.insert(k).second) out.push_back({k, 0.9, "same pinyin " + py});
            }
        }
        for (const auto& variant : address::deletion_variants(u)) {
            auto it = by_deletion_.find(variant);
            if (it == by_deletion_.end()) continue;
            for (const auto& k : it->second) {
                // One edit in the proper part: the generic (路, 街, 弄, 浜…) must agree.
                if (!same_generic(k, [&](const std::u32string& cu) { return address::edit_distance(u, cu, 1) == 1; })) continue;
                if (seen.insert(k).second) out.push_back({k, 0.8, "one character differs"});
            }
        }
        // Prefer a candidate in the record's own town.
        const auto town = split_key(key_road).front();
        std::stable_sort(out.begin(), out.end(), [&](const FuzzyPlace& a, const FuzzyPlace& b) {
            const bool at = split_key(a.key_road).front() == town, bt = split_key(b.key_road).front() == town;
            return at != bt ? at : a.score > b.score;
        });
        return out;
    }

    static std::string agreement(const std::string& key, int level) {
        const auto parts = split_key(key);
        static constexpr const char* labels[] = {"", "", "number", "building", "unit", "room"};
        std::string s = (parts.size() > 1 && parts[1].find('/') != std::string::npos ? "village/hamlet " : "road ") + (parts.size() > 1 ? parts[1] : "");
        for (std::size_t i = 2; i < parts.size(); ++i) {
            if (!parts[i].empty()) s += ", " + std::string{labels[i]} + " " + parts[i];
        }
        static constexpr const char* level_names[] = {"road", "plate", "building", "room"};
        return s + " agree (" + level_names[level] + " key)";
    }

    void finish_reason(const Record& p, Result& r) const {
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
};

// What GIS staff decided (governance.hpp), applied over the automatic answers: a confirmed
// or hand-made link stays (level manual), rejected links are never proposed, a corrected
// address is matched in place of the record's own. Only decided records are matched again.
// The governed answer takes the record's place; what the matcher found by itself stays beside it.
void adopt(Result& r, Result governed) {
    governed.auto_level = std::move(r.auto_level);
    governed.auto_civil_id = r.auto_civil_id;
    governed.auto_distance = r.auto_distance;
    governed.auto_ties = r.auto_ties;
    r = std::move(governed);
}

// Civil records decided to be no address (civil_decisions) are offered to nobody: a record
// the matcher linked to one is matched again without them. Returns how many are excluded.
std::int64_t apply_governance(store::Database& db, const Matcher& matcher, const std::vector<Record>& police, const std::vector<Record>& civil,
                              std::vector<Result>& results) {
    const auto governance = load_governance(db);
    const auto excluded_keys = excluded_civil_keys(db);
    if (governance.empty() && excluded_keys.empty()) return 0;
    std::unordered_map<std::string, int> civil_by_key;
    for (int i = 0; i < static_cast<int>(civil.size()); ++i) {
        const auto& c = civil[static_cast<std::size_t>(i)];
        civil_by_key.emplace(civil_key(c.door_plate_id, c.source_id, c.id), i);
    }
    std::unordered_set<int> excluded;
    for (const auto& k : excluded_keys) {
        if (const auto c = civil_by_key.find(k); c != civil_by_key.end()) excluded.insert(c->second);
    }
    std::optional<address::Gazetteer> gazetteer; // for corrected addresses, made once when needed
    for (std::size_t i = 0; i < police.size(); ++i) {
        const auto& p = police[i];
        const auto it = governance.find(police_key(p.source_id, p.id));
        auto& r = results[i];
        if (it == governance.end()) {
            if (r.civil_index && excluded.contains(*r.civil_index)) {
                auto again = matcher.match(p, &excluded);
                again.reason += "; the civil record first found was decided to be no address";
                adopt(r, std::move(again));
            }
            continue;
        }
        const Governance& g = it->second;
        if (g.manual_civil_key) {
            if (const auto c = civil_by_key.find(*g.manual_civil_key); c != civil_by_key.end()) adopt(r, matcher.manual(p, c->second));
            else r.reason += "; the civil record linked by hand (" + *g.manual_civil_key + ") is not in this civil dataset";
        } else if (!g.rejected_civil_keys.empty() || g.corrected_address) {
            std::unordered_set<int> rejected = excluded;
            for (const auto& k : g.rejected_civil_keys) {
                if (const auto c = civil_by_key.find(k); c != civil_by_key.end()) rejected.insert(c->second);
            }
            Record q = p;
            if (g.corrected_address) {
                if (!gazetteer) gazetteer.emplace(address::Gazetteer::from_database(db));
                const auto a = address::parse(*g.corrected_address, *gazetteer);
                q.raw = *g.corrected_address;
                q.keys = {a.key_road, a.key_plate, a.key_building, a.key_room};
            }
            auto governed = matcher.match(q, &rejected);
            if (g.corrected_address) governed.reason = "matched by its corrected address " + *g.corrected_address + "; " + governed.reason;
            if (!g.rejected_civil_keys.empty()) governed.reason += "; " + std::to_string(g.rejected_civil_keys.size()) + " link(s) rejected by hand are not proposed";
            adopt(r, std::move(governed));
        } else if (!g.status.empty()) {
            r.reason += "; marked " + g.status;
        }
        r.decision_id = g.decision_id;
        r.decision_kind = g.status.empty() ? g.kind : g.status;
        r.changed_since_decision = g.police_raw != p.raw;
        if (r.changed_since_decision) r.reason += "; the record changed since the decision (was " + g.police_raw + ")";
    }
    return static_cast<std::int64_t>(excluded.size());
}

// The run's work list (schemas/012_work_lists.sql): the records that need attention — not
// linked, linked beyond the distance, or sharing a civil plate with another record — unless
// a decision settles them (and the record has not changed since). Ranked by what fixing them
// is worth: how many problem records their road has in this run (a whole road missing from
// one side is one fix for many records), then conflicts before far links before the rest.
void write_attention(store::Database& db, std::int64_t run_id, const std::vector<Record>& police, const std::vector<Result>& results, double distance) {
    std::unordered_map<std::int64_t, int> plate_links;
    for (const auto& r : results) {
        if (is_linked(r.level) && r.civil_id) plate_links[*r.civil_id]++;
    }
    struct Item {
        std::size_t index;
        const char* problem;
        double weight;
    };
    std::vector<Item> items;
    std::unordered_map<std::string, int> per_road;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        if (r.decision_id && !r.changed_since_decision) continue; // settled by a decision
        const char* problem = nullptr;
        double weight = 0;
        if (!is_linked(r.level)) {
            problem = "unlinked";
            weight = 0.1;
        } else if (r.civil_id && plate_links[*r.civil_id] > 1) {
            problem = "shared";
            weight = 0.5;
        } else if (!r.distance || *r.distance > distance) {
            problem = "far";
            weight = 0.3;
        }
        if (!problem) continue;
        items.push_back({i, problem, weight});
        const auto& road_key = police[i].keys[road];
        if (!road_key.empty()) per_road[road_key]++;
    }
    auto insert = db.prepare(
        "INSERT INTO match_attention(run_id, police_address_id, town_code, community_code, road_key, problem, road_problems, worth) "
        "SELECT ?1, a.id, a.town_code, coalesce(a.community_code, (SELECT d.community_code FROM source_addresses c JOIN door_plates d ON d.id = c.door_plate_id "
        "WHERE c.id = ?6)), ?2, ?3, ?4, ?5 FROM source_addresses a WHERE a.id = ?7");
    for (const auto& it : items) {
        const auto& p = police[it.index];
        const auto& r = results[it.index];
        const int road_problems = p.keys[road].empty() ? 1 : per_road[p.keys[road]];
        insert.bind(1, run_id).bind(2, p.keys[road]).bind(3, std::string{it.problem}).bind(4, road_problems)
            .bind(5, road_problems + it.weight).bind(6, r.civil_id).bind(7, p.id);
        insert.run();
    }
}

} // namespace

MatchSummary run_match(store::Database& db, const MatchOptions& o) {
    const auto started = std::chrono::steady_clock::now();
    if (!(o.distance_m > 0)) throw match_error{"--distance must be a positive number of metres"};
    if (o.threads < 1 || o.threads > 64) throw match_error{"--threads must be between 1 and 64"};
    for (const auto& [id, kind] : {std::pair{o.police_dataset, "police"}, std::pair{o.civil_dataset, "civil"}}) {
        auto st = db.prepare("SELECT source_kind, status FROM datasets WHERE id = ?1");
        st.bind(1, id);
        if (!st.step()) throw match_error{"dataset " + std::to_string(id) + " does not exist (diming import lists the ids)"};
        if (st.column_text(0) != kind) throw match_error{"dataset " + std::to_string(id) + " is a " + st.column_text(0) + " dataset, not " + kind};
        if (st.column_text(1) != "active") throw match_error{"dataset " + std::to_string(id) + " was replaced by a later import"};
    }
    const proj::Transformation to_metres{"EPSG:4490", "EPSG:4549"};
    const auto police = load(db, o.police_dataset, true, to_metres);
    const auto civil = load(db, o.civil_dataset, false, to_metres);
    (void)pinyin::Romanizer::shared(); // built once, before the threads share it
    std::unordered_map<std::string, std::vector<std::string>> formers;
    auto history = db.prepare("SELECT p.name, h.former_name FROM place_name_history h JOIN place_names p ON p.id = h.place_name_id");
    while (history.step()) formers[history.column_text(0)].push_back(history.column_text(1));
    const Matcher matcher{civil, o.distance_m, formers};

    std::vector<Result> results(police.size());
    std::vector<std::thread> workers;
    const std::size_t n = police.size();
    const int threads = std::min<int>(o.threads, static_cast<int>(std::max<std::size_t>(1, n / 1000 + 1)));
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (std::size_t i = static_cast<std::size_t>(t); i < n; i += static_cast<std::size_t>(threads)) results[i] = matcher.match(police[i]);
        });
    }
    for (auto& w : workers) w.join();
    for (auto& r : results) {
        r.auto_level = r.level;
        r.auto_civil_id = r.civil_id;
        r.auto_distance = r.distance;
        r.auto_ties = r.ties;
    }
    const auto civil_excluded = apply_governance(db, matcher, police, civil, results);

    MatchSummary s;
    s.police_records = static_cast<std::int64_t>(police.size());
    s.civil_records = static_cast<std::int64_t>(civil.size());
    std::unordered_map<std::int64_t, int> links;
    // The automatic figures: what the matcher found by itself, whatever was decided since.
    for (const auto& r : results) {
        s.by_level[r.auto_level]++;
        if (r.auto_ties) ++s.ties;
        if (!is_textual(r.auto_level)) continue;
        ++s.textual;
        if (r.auto_distance && *r.auto_distance <= o.distance_m) ++s.spatial;
        else ++s.far_links;
        links[*r.auto_civil_id]++;
    }
    s.covered = static_cast<std::int64_t>(links.size());
    for (const auto& [id, k] : links) {
        if (k > 1) ++s.shared_plates;
    }
    // The governed rate: after the decisions; records that are no address to match
    // (unregistered, demolished, duplicate) leave its denominator.
    nlohmann::json governed;
    {
        std::int64_t records = 0, textual = 0, spatial = 0, manual = 0, decided = 0, changed = 0;
        for (const auto& r : results) {
            decided += r.decision_id ? 1 : 0;
            changed += r.changed_since_decision ? 1 : 0;
            if (excludes_from_rate(r.decision_kind)) continue;
            ++records;
            if (r.level == "manual") ++manual;
            if (!is_linked(r.level)) continue;
            ++textual;
            if (r.distance && *r.distance <= o.distance_m) ++spatial;
        }
        s.decided = decided;
        s.changed_since_decision = changed;
        s.manual = manual;
        s.governed_police = records;
        s.governed_textual = textual;
        governed = {{"police_records", records}, {"textual", textual}, {"spatial", spatial}, {"manual", manual}, {"decided", decided},
                    {"civil_excluded", civil_excluded},
                    {"changed_since_decision", changed},
                    {"textual_rate", records ? static_cast<double>(textual) / static_cast<double>(records) : 0.0},
                    {"spatial_rate", records ? static_cast<double>(spatial) / static_cast<double>(records) : 0.0}};
    }

    // Rates by town and community, kept in the summary so that a trend reads runs, not results.
    nlohmann::json by_division = nlohmann::json::object();
    {
        struct Counts {
            std::int64_t police = 0, textual = 0, governed_police = 0, governed_textual = 0;
        };
        std::map<std::string, Counts> counts;
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto& r = results[i];
            for (const auto* code : {&police[i].town, &police[i].community}) {
                if (code->empty()) continue;
                auto& c = counts[*code];
                ++c.police;
                c.textual += is_textual(r.auto_level) ? 1 : 0;
                if (excludes_from_rate(r.decision_kind)) continue;
                ++c.governed_police;
                c.governed_textual += is_linked(r.level) ? 1 : 0;
            }
        }
        for (const auto& [code, c] : counts) {
            by_division[code] = {{"police_records", c.police}, {"textual", c.textual}, {"governed_police_records", c.governed_police},
                                 {"governed_textual", c.governed_textual}};
        }
    }
    nlohmann::json by_level = s.by_level;
    nlohmann::json summary{{"police_records", s.police_records},
                           {"civil_records", s.civil_records},
                           {"by_level", by_level},
                           {"textual", s.textual},
                           {"spatial", s.spatial},
                           {"covered", s.covered},
                           {"ties", s.ties},
                           {"shared_plates", s.shared_plates},
                           {"far_links", s.far_links},
                           {"textual_rate", s.textual_rate()},
                           {"spatial_rate", s.spatial_rate()},
                           {"coverage", s.coverage()},
                           {"governed", governed},
                           {"by_division", std::move(by_division)}};
    nlohmann::json params{{"distance_m", o.distance_m}, {"threads", o.threads}};

    store::Transaction tx{db};
    db.prepare("INSERT INTO match_runs(police_dataset_id, civil_dataset_id, distance_m, parameters, created_by) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(o.police_dataset, o.civil_dataset, o.distance_m, params.dump(), o.actor)
        .run();
    s.run_id = db.last_insert_rowid();
    auto insert = db.prepare("INSERT INTO match_results(run_id, police_address_id, civil_address_id, level, score, distance_m, "
                             "spatially_consistent, ties, reason, auto_level, auto_civil_address_id, decision_id, decision_kind, changed_since_decision, "
                             "auto_spatially_consistent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    for (const auto& r : results) {
        std::optional<std::int64_t> consistent, auto_consistent;
        if (r.civil_id) consistent = r.distance && *r.distance <= o.distance_m ? 1 : 0;
        if (r.auto_civil_id) auto_consistent = r.auto_distance && *r.auto_distance <= o.distance_m ? 1 : 0;
        insert.bind(1, s.run_id).bind(2, r.police_id).bind(3, r.civil_id).bind(4, r.level).bind(5, std::clamp(r.score, 0.0, 1.0))
            .bind(6, r.distance).bind(7, consistent).bind(8, r.ties).bind(9, r.reason).bind(10, r.auto_level).bind(11, r.auto_civil_id)
            .bind(12, r.decision_id ? std::optional<std::int64_t>{r.decision_id} : std::nullopt).bind(13, r.decision_kind)
            .bind(14, r.changed_since_decision ? 1 : 0).bind(15, auto_consistent);
        insert.run();
    }
    write_attention(db, s.run_id, police, results, o.distance_m);
    // The map's index of this run's problems (schemas/009_match_problems.sql).
    db.exec("DELETE FROM match_problems");
    db.prepare("INSERT INTO match_problems(id, minx, maxx, miny, maxy, run_id) "
               "SELECT r.police_address_id, X(a.geom), X(a.geom), Y(a.geom), Y(a.geom), r.run_id "
               "FROM match_results r JOIN source_addresses a ON a.id = r.police_address_id "
               "WHERE r.run_id = ?1 AND a.geom IS NOT NULL AND (r.level = 'unmatched' OR r.spatially_consistent = 0)")
        .bind(1, s.run_id)
        .run();
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summary["seconds"] = s.seconds;
    db.prepare("UPDATE match_runs SET summary = ?2, finished_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1")
        .bind_all(s.run_id, summary.dump())
        .run();
    store::record_change(db, {o.actor, "match.run", "match_runs", std::to_string(s.run_id), std::nullopt, summary.dump()});
    tx.commit();
    return s;
}

} // namespace diming::match
