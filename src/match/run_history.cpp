#include "match/run_history.hpp"

#include "core/error.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace diming::match {

nlohmann::json run_list(store::Database& db, int limit, const std::optional<std::string>& division) {
    if (limit < 1 || limit > 1000) throw refusal{refusal::Kind::invalid, "limit is between 1 and 1000", "limit"};
    auto s = db.prepare("SELECT id, started_at, finished_at, police_dataset_id, civil_dataset_id, distance_m, summary, created_by "
                        "FROM match_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT ?1");
    s.bind(1, limit);
    auto runs = nlohmann::json::array();
    while (s.step()) {
        const auto summary = nlohmann::json::parse(s.column_text(6), nullptr, false);
        nlohmann::json run{{"id", s.column_int(0)}, {"started_at", s.column_text(1)}, {"finished_at", s.column_text(2)},
                           {"police_dataset_id", s.column_int(3)}, {"civil_dataset_id", s.column_int(4)}, {"distance_m", s.column_double(5)},
                           {"created_by", s.column_text(7)}};
        if (summary.is_object()) {
            run["police_records"] = summary.value("police_records", 0);
            run["textual_rate"] = summary.value("textual_rate", 0.0);
            run["spatial_rate"] = summary.value("spatial_rate", 0.0);
            const auto governed = summary.value("governed", nlohmann::json::object());
            run["governed_rate"] = governed.value("textual_rate", summary.value("textual_rate", 0.0));
            run["decided"] = governed.value("decided", 0);
            if (division) {
                const auto d = summary.value("by_division", nlohmann::json::object()).value(*division, nlohmann::json::object());
                const auto police = d.value("police_records", std::int64_t{0}), gp = d.value("governed_police_records", std::int64_t{0});
                run["division"] = {{"code", *division}, {"police_records", police},
                                   {"textual_rate", police ? static_cast<double>(d.value("textual", std::int64_t{0})) / static_cast<double>(police) : 0.0},
                                   {"governed_rate", gp ? static_cast<double>(d.value("governed_textual", std::int64_t{0})) / static_cast<double>(gp) : 0.0}};
            }
        }
        runs.push_back(std::move(run));
    }
    return nlohmann::json{{"runs", std::move(runs)}};
}

nlohmann::json changes_since(store::Database& db, std::int64_t run, std::int64_t since, int limit) {
    if (limit < 0 || limit > 5000) throw refusal{refusal::Kind::invalid, "limit is between 0 and 5000", "limit"};
    auto times = db.prepare("SELECT id, started_at, police_dataset_id, civil_dataset_id FROM match_runs WHERE id IN (?1, ?2) AND finished_at IS NOT NULL");
    times.bind_all(run, since);
    std::map<std::int64_t, std::tuple<std::string, std::int64_t, std::int64_t>> info;
    while (times.step()) info[times.column_int(0)] = {times.column_text(1), times.column_int(2), times.column_int(3)};
    if (!info.count(run)) throw refusal{refusal::Kind::not_found, "no finished match run " + std::to_string(run), "id"};
    if (!info.count(since)) throw refusal{refusal::Kind::not_found, "no finished match run " + std::to_string(since), "since"};
    const auto& [since_at, since_police, since_civil] = info[since];
    const auto& [run_at, run_police, run_civil] = info[run];
    // Each police record of `run` beside its counterpart in `since` (the same row, or the
    // same 地址编码 in an earlier delivery), linked or not in each.
    auto s = db.prepare(R"sql(
        WITH now AS (
          SELECT r.police_address_id AS id, p.source_id, p.raw_address, p.key_road, r.decision_id,
                 r.level IN ('exact','room','building','plate','fuzzy','manual') AS linked
          FROM match_results r JOIN source_addresses p ON p.id = r.police_address_id WHERE r.run_id = ?1),
        before AS (
          SELECT r.police_address_id AS id, p.source_id, p.raw_address, r.decision_id,
                 r.level IN ('exact','room','building','plate','fuzzy','manual') AS linked
          FROM match_results r JOIN source_addresses p ON p.id = r.police_address_id WHERE r.run_id = ?2)
        SELECT now.id, now.raw_address, now.linked, coalesce(b1.linked, b2.linked), coalesce(b1.raw_address, b2.raw_address),
               coalesce(now.decision_id, 0) <> coalesce(b1.decision_id, b2.decision_id, 0),
               EXISTS (SELECT 1 FROM place_name_history h WHERE h.recorded_at > ?3 AND h.recorded_at <= ?4
                       AND instr(now.key_road, '|' || h.new_name) > 0)
        FROM now LEFT JOIN before b1 ON b1.id = now.id
                 LEFT JOIN before b2 ON b1.id IS NULL AND now.source_id IS NOT NULL AND now.source_id <> '' AND b2.source_id = now.source_id
        WHERE coalesce(b1.linked, b2.linked, 0) <> now.linked)sql");
    s.bind(1, run).bind(2, since).bind(3, since_at).bind(4, run_at);
    const bool new_civil = run_civil != since_civil, new_police = run_police != since_police;
    std::map<std::string, std::int64_t> linked_by, unlinked_by;
    auto linked = nlohmann::json::array(), unlinked = nlohmann::json::array();
    while (s.step()) {
        const bool now_linked = s.column_int(2) != 0;
        std::string why = "matcher";
        if (s.column_int(5)) why = "decision";
        else if (s.column_int(6)) why = "renaming";
        else if (new_civil || (new_police && (s.is_null(4) || s.column_text(4) != s.column_text(1)))) why = "new_data";
        auto& by = now_linked ? linked_by : unlinked_by;
        ++by[why];
        auto& list = now_linked ? linked : unlinked;
        if (static_cast<int>(list.size()) < limit) list.push_back({{"police_address_id", s.column_int(0)}, {"police_address", s.column_text(1)}, {"why", why}});
    }
    auto total = [](const std::map<std::string, std::int64_t>& m) {
        std::int64_t n = 0;
        for (const auto& [k, v] : m) n += v;
        return n;
    };
    return nlohmann::json{{"run", run}, {"since", since},
                          {"newly_linked", {{"count", total(linked_by)}, {"by_reason", linked_by}, {"records", std::move(linked)}}},
                          {"newly_unlinked", {{"count", total(unlinked_by)}, {"by_reason", unlinked_by}, {"records", std::move(unlinked)}}}};
}

} // namespace diming::match
