#include "address/evaluation.hpp"

#include "address/parser.hpp"
#include "core/error.hpp"

#include <fstream>
#include <set>
#include <tuple>

namespace diming::address {

namespace {

struct Entity {
    int begin, end;
    std::string label;
    auto operator<=>(const Entity&) const = default;
};

// BIOES tags to entity spans (in characters).
std::set<Entity> entities_of(const std::vector<std::string>& tags) {
    std::set<Entity> out;
    int start = -1;
    std::string label;
    for (int i = 0; i < static_cast<int>(tags.size()); ++i) {
        const std::string& t = tags[i];
        if (t == "O" || t.size() < 3) { start = -1; continue; }
        const char kind = t[0];
        const std::string l = t.substr(2);
        if (kind == 'S') { out.insert({i, i + 1, l}); start = -1; }
        else if (kind == 'B') { start = i; label = l; }
        else if (kind == 'E' && start >= 0 && l == label) { out.insert({start, i + 1, l}); start = -1; }
        else if (kind == 'I' && (start < 0 || l != label)) start = -1;
    }
    return out;
}

} // namespace

std::string ccks_label(Level level, const std::string& text, bool has_road) {
    switch (level) {
    case Level::province: return "prov";
    case Level::city: return "city";
    case Level::county: return "district";
    case Level::town: return "town";
    case Level::community: return "community";
    case Level::hamlet: return text.ends_with("组") ? "village_group" : "community";
    case Level::road: return "road";
    case Level::number: return has_road ? "roadno" : "houseno";
    case Level::compound: return "poi";
    case Level::building: return "houseno";
    case Level::unit: return "cellno";
    case Level::floor: return "floorno";
    case Level::room: return ""; // the file tags room numbers O
    case Level::devzone: return "devzone";
    case Level::subpoi: return "subpoi";
    case Level::assist: return "assist";
    case Level::intersection: return "intersection";
    case Level::distance: return "distance";
    }
    return "";
}

Evaluation evaluate_conll(const std::filesystem::path& path, const Gazetteer& gazetteer) {
    std::ifstream in{path, std::ios::binary};
    if (!in) throw input_error{path.string() + ": cannot read"};
    Evaluation ev;
    std::set<std::string> mapped{"prov", "city", "district", "town", "community", "village_group", "road", "roadno", "poi",
                                 "houseno", "cellno", "floorno", "devzone", "subpoi", "assist", "intersection", "distance"};
    std::string text;
    std::vector<std::string> tags;
    auto score = [&] {
        if (tags.empty()) return;
        ++ev.addresses;
        const auto gold = entities_of(tags);
        std::set<Entity> predicted;
        try {
            const auto a = parse(text, gazetteer, ParseOptions{.road_candidates = false, .near = std::nullopt});
            const bool has_road = a.get(Level::road) != nullptr;
            for (const auto& c : a.components) {
                const std::string l = ccks_label(c.level, c.text, has_road);
                if (!l.empty()) predicted.insert({c.span.begin, c.span.end, l});
            }
        } catch (const input_error&) {
        }
        for (const auto& g : gold) {
            ev.labels[g.label].gold++;
            ev.micro.gold++;
            if (mapped.contains(g.label)) ev.micro_mapped.gold++;
            if (predicted.contains(g)) continue;
            std::string instead = "(missed)";
            for (const auto& p : predicted) {
                if (p.begin == g.begin && p.end == g.end) {
                    instead = p.label;
                    break;
                }
                if (p.begin < g.end && g.begin < p.end && instead == "(missed)") instead = "~" + p.label;
            }
            ev.confusion[g.label][instead]++;
        }
        for (const auto& p : predicted) {
            const bool ok = gold.contains(p);
            ev.labels[p.label].predicted++;
            ev.micro.predicted++;
            ev.micro_mapped.predicted++;
            if (ok) {
                ev.labels[p.label].correct++;
                ev.micro.correct++;
                ev.micro_mapped.correct++;
            }
        }
        text.clear();
        tags.clear();
    };
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) { score(); continue; }
        const auto sp = line.rfind(' ');
        if (sp == std::string::npos || sp == 0) throw input_error{path.string() + ": a line is not 'CHAR TAG': " + line};
        text += line.substr(0, sp);
        tags.push_back(line.substr(sp + 1));
    }
    score();
    return ev;
}

} // namespace diming::address
