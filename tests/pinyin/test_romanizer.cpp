#include <catch2/catch.hpp>

#include "pinyin/romanizer.hpp"
#include "support/temp_dir.hpp"

#include <fstream>
#include <sstream>

using namespace diming::pinyin;

namespace {

struct Case {
    int line;
    std::string name, kind, spelling, key, initials;
};

std::vector<Case> load_cases() {
    std::ifstream in{diming::testing::source_dir() / "tests/pinyin/place_names.tsv"};
    std::vector<Case> out;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> f;
        std::stringstream ss{line};
        std::string part;
        while (std::getline(ss, part, '\t')) f.push_back(part);
        REQUIRE(f.size() == 5);
        out.push_back({n, f[0], f[1], f[2], f[3], f[4]});
    }
    return out;
}

} // namespace

TEST_CASE("place names are romanised by the place-name spelling rules") {
    const auto& r = Romanizer::shared();
    const auto cases = load_cases();
    REQUIRE(cases.size() >= 60);
    for (const auto& c : cases) {
        INFO("place_names.tsv:" << c.line << " " << c.name);
        const auto got = r.romanize(c.name, c.kind == "one_word" ? NameKind::one_word : NameKind::generic_separate);
        CHECK(got.spelling == c.spelling);
        CHECK(got.key == c.key);
        CHECK(got.initials == c.initials);
    }
}

TEST_CASE("homophones share a key and other names do not") {
    const auto& r = Romanizer::shared();
    CHECK(r.key("人民路") == r.key("仁民路"));
    CHECK(r.key("新华路") == r.key("心华路"));
    CHECK(r.key("人民路") != r.key("人名路"));
    CHECK(r.key("") == "");
    CHECK(r.key("ABC") == "abc");
}
