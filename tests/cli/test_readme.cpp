// The README as a newcomer reads it: the demo transcript it shows is what `diming demo`
// prints, and every request body it documents is one the server takes.

#include <catch2/catch.hpp>

#include "server/registry_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

using namespace diming::testing;

namespace {

std::string readme() { return read_file(source_dir() / "README.md"); }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
        out.push_back(line);
    }
    return out;
}

struct DocumentedBody {
    std::string method, path;
    std::vector<std::string> fields; // as written, without '?' and ': …'
};

// The rows of the README's endpoint tables whose second cell starts with a `{…}` body.
std::vector<DocumentedBody> documented_bodies(const std::string& text) {
    std::vector<DocumentedBody> out;
    const std::regex row{R"(^\| `(POST|PUT|PATCH|DELETE) ([^`]+)`[^|]*\| (.*)$)"};
    const std::regex body{R"(`\{([^}]*)\}`)"};
    for (const auto& line : lines_of(text)) {
        std::smatch m;
        if (!std::regex_match(line, m, row)) continue;
        std::string path = m[2];
        // a/b\|c alternatives: one path each.
        std::vector<std::string> paths;
        const auto bar = path.find("\\|");
        if (bar == std::string::npos) {
            paths.push_back(path);
        } else {
            const auto slash = path.rfind('/', bar);
            const std::string base = path.substr(0, slash + 1);
            std::string rest = path.substr(slash + 1);
            for (std::size_t at; (at = rest.find("\\|")) != std::string::npos; rest.erase(0, at + 2)) paths.push_back(base + rest.substr(0, at));
            paths.push_back(base + rest);
        }
        const std::string cells = m[3];
        for (auto b = std::sregex_iterator(cells.begin(), cells.end(), body); b != std::sregex_iterator(); ++b) {
            std::vector<std::string> fields;
            const std::string inner = (*b)[1];
            // Fields are separated by commas outside brackets (point: [lon, lat] is one field).
            std::vector<std::string> parts{""};
            int depth = 0;
            for (char ch : inner) {
                depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
                if (ch == ',' && depth == 0) parts.emplace_back();
                else parts.back() += ch;
            }
            for (const auto& part : parts) {
                const auto start = part.find_first_not_of(' ');
                if (start == std::string::npos) continue;
                std::string name;
                for (char ch : part.substr(start)) {
                    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) break;
                    name += ch;
                }
                if (!name.empty()) fields.push_back(name);
            }
            for (const auto& p : paths) out.push_back({m[1], p, fields});
        }
    }
    return out;
}

} // namespace

TEST_CASE("the demo transcript in the README is what diming demo prints") {
    const auto text = readme();
    const auto start = text.find("### What the demo prints\n\n```\n");
    REQUIRE(start != std::string::npos);
    const auto from = text.find("```\n", start) + 4;
    const auto to = text.find("\n```", from);
    const auto documented = lines_of(text.substr(from, to - from));
    REQUIRE(documented.size() > 20);
    TempDir dir;
    const auto r = run_diming({"demo"}, dir.path());
    REQUIRE(r.exit_code == 0);
    // The one path that depends on where diming is: the shipped divisions.
    const auto printed = lines_of(std::regex_replace(r.out, std::regex{R"(\S*data/divisions/330482\.csv)"}, "data/divisions/330482.csv"));
    REQUIRE(printed.size() == documented.size());
    for (std::size_t i = 0; i < documented.size(); ++i) {
        INFO("README line " << i + 1 << " of the transcript");
        CHECK(printed[i] == documented[i]);
    }
}

TEST_CASE("the README's schema version is the one diming init creates") {
    TempDir dir;
    const auto r = run_diming({"init", "--db", (dir / "r.sqlite").string()});
    REQUIRE(r.exit_code == 0);
    std::smatch made;
    REQUIRE(std::regex_search(r.out, made, std::regex{R"(schema version 0 -> (\d+))"}));
    const std::regex version{R"(schema version (\d+))"};
    const auto text = readme();
    int mentions = 0;
    for (auto m = std::sregex_iterator(text.begin(), text.end(), version); m != std::sregex_iterator(); ++m) {
        CHECK((*m)[1] == made[1]);
        ++mentions;
    }
    CHECK(mentions > 0);
}

TEST_CASE("every request body the README documents is accepted field by field by the server") {
    const auto bodies = documented_bodies(readme());
    REQUIRE(bodies.size() >= 8);
    ServedRegistry r;
    const auto admin = r.token("readme-admin", "admin");
    r.serve({"--access-log", ""});
    auto c = r.server->client();
    int checked = 0;
    for (const auto& b : bodies) {
        const std::string path = std::regex_replace(b.path, std::regex{R"(\{[a-z_]+\})"}, "1");
        for (const auto& field : b.fields) {
            INFO(b.method << " " << path << " field " << field);
            // Unknown fields are refused before anything else is looked at: a null value is enough.
            const std::string body = nlohmann::json{{field, nullptr}}.dump();
            const httplib::Headers auth{{"Authorization", "Bearer " + admin}};
            auto res = b.method == "POST" ? c.Post(path.c_str(), auth, body, "application/json")
                       : b.method == "PUT" ? c.Put(path.c_str(), auth, body, "application/json")
                                           : c.Patch(path.c_str(), auth, body, "application/json");
            REQUIRE(res);
            CHECK_THAT(res->body, !Catch::Contains("unknown field") && !Catch::Contains("no such resource"));
            ++checked;
        }
    }
    CHECK(checked >= 30);
}
