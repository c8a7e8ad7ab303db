// The web map in headless Chromium (Debian's chromium): it loads without console errors,
// draws features, and its search finds 人民路 and flies there. The page's self-test
// (?selftest=1) reports what it drew into #selftest, which --dump-dom prints; a screenshot is
// kept as a test artefact (build/tests/artefacts/web-map.png).

#include <catch2/catch.hpp>

#include "server/registry_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <regex>

using namespace diming::testing;

namespace {

std::string chromium(const std::string& args, const std::filesystem::path& out) {
    // --no-sandbox: CI runs as root. Virtual time lets the page finish its work without a fixed wait.
    const std::string cmd = "timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,800 "
                            "--virtual-time-budget=30000 " + args + " > '" + out.string() + "' 2>/dev/null";
    const int rc = std::system(cmd.c_str());
    INFO(cmd);
    REQUIRE(rc == 0);
    return read_file(out);
}

} // namespace

TEST_CASE("the web map loads in headless Chromium, draws, and its search flies to 人民路") {
    REQUIRE(std::system("command -v chromium > /dev/null") == 0); // ./dev installs Debian's chromium
    TempDir dir;
    build_registry(dir / "r.sqlite");
    ServerProcess server{dir / "r.sqlite", {"--access-log", ""}};
    const std::string url = server.url() + "/?selftest=1";

    const std::string dom = chromium("--dump-dom '" + url + "'", dir / "dom.html");
    std::smatch m;
    REQUIRE(std::regex_search(dom, m, std::regex{R"(<pre id="selftest">([^<]*)</pre>)"}));
    const auto report = nlohmann::json::parse(m[1].str());
    INFO(report.dump());
    CHECK(report["errors"].empty());
    CHECK(report["search"]["first"] == "人民路");
    CHECK(report["features"].get<int>() > 0);
    CHECK(report["searched_road_drawn"] == true);
    // It flew to 人民路 (121.000-121.010 along 30.700).
    CHECK(report["center"][0].get<double>() == Approx(121.005).margin(0.01));
    CHECK(report["center"][1].get<double>() == Approx(30.700).margin(0.01));
    CHECK(report["zoom"].get<double>() >= 14);

    const auto artefacts = std::filesystem::path{DIMING_BINARY}.parent_path() / "tests" / "artefacts";
    std::filesystem::create_directories(artefacts);
    const auto shot = artefacts / "web-map.png";
    std::filesystem::remove(shot);
    chromium("--screenshot='" + shot.string() + "' '" + url + "'", dir / "shot.log");
    CHECK(std::filesystem::file_size(shot) > 10'000);
}
