#include "naming/checks.hpp"

#include "address/normalize.hpp"
#include "core/data_dir.hpp"
#include "core/gdal.hpp"
#include "core/text.hpp"
#include "pinyin/romanizer.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <mutex>

namespace diming::naming {

namespace {

struct RestrictedWord {
    std::string word;
    std::string reason;
};

const std::vector<RestrictedWord>& restricted_words() {
    static std::once_flag once;
    static std::vector<RestrictedWord> words;
    std::call_once(once, [] {
        const auto table = gdal::read_csv_table(data_dir() / "naming" / "restricted_words.csv", {"word", "reason"});
        for (const auto& row : table.rows) words.push_back({row[table.column("word")], row[table.column("reason")]});
    });
    return words;
}

bool is_ideograph(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || c == 0x3007; // 〇
}

} // namespace

std::vector<Conflict> check_name(store::Database& db, const std::string& name, const NamingRules& rules, std::optional<std::int64_t> self) {
    std::vector<Conflict> out;
    if (!text::is_valid_utf8(name)) {
        out.push_back({"forbidden_characters", "the name is not valid UTF-8", true, std::nullopt});
        return out;
    }
    const auto cps = text::to_u32(name);
    if (cps.size() < 2 || cps.size() > 20) {
        out.push_back({"length", "a place name has 2 to 20 characters (this one has " + std::to_string(cps.size()) + ")", true, std::nullopt,
                       {{"count", std::to_string(cps.size())}}});
    }
    std::string bad;
    for (char32_t c : cps) {
        if (!is_ideograph(c)) bad += text::to_utf8(std::u32string(1, c));
    }
    if (!bad.empty()) {
        out.push_back({"forbidden_characters",
                       "only standard Chinese characters are allowed in a place name (numbers in Chinese: 一, 二…); not allowed here: '" + bad + "'",
                       true, std::nullopt, {{"characters", bad}}});
    } else {
        const auto simplified = text::to_utf8(address::normalize(name).text);
        if (simplified != name) {
            out.push_back({"not_simplified", "write the name in simplified characters: " + simplified, true, std::nullopt, {{"simplified", simplified}}});
        }
    }
    for (const auto& w : restricted_words()) {
        if (name.find(w.word) != std::string::npos) out.push_back({"restricted_word", "'" + w.word + "': " + w.reason, true, std::nullopt, {{"word", w.word}}});
    }

    const std::int64_t me = self.value_or(-1);
    auto& dup = db.cached("SELECT id, status FROM place_names WHERE name = ?1 AND status IN ('proposed','approved','registered') AND id <> ?2");
    dup.bind(1, name).bind(2, me);
    while (dup.step()) {
        out.push_back({"duplicate", "'" + name + "' is already a " + dup.column_text(1) + " name (id " + std::to_string(dup.column_int(0)) + ")",
                       true, dup.column_int(0), {{"name", name}, {"status", dup.column_text(1)}}});
    }
    dup.reset();
    // A name a renaming will give on a coming date is taken already.
    auto& coming = db.cached("SELECT place_name_id, effective_on FROM scheduled_renamings WHERE new_name = ?1 AND status = 'scheduled' AND place_name_id <> ?2");
    coming.bind(1, name).bind(2, me);
    while (coming.step()) {
        out.push_back({"duplicate", "'" + name + "' is the coming name of place " + std::to_string(coming.column_int(0)) + " (from " + coming.column_text(1) + ")",
                       true, coming.column_int(0), {{"name", name}, {"status", "coming"}, {"date", coming.column_text(1)}}});
    }
    coming.reset();

    const std::string key = pinyin::Romanizer::shared().key(name);
    auto& homophone = db.cached(
        "SELECT id, name FROM place_names WHERE pinyin_key = ?1 AND name <> ?2 AND status IN ('proposed','approved','registered') AND id <> ?3");
    homophone.bind(1, key).bind(2, name).bind(3, me);
    while (homophone.step()) {
        out.push_back({"homophone", "sounds the same as " + homophone.column_text(1) + " (" + key + ")", false, homophone.column_int(0),
                       {{"name", homophone.column_text(1)}, {"key", key}}});
    }
    homophone.reset();

    auto& former = db.cached(
        "SELECT h.place_name_id, p.name, h.effective_on FROM place_name_history h JOIN place_names p ON p.id = h.place_name_id "
        "WHERE h.former_name = ?1 AND h.effective_on >= date('now', ?2) AND h.place_name_id <> ?3");
    former.bind(1, name).bind(2, "-" + std::to_string(rules.memory_years) + " years").bind(3, me);
    while (former.step()) {
        out.push_back({"former_name", "'" + name + "' was the name of today's " + former.column_text(1) + " until " + former.column_text(2) +
                                          " (within " + std::to_string(rules.memory_years) + " years)",
                       false, former.column_int(0), {{"name", former.column_text(1)}, {"date", former.column_text(2)}}});
    }
    former.reset();
    auto& retired = db.cached(
        "SELECT id, updated_at FROM place_names WHERE name = ?1 AND status = 'retired' AND updated_at >= date('now', ?2) AND id <> ?3");
    retired.bind(1, name).bind(2, "-" + std::to_string(rules.memory_years) + " years").bind(3, me);
    while (retired.step()) {
        out.push_back({"former_name", "'" + name + "' is a name retired on " + retired.column_text(1).substr(0, 10), false, retired.column_int(0),
                       {{"status", "retired"}, {"date", retired.column_text(1).substr(0, 10)}}});
    }
    retired.reset();
    return out;
}

void require_acceptable(const std::vector<Conflict>& conflicts, const std::vector<std::string>& accepted) {
    std::vector<Conflict> refused;
    for (const auto& c : conflicts) {
        if (c.blocking || std::find(accepted.begin(), accepted.end(), c.kind) == accepted.end()) refused.push_back(c);
    }
    if (refused.empty()) return;
    std::string message = "the name has " + std::to_string(refused.size()) + " conflict(s): " + refused.front().message;
    const bool any_blocking = std::any_of(refused.begin(), refused.end(), [](const Conflict& c) { return c.blocking; });
    if (!any_blocking) message += " (the committee may accept homophone and former_name conflicts by naming them in 'accept')";
    throw naming_error{message, std::move(refused)};
}

nlohmann::json to_json(const std::vector<Conflict>& conflicts) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : conflicts) {
        nlohmann::json j{{"kind", c.kind}, {"message", c.message}, {"blocking", c.blocking}};
        if (c.place_name_id) j["place_name_id"] = *c.place_name_id;
        j["facts"] = c.facts;
        out.push_back(std::move(j));
    }
    return out;
}

} // namespace diming::naming
