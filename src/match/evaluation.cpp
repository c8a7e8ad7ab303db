#include "match/evaluation.hpp"

#include "core/gdal.hpp"
#include "match/match_run.hpp"

#include <unordered_map>

namespace diming::match {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

} // namespace

MatchEvaluation evaluate_run(const store::Database& db, std::int64_t run_id, const std::filesystem::path& truth_csv) {
    const auto truth = gdal::read_csv_table(truth_csv, {"police_id", "civil_plate_id", "variations"});
    struct Link {
        std::string level, civil;
    };
    std::unordered_map<std::string, Link> links; // police source id -> what the run said
    auto st = db.prepare("SELECT p.source_id, r.level, c.source_id FROM match_results r "
                         "JOIN source_addresses p ON p.id = r.police_address_id "
                         "LEFT JOIN source_addresses c ON c.id = r.civil_address_id WHERE r.run_id = ?1");
    st.bind(1, run_id);
    while (st.step()) links[st.column_text(0)] = {st.column_text(1), st.column_text(2)};
    if (links.empty()) throw match_error{"match run " + std::to_string(run_id) + " has no results"};

    MatchEvaluation ev;
    const auto pc = truth.column("police_id"), cc = truth.column("civil_plate_id"), vc = truth.column("variations");
    for (const auto& row : truth.rows) {
        auto it = links.find(row[pc]);
        if (it == links.end()) continue; // rejected at import (zero or swapped coordinates)
        const bool linked = is_textual(it->second.level);
        const bool right = linked && it->second.civil == row[cc];
        const auto variations = split(row[vc], ';');
        auto count = [&](PairScore& s) {
            if (!row[cc].empty()) ++s.truth_pairs;
            if (linked) ++s.linked;
            if (right) ++s.correct;
        };
        count(ev.overall);
        for (const auto& v : variations) count(ev.by_variation[v]);
        if (variations.empty()) count(ev.by_variation["(none)"]);
        if (row[cc].empty()) {
            ++ev.unregistered;
            if (linked) ++ev.unregistered_linked;
        }
    }
    return ev;
}

} // namespace diming::match
