#include "match/match_run.hpp"

#include "match/matcher.hpp"
#include "match/outline.hpp"

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

using namespace detail;

// How many civil records of the dataset are decided to be no address.
std::int64_t excluded_civil_count(const Outline& o, const std::unordered_set<std::string>& excluded_keys) {
    std::int64_t n = 0;
    for (const auto& k : excluded_keys) n += o.named_civil.contains(k) ? 1 : 0;
    return n;
}

// The keys a record whose road is unknown looks up when its road is read as a registered
// place (each candidate place with the record's own number, building, room), hashed; the
// candidates of each road key worked out once, kept for the matcher.
void fuzzy_keys(const PlaceIndex& places, const std::array<std::string, 4>& keys, const Record& at, Matcher::FuzzyCache& cache,
                std::unordered_set<std::uint64_t>& out) {
    if (keys[road].empty() || places.contains(keys[road])) return;
    const auto cache_key = fuzzy_cache_key(keys[road], at);
    auto it = cache.find(cache_key);
    if (it == cache.end()) it = cache.emplace(cache_key, places.fuzzy_places(keys[road], fuzzy_name(keys[road]), near(at))).first;
    for (const auto& c : it->second) {
        for (int k = room; k >= plate; --k) {
            const auto& key = keys[static_cast<std::size_t>(k)];
            if (!key.empty()) out.insert(std::hash<std::string>{}(c.key_road + key.substr(keys[road].size())));
        }
    }
}

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

// Governance over one partition's automatic answers (see adopt): civil records decided to be
// no address are offered to nobody, a hand link stays, rejected links are never proposed, a
// corrected address is matched in place of the record's own.
void apply_governance(const Matcher& matcher, const std::vector<Record>& police, const std::vector<Record>& civil,
                      const std::vector<const Governance*>& governed, const std::unordered_set<std::string>& excluded_keys,
                      const std::unordered_map<std::string, std::array<std::string, 4>>& corrected, std::vector<Result>& results) {
    std::unordered_map<std::string, int> civil_by_key;
    for (int i = 0; i < static_cast<int>(civil.size()); ++i) {
        const auto& c = civil[static_cast<std::size_t>(i)];
        civil_by_key.emplace(civil_key(c.door_plate_id, c.source_id, c.id), i);
    }
    std::unordered_set<int> excluded;
    for (const auto& k : excluded_keys) {
        if (const auto c = civil_by_key.find(k); c != civil_by_key.end()) excluded.insert(c->second);
    }
    for (std::size_t i = 0; i < police.size(); ++i) {
        const auto& p = police[i];
        auto& r = results[i];
        if (!governed[i]) {
            if (r.civil_index && excluded.contains(*r.civil_index)) {
                auto again = matcher.match(p, &excluded);
                again.reason += "; the civil record first found was decided to be no address";
                adopt(r, std::move(again));
            }
            continue;
        }
        const Governance& g = *governed[i];
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
                q.raw = *g.corrected_address;
                q.keys = corrected.at(*g.corrected_address);
            }
            auto again = matcher.match(q, &rejected);
            if (g.corrected_address) again.reason = "matched by its corrected address " + *g.corrected_address + "; " + again.reason;
            if (!g.rejected_civil_keys.empty()) again.reason += "; " + std::to_string(g.rejected_civil_keys.size()) + " link(s) rejected by hand are not proposed";
            adopt(r, std::move(again));
        } else if (!g.status.empty()) {
            r.reason += "; marked " + g.status;
        }
        r.decision_id = g.decision_id;
        r.decision_kind = g.status.empty() ? g.kind : g.status;
        r.changed_since_decision = g.police_raw != p.raw;
        if (r.changed_since_decision) r.reason += "; the record changed since the decision (was " + g.police_raw + ")";
    }
}

// What the work list needs of a record (schemas/012_work_lists.sql), kept for the whole run in
// 16 bytes (ten million of them at a province's scale): whether it is linked and to which civil
// record, whether far, its road.
struct AttentionCandidate {
    std::uint32_t police;        // position in the outline's police records
    std::uint32_t civil;         // position of the civil record it was linked or compared to; UINT32_MAX: none
    std::uint32_t road;          // index into road_keys; UINT32_MAX: no road key
    bool linked;
    bool far;
};

// The run's work list: the records that need attention — not linked, linked beyond the
// distance, or sharing a civil plate with another record — unless a decision settles them (and
// the record has not changed since). Ranked by what fixing them is worth: how many problem
// records their road has in this run (a whole road missing from one side is one fix for many
// records), then conflicts before far links before the rest.
void write_attention(store::Database& db, std::int64_t run_id, const Outline& ol, const std::vector<AttentionCandidate>& candidates,
                     const std::vector<std::uint32_t>& plate_links, const std::vector<std::string>& road_keys) {
    struct Item {
        const AttentionCandidate* c;
        const char* problem;
        double weight;
    };
    std::vector<Item> items;
    std::vector<int> per_road(road_keys.size(), 0);
    for (const auto& c : candidates) {
        const char* problem = nullptr;
        double weight = 0;
        if (!c.linked) {
            problem = "unlinked";
            weight = 0.1;
        } else if (plate_links[c.civil] > 1) {
            problem = "shared";
            weight = 0.5;
        } else if (c.far) {
            problem = "far";
            weight = 0.3;
        }
        if (!problem) continue;
        items.push_back({&c, problem, weight});
        if (c.road != UINT32_MAX) per_road[c.road]++;
    }
    auto insert = db.prepare(
        "INSERT INTO match_attention(run_id, police_address_id, town_code, community_code, road_key, problem, road_problems, worth) "
        "SELECT ?1, a.id, a.town_code, coalesce(a.community_code, (SELECT d.community_code FROM source_addresses c JOIN door_plates d ON d.id = c.door_plate_id "
        "WHERE c.id = ?6)), ?2, ?3, ?4, ?5 FROM source_addresses a WHERE a.id = ?7");
    for (const auto& it : items) {
        const auto& c = *it.c;
        const int road_problems = c.road == UINT32_MAX ? 1 : per_road[c.road];
        insert.bind(1, run_id).bind(2, c.road == UINT32_MAX ? std::string{} : road_keys[c.road]).bind(3, std::string{it.problem}).bind(4, road_problems)
            .bind(5, road_problems + it.weight).bind(7, ol.police[c.police].id);
        if (c.civil == UINT32_MAX) insert.bind(6, nullptr);
        else insert.bind(6, ol.civil[c.civil].id);
        insert.run();
    }
}


} // namespace

// The run in parts — compact areas of part_records police records each (cut_parts) — each
// part's police records with the civil records they may reach: those of its roads, those
// with the keys a misspelt road read as another place looks up, within the distance of its
// points, those decisions name. Memory holds the outline and one part, not the dataset, and every record is
// matched exactly as against the whole civil dataset (a record's keys all begin with its road
// key, and its spatial candidates lie in the grid cells next to its own).

MatchSummary run_match(store::Database& db, const MatchOptions& o) {
    const auto started = std::chrono::steady_clock::now();
    if (!(o.distance_m > 0)) throw match_error{"--distance must be a positive number of metres"};
    if (o.threads < 1 || o.threads > 64) throw match_error{"--threads must be between 1 and 64"};
    if (o.part_records < 1) throw match_error{"--part-records must be at least 1"};
    for (const auto& [id, kind] : {std::pair{o.police_dataset, "police"}, std::pair{o.civil_dataset, "civil"}}) {
        auto st = db.prepare("SELECT source_kind, status FROM datasets WHERE id = ?1");
        st.bind(1, id);
        if (!st.step()) throw match_error{"dataset " + std::to_string(id) + " does not exist (diming import lists the ids)"};
        if (st.column_text(0) != kind) throw match_error{"dataset " + std::to_string(id) + " is a " + st.column_text(0) + " dataset, not " + kind};
        if (st.column_text(1) != "active") throw match_error{"dataset " + std::to_string(id) + " was replaced by a later import"};
    }
    const proj::Transformation to_metres{"EPSG:4490", "EPSG:4549"};
    (void)pinyin::Romanizer::shared(); // built once, before the threads share it
    std::unordered_map<std::string, std::vector<std::string>> formers;
    auto history = db.prepare("SELECT p.name, h.former_name FROM place_name_history h JOIN place_names p ON p.id = h.place_name_id");
    while (history.step()) formers[history.column_text(0)].push_back(history.column_text(1));

    // Decisions (governance.hpp), and the civil records they name.
    const auto governance = load_governance(db);
    const auto excluded_list = excluded_civil_keys(db);
    const std::unordered_set<std::string> excluded_keys(excluded_list.begin(), excluded_list.end());
    std::unordered_set<std::string> named_keys = excluded_keys;
    std::unordered_map<std::string, std::array<std::string, 4>> corrected; // corrected address -> its keys
    {
        std::optional<address::Gazetteer> gazetteer;
        for (const auto& [key, g] : governance) {
            if (g.manual_civil_key) named_keys.insert(*g.manual_civil_key);
            named_keys.insert(g.rejected_civil_keys.begin(), g.rejected_civil_keys.end());
            if (g.corrected_address && !corrected.contains(*g.corrected_address)) {
                if (!gazetteer) gazetteer.emplace(address::Gazetteer::from_database(db));
                const auto a = address::parse(*g.corrected_address, *gazetteer);
                corrected[*g.corrected_address] = {a.key_road, a.key_plate, a.key_building, a.key_room};
            }
        }
    }

    Outline outline_;
    PlaceIndex places{formers};
    read_outline(db, o.civil_dataset, false, to_metres, o.distance_m, outline_, &places, named_keys);
    read_outline(db, o.police_dataset, true, to_metres, o.distance_m, outline_, nullptr, {});
    places.seal();
    const Outline& ol = outline_;
    index_civil(outline_);
    const auto parts = cut_parts(ol, o.part_records);
    std::vector<std::size_t> named_positions;
    for (const auto& [key, id] : ol.named_civil) {
        if (auto pos = ol.civil_position(id)) named_positions.push_back(*pos);
    }

    MatchSummary s;
    s.police_records = static_cast<std::int64_t>(ol.police.size());
    s.civil_records = static_cast<std::int64_t>(ol.civil.size());
    std::vector<std::uint32_t> auto_links(ol.civil.size(), 0), plate_links(ol.civil.size(), 0);
    std::int64_t g_records = 0, g_textual = 0, g_spatial = 0, g_manual = 0, g_decided = 0, g_changed = 0;
    struct Counts {
        std::int64_t police = 0, textual = 0, governed_police = 0, governed_textual = 0;
    };
    std::map<std::string, Counts> counts;
    std::vector<AttentionCandidate> attention;
    std::vector<std::string> road_keys;
    std::unordered_map<std::string, std::uint32_t> road_index;

    store::Transaction tx{db};
    nlohmann::json params{{"distance_m", o.distance_m}, {"threads", o.threads}};
    db.prepare("INSERT INTO match_runs(police_dataset_id, civil_dataset_id, distance_m, parameters, created_by) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(o.police_dataset, o.civil_dataset, o.distance_m, params.dump(), o.actor)
        .run();
    s.run_id = db.last_insert_rowid();
    auto insert = db.prepare("INSERT INTO match_results(run_id, police_address_id, civil_address_id, level, score, distance_m, "
                             "spatially_consistent, ties, reason, auto_level, auto_civil_address_id, decision_id, decision_kind, changed_since_decision, "
                             "auto_spatially_consistent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");

    for (const auto& part : parts) {
        std::vector<std::int64_t> police_ids;
        std::vector<std::uint32_t> part_roads;
        for (auto pos : part) {
            police_ids.push_back(ol.police[pos].id);
            part_roads.push_back(ol.police[pos].road);
        }
        std::sort(police_ids.begin(), police_ids.end());
        std::sort(part_roads.begin(), part_roads.end());
        part_roads.erase(std::unique(part_roads.begin(), part_roads.end()), part_roads.end());
        const auto police = load_records(db, police_ids, true, to_metres);
        // What this part's records may reach: its roads, the places a misspelt road may be read
        // as, a corrected address's road, the civil records near its points.
        std::vector<const Governance*> governed(police.size(), nullptr); // each record's decisions, if any
        std::unordered_set<std::string> roads;   // corrected addresses' roads, whole
        std::unordered_set<std::uint64_t> fuzzy; // keys a misspelt road read as another place looks up
        Matcher::FuzzyCache candidates;
        std::unordered_set<std::int64_t> cells;
        for (std::size_t i = 0; i < police.size(); ++i) {
            const auto& p = police[i];
            fuzzy_keys(places, p.keys, p, candidates, fuzzy);
            if (const auto g = governance.find(police_key(p.source_id, p.id)); g != governance.end()) {
                governed[i] = &g->second;
                if (g->second.corrected_address) {
                    const auto& keys = corrected.at(*g->second.corrected_address);
                    roads.insert(keys[road]);
                    fuzzy_keys(places, keys, p, candidates, fuzzy);
                }
            }
            if (p.has_point) {
                for (const auto cell : grid_neighbourhood(p.x, p.y, o.distance_m)) cells.insert(cell);
            }
        }
        std::vector<std::size_t> positions = named_positions;
        for (auto r : part_roads) positions.insert(positions.end(), ol.civil_of_road(r).begin(), ol.civil_of_road(r).end());
        for (const auto& key : roads) {
            if (const auto it = ol.road_index.find(key); it != ol.road_index.end()) {
                positions.insert(positions.end(), ol.civil_of_road(it->second).begin(), ol.civil_of_road(it->second).end());
            }
        }
        for (auto h : fuzzy) {
            auto it = std::lower_bound(ol.civil_by_key.begin(), ol.civil_by_key.end(), std::pair<std::uint64_t, std::size_t>{h, 0});
            for (; it != ol.civil_by_key.end() && it->first == h; ++it) positions.push_back(it->second);
        }
        for (auto cell : cells) {
            auto it = std::lower_bound(ol.civil_by_cell.begin(), ol.civil_by_cell.end(), std::pair<std::int64_t, std::size_t>{cell, 0});
            for (; it != ol.civil_by_cell.end() && it->first == cell; ++it) positions.push_back(it->second);
        }
        std::sort(positions.begin(), positions.end());
        positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
        std::vector<std::int64_t> civil_ids;
        civil_ids.reserve(positions.size());
        for (auto pos : positions) civil_ids.push_back(ol.civil[pos].id);
        const auto civil = load_records(db, civil_ids, false, to_metres);
        const Matcher matcher{civil, o.distance_m, places, &candidates};

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
        apply_governance(matcher, police, civil, governed, excluded_keys, corrected, results);

        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto& r = results[i];
            const auto& p = police[i];
            // The automatic figures: what the matcher found by itself, whatever was decided since.
            s.by_level[r.auto_level]++;
            if (r.auto_ties) ++s.ties;
            if (is_textual(r.auto_level)) {
                ++s.textual;
                if (r.auto_distance && *r.auto_distance <= o.distance_m) ++s.spatial;
                else ++s.far_links;
                auto_links[*ol.civil_position(*r.auto_civil_id)]++;
            }
            // The governed rate: records that are no address to match leave its denominator.
            g_decided += r.decision_id ? 1 : 0;
            g_changed += r.changed_since_decision ? 1 : 0;
            if (!excludes_from_rate(r.decision_kind)) {
                ++g_records;
                if (r.level == "manual") ++g_manual;
                if (is_linked(r.level)) {
                    ++g_textual;
                    if (r.distance && *r.distance <= o.distance_m) ++g_spatial;
                }
            }
            for (const auto* code : {&p.town, &p.community}) {
                if (code->empty()) continue;
                auto& c = counts[*code];
                ++c.police;
                c.textual += is_textual(r.auto_level) ? 1 : 0;
                if (excludes_from_rate(r.decision_kind)) continue;
                ++c.governed_police;
                c.governed_textual += is_linked(r.level) ? 1 : 0;
            }
            const bool linked = is_linked(r.level) && r.civil_id;
            const auto civil_position = r.civil_id ? static_cast<std::uint32_t>(*ol.civil_position(*r.civil_id)) : UINT32_MAX;
            if (linked) plate_links[civil_position]++;
            if (!(r.decision_id && !r.changed_since_decision)) { // else settled by a decision
                std::uint32_t rk = UINT32_MAX;
                if (!p.keys[road].empty()) {
                    auto [it, fresh] = road_index.emplace(p.keys[road], static_cast<std::uint32_t>(road_keys.size()));
                    if (fresh) road_keys.push_back(p.keys[road]);
                    rk = it->second;
                }
                attention.push_back({static_cast<std::uint32_t>(*ol.police_position(p.id)), civil_position, rk, linked, !r.distance || *r.distance > o.distance_m});
            }
            std::optional<std::int64_t> consistent, auto_consistent;
            if (r.civil_id) consistent = r.distance && *r.distance <= o.distance_m ? 1 : 0;
            if (r.auto_civil_id) auto_consistent = r.auto_distance && *r.auto_distance <= o.distance_m ? 1 : 0;
            insert.bind(1, s.run_id).bind(2, r.police_id).bind(3, r.civil_id).bind(4, r.level).bind(5, std::clamp(r.score, 0.0, 1.0))
                .bind(6, r.distance).bind(7, consistent).bind(8, r.ties).bind(9, r.reason).bind(10, r.auto_level).bind(11, r.auto_civil_id)
                .bind(12, r.decision_id ? std::optional<std::int64_t>{r.decision_id} : std::nullopt).bind(13, r.decision_kind)
                .bind(14, r.changed_since_decision ? 1 : 0).bind(15, auto_consistent);
            insert.run();
        }
    }
    for (auto k : auto_links) {
        if (k > 0) ++s.covered;
        if (k > 1) ++s.shared_plates;
    }
    s.decided = g_decided;
    s.changed_since_decision = g_changed;
    s.manual = g_manual;
    s.governed_police = g_records;
    s.governed_textual = g_textual;
    nlohmann::json governed = {{"police_records", g_records}, {"textual", g_textual}, {"spatial", g_spatial}, {"manual", g_manual}, {"decided", g_decided},
                               {"civil_excluded", excluded_civil_count(ol, excluded_keys)},
                               {"changed_since_decision", g_changed},
                               {"textual_rate", g_records ? static_cast<double>(g_textual) / static_cast<double>(g_records) : 0.0},
                               {"spatial_rate", g_records ? static_cast<double>(g_spatial) / static_cast<double>(g_records) : 0.0}};
    // Rates by town and community, kept in the summary so that a trend reads runs, not results.
    nlohmann::json by_division = nlohmann::json::object();
    for (const auto& [code, c] : counts) {
        by_division[code] = {{"police_records", c.police}, {"textual", c.textual}, {"governed_police_records", c.governed_police},
                             {"governed_textual", c.governed_textual}};
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

    std::sort(attention.begin(), attention.end(), [](const auto& a, const auto& b) { return a.police < b.police; });
    write_attention(db, s.run_id, ol, attention, plate_links, road_keys);
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
