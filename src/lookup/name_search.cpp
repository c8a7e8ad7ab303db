#include "lookup/name_search.hpp"

#include "address/gazetteer.hpp"
#include "address/normalize.hpp"
#include "address/parser.hpp"
#include "core/text.hpp"
#include "pinyin/romanizer.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace diming::lookup {

namespace {

constexpr std::array<const char*, 10> match_names{"exact", "prefix", "substring", "pinyin", "initials", "former", "alias", "nearby", "homophone", "typo"};
constexpr std::array<const char*, 5> statuses{"proposed", "approved", "registered", "rejected", "retired"};
// Terms read from the index for one query; a one-character query in a provincial registry
// could otherwise pull every road.
constexpr int max_terms = 5'000;
// With `near` and more candidates than this, search outward from the point instead of
// measuring every candidate.
constexpr std::size_t measure_all_below = 300;

struct Candidate {
    std::int64_t id;
    NameMatch match;
    std::string term;
};

class Candidates {
public:
    void offer(std::int64_t id, NameMatch match, std::string term) {
        auto [it, inserted] = index_.try_emplace(id, list_.size());
        if (inserted) {
            list_.push_back({id, match, std::move(term)});
        } else if (match < list_[it->second].match) {
            list_[it->second] = {id, match, std::move(term)};
        }
    }
    std::vector<Candidate>& list() { return list_; }
    bool empty() const { return list_.empty(); }

private:
    std::vector<Candidate> list_;
    std::unordered_map<std::int64_t, std::size_t> index_;
};

bool is_pinyin_query(std::string_view q) {
    bool letter = false;
    for (char c : q) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letter = true;
        else if (c != ' ' && c != '\'' && c != '-') return false;
    }
    return letter;
}

std::string pinyin_key(std::string_view q) {
    std::string k;
    for (char c : q) {
        if (c >= 'A' && c <= 'Z') k += static_cast<char>(c - 'A' + 'a');
        else if (c >= 'a' && c <= 'z') k += c;
    }
    return k;
}

std::string fts_phrase(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// Filters resolved once per query.
struct Filters {
    std::optional<std::string> category;
    std::optional<std::string> status;
    std::optional<std::string> town_prefix; // first 9 digits of the town's code
    std::optional<BBox> bbox;
};

Filters resolve_filters(store::Database& db, const NameQuery& q) {
    Filters f;
    if (q.category) {
        auto& s = db.cached("SELECT 1 FROM place_name_categories WHERE code = ?1");
        s.bind(1, *q.category);
        if (!s.step()) throw query_error{"category", "unknown category code '" + *q.category + "'"};
        s.reset();
        f.category = q.category;
    }
    if (q.status) {
        if (std::find(statuses.begin(), statuses.end(), *q.status) == statuses.end()) {
            throw query_error{"status", "unknown status '" + *q.status + "' (proposed, approved, registered, rejected, retired)"};
        }
        f.status = q.status;
    }
    if (q.town) {
        const std::string& t = *q.town;
        const bool digits = !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
        auto& s = db.cached("SELECT code FROM divisions WHERE level = 4 AND (code = ?1 OR name = ?2 OR short_name = ?2) ORDER BY code LIMIT 1");
        s.bind(1, digits && t.size() == 9 ? t + "000" : t).bind(2, t);
        if (!s.step()) throw query_error{"town", "no town '" + t + "' in the registry (give its code or name)"};
        f.town_prefix = s.column_text(0).substr(0, 9);
        s.reset();
    }
    f.bbox = q.bbox;
    return f;
}

std::optional<BBox> extent_of(store::Database& db, std::int64_t id) {
    auto& s = db.cached("SELECT xmin, ymin, xmax, ymax FROM idx_place_names_geom WHERE pkid = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    BBox b{s.column_double(0), s.column_double(1), s.column_double(2), s.column_double(3)};
    s.reset();
    return b;
}

// The hit for a place name if it passes the filters.
std::optional<NameHit> load_hit(store::Database& db, const Candidate& c, const Filters& f) {
    auto& s = db.cached(
        "SELECT p.name, p.pinyin, p.category_code, c.name, p.division_code, p.status, d.code, d.short_name "
        "FROM place_names p JOIN place_name_categories c ON c.code = p.category_code "
        "LEFT JOIN divisions d ON d.code = substr(p.division_code, 1, 9) || '000' WHERE p.id = ?1");
    s.bind(1, c.id);
    if (!s.step()) return std::nullopt;
    NameHit h;
    h.id = c.id;
    h.name = s.column_text(0);
    h.pinyin = s.column_text(1);
    h.category_code = s.column_text(2);
    h.category_name = s.column_text(3);
    h.division_code = s.column_text(4);
    h.status = s.column_text(5);
    h.town_code = s.column_text(6);
    h.town_name = s.column_text(7);
    s.reset();
    if (f.category && h.category_code != *f.category) return std::nullopt;
    if (f.status && h.status != *f.status) return std::nullopt;
    if (f.town_prefix && h.division_code.compare(0, 9, *f.town_prefix) != 0) return std::nullopt;
    h.extent = extent_of(db, c.id);
    if (f.bbox && (!h.extent || !h.extent->intersects(*f.bbox))) return std::nullopt;
    h.match = c.match;
    h.matched = c.term;
    return h;
}

std::optional<double> distance_to(store::Database& db, std::int64_t id, LonLat p) {
    // Measured in EPSG:4549 (CGCS2000 Gauss-Krüger, CM 120°E), as the registry measures everything.
    auto& s = db.cached(
        "SELECT ST_Distance(ST_Transform(geom, 4549), ST_Transform(MakePoint(?1, ?2, 4490), 4549)) "
        "FROM place_names WHERE id = ?3 AND geom IS NOT NULL");
    s.bind(1, p.lon).bind(2, p.lat).bind(3, id);
    if (!s.step() || s.is_null(0)) return std::nullopt;
    const double d = s.column_double(0);
    s.reset();
    return d;
}

void collect_text_candidates(store::Database& db, const std::string& raw_q, Candidates& out) {
    const auto normalized = address::normalize(raw_q);
    const std::string q = text::to_utf8(normalized.text);
    if (!q.empty()) {
        if (normalized.text.size() >= 3) {
            // Current, former and alias names containing q, through the trigram index.
            auto& s = db.cached("SELECT rowid, term FROM place_name_terms WHERE place_name_terms MATCH ?1 LIMIT ?2");
            s.bind(1, fts_phrase(q)).bind(2, max_terms);
            std::vector<std::tuple<std::int64_t, int, std::string>> rows;
            while (s.step()) rows.emplace_back(s.column_int(0) / 4, static_cast<int>(s.column_int(0) % 4), s.column_text(1));
            s.reset();
            for (auto& [id, kind, term] : rows) {
                if (kind == 0) {
                    const NameMatch m = term == q ? NameMatch::exact : term.rfind(q, 0) == 0 ? NameMatch::prefix : NameMatch::substring;
                    out.offer(id, m, std::move(term));
                    continue;
                }
                auto& owner = db.cached(kind == 1 ? "SELECT place_name_id FROM place_name_history WHERE id = ?1"
                                                  : "SELECT place_name_id FROM place_name_aliases WHERE id = ?1");
                owner.bind(1, id);
                if (owner.step()) out.offer(owner.column_int(0), kind == 1 ? NameMatch::former : NameMatch::alias, std::move(term));
                owner.reset();
            }
        } else {
            // One or two characters: trigrams cannot answer, so exact and prefix go through
            // the name index and the substring case scans the names (a county has thousands).
            const std::string upper = prefix_upper_bound(q);
            auto& s = db.cached("SELECT id, name FROM place_names WHERE name >= ?1 AND name < ?2");
            s.bind(1, q).bind(2, upper);
            while (s.step()) {
                std::string term = s.column_text(1);
                out.offer(s.column_int(0), term == q ? NameMatch::exact : NameMatch::prefix, std::move(term));
            }
            s.reset();
            auto& sub = db.cached("SELECT id, name FROM place_names WHERE instr(name, ?1) > 1 LIMIT ?2");
            sub.bind(1, q).bind(2, max_terms);
            while (sub.step()) out.offer(sub.column_int(0), NameMatch::substring, sub.column_text(1));
            sub.reset();
            auto& former = db.cached("SELECT place_name_id, former_name FROM place_name_history WHERE former_name >= ?1 AND former_name < ?2");
            former.bind(1, q).bind(2, upper);
            while (former.step()) out.offer(former.column_int(0), NameMatch::former, former.column_text(1));
            former.reset();
            auto& alias = db.cached("SELECT place_name_id, alias FROM place_name_aliases WHERE alias >= ?1 AND alias < ?2");
            alias.bind(1, q).bind(2, upper);
            while (alias.step()) out.offer(alias.column_int(0), NameMatch::alias, alias.column_text(1));
            alias.reset();
        }
    }
    if (is_pinyin_query(raw_q)) {
        const std::string key = pinyin_key(raw_q);
        const std::string upper = key + "{"; // '{' follows 'z'
        auto& full = db.cached("SELECT id, pinyin FROM place_names WHERE pinyin_key >= ?1 AND pinyin_key < ?2 LIMIT ?3");
        full.bind(1, key).bind(2, upper).bind(3, max_terms);
        while (full.step()) out.offer(full.column_int(0), NameMatch::pinyin, full.column_text(1));
        full.reset();
        auto& initials = db.cached("SELECT id, pinyin FROM place_names WHERE pinyin_initials >= ?1 AND pinyin_initials < ?2 LIMIT ?3");
        initials.bind(1, key).bind(2, upper).bind(3, max_terms);
        while (initials.step()) out.offer(initials.column_int(0), NameMatch::initials, initials.column_text(1));
        initials.reset();
        // Former names by their pinyin (renamings are few: read them all).
        auto& former = db.cached("SELECT place_name_id, former_name, former_pinyin FROM place_name_history WHERE former_pinyin <> ''");
        while (former.step()) {
            if (pinyin_key(former.column_text(2)).rfind(key, 0) == 0) out.offer(former.column_int(0), NameMatch::former, former.column_text(1));
        }
        former.reset();
    }
}

// Names that sound like q (the same pinyin key) or differ from it in one character: what a
// clerk who typed a homophone or slipped on one character meant. Only when no name is q.
void collect_fuzzy_candidates(store::Database& db, const std::string& q, Candidates& out) {
    const auto chars = text::to_u32(q);
    if (chars.size() < 2 || chars.size() > 12) return;
    const std::string key = pinyin::Romanizer::shared().key(q);
    if (!key.empty()) {
        auto& same = db.cached("SELECT id, name FROM place_names WHERE pinyin_key = ?1 AND name <> ?2 LIMIT 50");
        same.bind(1, key).bind(2, q);
        while (same.step()) out.offer(same.column_int(0), NameMatch::homophone, same.column_text(1));
        same.reset();
    }
    auto& like = db.cached("SELECT id, name FROM place_names WHERE name GLOB ?1 AND name <> ?2 LIMIT 50");
    for (std::size_t i = 0; i < chars.size(); ++i) {
        std::u32string pattern;
        for (std::size_t k = 0; k < chars.size(); ++k) {
            const char32_t ch = chars[k];
            if (k == i) pattern += U'?';
            else if (ch == U'*' || ch == U'?' || ch == U'[') pattern += std::u32string{U'['} + ch + U']';
            else pattern += ch;
        }
        like.bind(1, text::to_utf8(pattern)).bind(2, q);
        while (like.step()) out.offer(like.column_int(0), NameMatch::typo, like.column_text(1));
        like.reset();
    }
}

void rank(std::vector<Candidate>& list, const std::string& q) {
    std::stable_sort(list.begin(), list.end(), [&](const Candidate& a, const Candidate& b) {
        if (a.match != b.match) return a.match < b.match;
        const bool ea = a.term == q, eb = b.term == q;
        if (ea != eb) return ea;
        const auto la = text::code_points(a.term), lb = text::code_points(b.term);
        if (la != lb) return la < lb;
        if (a.term != b.term) return a.term < b.term;
        return a.id < b.id;
    });
}

// Hits nearest `p` among `allowed` (all names when null), searching outward through the R*Tree.
std::vector<NameHit> nearest(store::Database& db, LonLat p, const std::unordered_map<std::int64_t, Candidate>* allowed,
                             const Filters& f, std::size_t wanted) {
    std::vector<NameHit> found;
    std::unordered_set<std::int64_t> seen;
    for (double radius = 300; ; radius *= 3) {
        const BBox box = box_around(p, radius);
        auto& s = db.cached("SELECT pkid FROM idx_place_names_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4");
        s.bind(1, box.min_lon).bind(2, box.min_lat).bind(3, box.max_lon).bind(4, box.max_lat);
        std::vector<std::int64_t> ids;
        while (s.step()) ids.push_back(s.column_int(0));
        s.reset();
        for (auto id : ids) {
            if (!seen.insert(id).second) continue;
            Candidate c{id, NameMatch::nearby, ""};
            if (allowed) {
                auto it = allowed->find(id);
                if (it == allowed->end()) continue;
                c = it->second;
            }
            auto hit = load_hit(db, c, f);
            if (!hit) continue;
            hit->distance_m = distance_to(db, id, p);
            if (hit->distance_m) found.push_back(std::move(*hit));
        }
        const auto within = std::count_if(found.begin(), found.end(), [&](const NameHit& h) { return *h.distance_m <= radius; });
        // 2,000 km: beyond any county; the whole registry has been seen.
        if (static_cast<std::size_t>(within) >= wanted || radius > 2'000'000) break;
    }
    return found;
}

void order_by_distance(std::vector<NameHit>& hits) {
    std::stable_sort(hits.begin(), hits.end(), [](const NameHit& a, const NameHit& b) {
        if (*a.distance_m != *b.distance_m) return *a.distance_m < *b.distance_m;
        return a.match < b.match;
    });
}

NameSearchResult page(std::vector<NameHit> hits, const NameQuery& q) {
    NameSearchResult r;
    const auto begin = std::min<std::size_t>(hits.size(), static_cast<std::size_t>(q.offset));
    const auto end = std::min<std::size_t>(hits.size(), begin + static_cast<std::size_t>(q.limit));
    r.more = hits.size() > end;
    r.hits.assign(std::make_move_iterator(hits.begin() + static_cast<std::ptrdiff_t>(begin)),
                  std::make_move_iterator(hits.begin() + static_cast<std::ptrdiff_t>(end)));
    return r;
}

// `guess`: when nothing else matches, names that sound like q or differ by one character.
NameSearchResult search_text(store::Database& db, const NameQuery& query, const std::string& q, const Filters& f, bool guess = false) {
    const std::size_t wanted = static_cast<std::size_t>(query.offset) + static_cast<std::size_t>(query.limit) + 1;
    Candidates cands;
    const std::string normalized = text::to_utf8(address::normalize(q).text);
    if (guess) collect_fuzzy_candidates(db, normalized, cands);
    else collect_text_candidates(db, q, cands);
    auto& list = cands.list();
    std::vector<NameHit> hits;
    if (query.near) {
        if (list.size() <= measure_all_below) {
            for (const auto& c : list) {
                auto hit = load_hit(db, c, f);
                if (!hit) continue;
                hit->distance_m = distance_to(db, c.id, *query.near);
                if (hit->distance_m) hits.push_back(std::move(*hit));
            }
        } else {
            std::unordered_map<std::int64_t, Candidate> allowed;
            for (auto& c : list) allowed.emplace(c.id, c);
            hits = nearest(db, *query.near, &allowed, f, wanted);
        }
        order_by_distance(hits);
    } else {
        rank(list, normalized);
        for (const auto& c : list) {
            auto hit = load_hit(db, c, f);
            if (hit) hits.push_back(std::move(*hit));
            if (hits.size() >= wanted) break;
        }
    }
    auto r = page(std::move(hits), query);
    r.searched = q;
    return r;
}

NameSearchResult search_places(store::Database& db, const NameQuery& query, const Filters& f) {
    const std::size_t wanted = static_cast<std::size_t>(query.offset) + static_cast<std::size_t>(query.limit) + 1;
    std::vector<NameHit> hits;
    if (query.near) {
        hits = nearest(db, *query.near, nullptr, f, wanted);
        order_by_distance(hits);
    } else {
        // Browsing (optionally inside a box): in id order.
        std::vector<std::int64_t> ids;
        if (f.bbox) {
            auto& s = db.cached("SELECT pkid FROM idx_place_names_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4");
            s.bind(1, f.bbox->min_lon).bind(2, f.bbox->min_lat).bind(3, f.bbox->max_lon).bind(4, f.bbox->max_lat);
            while (s.step()) ids.push_back(s.column_int(0));
            s.reset();
            std::sort(ids.begin(), ids.end());
        } else {
            auto& s = db.cached(
                "SELECT id FROM place_names WHERE (?1 IS NULL OR category_code = ?1) AND (?2 IS NULL OR status = ?2) "
                "AND (?3 IS NULL OR substr(division_code, 1, 9) = ?3) ORDER BY id LIMIT ?4");
            s.bind(1, f.category).bind(2, f.status).bind(3, f.town_prefix).bind(4, static_cast<std::int64_t>(wanted));
            while (s.step()) ids.push_back(s.column_int(0));
            s.reset();
        }
        for (auto id : ids) {
            auto hit = load_hit(db, {id, NameMatch::nearby, ""}, f);
            if (hit) hits.push_back(std::move(*hit));
            if (hits.size() >= wanted) break;
        }
    }
    return page(std::move(hits), query);
}

// The last resort: homophones and one-character typos of q, when nothing else was found.
NameSearchResult guesses(store::Database& db, const NameQuery& query, const std::string& q, const Filters& f, NameSearchResult found) {
    if (is_pinyin_query(q)) return found;
    auto guessed = search_text(db, query, q, f, true);
    found.hits = std::move(guessed.hits);
    found.more = guessed.more;
    return found;
}

} // namespace

const char* to_string(NameMatch m) noexcept { return match_names[static_cast<std::size_t>(m)]; }

NameSearchResult search_names(store::Database& db, const NameQuery& query, const address::Gazetteer* gazetteer) {
    if (query.limit < 1 || query.limit > max_name_limit) throw query_error{"limit", "must be between 1 and " + std::to_string(max_name_limit)};
    if (query.offset < 0 || query.offset > max_name_offset) throw query_error{"offset", "must be between 0 and " + std::to_string(max_name_offset)};
    const std::string q = parse_text(query.q, "q", max_query_code_points);
    const Filters f = resolve_filters(db, query);
    if (q.empty()) return search_places(db, query, f);

    auto result = search_text(db, query, q, f);
    // The text read as an address, once, when it is needed.
    std::optional<address::AddressComponents> address_of_q;
    auto parsed_q = [&]() -> const address::AddressComponents& {
        if (!address_of_q) address_of_q = address::parse(q, *gazetteer, {.road_candidates = false, .near = std::nullopt});
        return *address_of_q;
    };
    // Towns and communities, and compounds, beside the names (the first page only).
    if (query.offset == 0 && !is_pinyin_query(q)) {
        result.divisions = search_divisions(db, q, 10);
        result.compounds = search_compounds(db, q, "", 10);
        const bool has_digit = q.find_first_of("0123456789") != std::string::npos;
        if (result.compounds.empty() && gazetteer && has_digit) { // 某某苑3幢: the compound and the building asked for
            const auto& a = parsed_q();
            if (a.get(address::Level::compound) && !a.get(address::Level::road)) {
                result.compounds = search_compounds(db, a.value(address::Level::compound), a.value(address::Level::building), 10);
            }
        }
    }
    if (!result.hits.empty() || !result.divisions.empty() || !result.compounds.empty()) return result;
    if (!gazetteer) return guesses(db, query, q, f, std::move(result));
    // Nothing by that name: perhaps it is an address (人民路12号, 新埭镇鱼圻塘村朱家浜5号).
    const auto& parsed = parsed_q();
    std::string place = parsed.value(address::Level::road);
    if (place.empty()) place = parsed.value(address::Level::hamlet);
    if (place.empty()) place = parsed.value(address::Level::compound);
    if (place.empty()) place = parsed.value(address::Level::community);
    if (place.empty() || place == q) return guesses(db, query, q, f, std::move(result));
    auto by_place = search_text(db, query, place, f);
    if (by_place.hits.empty()) return guesses(db, query, q, f, std::move(result));
    if (parsed.get(address::Level::number)) {
        by_place.number = parsed.value(address::Level::number) + (parsed.suffix.empty() ? "" : "-" + parsed.suffix);
    }
    return by_place;
}

nlohmann::json to_json(const NameSearchResult& r) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : r.hits) {
        nlohmann::json j{{"id", h.id},
                         {"name", h.name},
                         {"pinyin", h.pinyin},
                         {"category", {{"code", h.category_code}, {"name", h.category_name}}},
                         {"division_code", h.division_code},
                         {"town", {{"code", h.town_code}, {"name", h.town_name}}},
                         {"status", h.status},
                         {"match", to_string(h.match)}};
        if (h.match == NameMatch::homophone || h.match == NameMatch::typo) {
            j["fuzzy"] = true;
            j["note"] = h.match == NameMatch::homophone ? h.name + " sounds like what was typed" : h.name + " differs from what was typed by one character";
        }
        if (h.match == NameMatch::former) {
            j["former_name"] = h.matched;
            j["note"] = h.matched + " is a former name of " + h.name;
        } else if (h.match == NameMatch::alias) {
            j["alias"] = h.matched;
        }
        if (h.distance_m) j["distance_m"] = std::round(*h.distance_m * 10) / 10;
        if (h.extent) j["bbox"] = bbox_json(h.extent);
        hits.push_back(std::move(j));
    }
    nlohmann::json divisions = nlohmann::json::array(), compounds = nlohmann::json::array();
    for (const auto& d : r.divisions) divisions.push_back(to_json(d));
    for (const auto& c : r.compounds) compounds.push_back(to_json(c));
    nlohmann::json out{{"searched", r.searched}, {"hits", std::move(hits)}, {"more", r.more}, {"divisions", std::move(divisions)},
                       {"compounds", std::move(compounds)}};
    if (r.number) out["number"] = *r.number;
    return out;
}

} // namespace diming::lookup
