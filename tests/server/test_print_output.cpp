// What the sign shop and the household receive, checked with the tools they would open it
// with: the print order's PDF (poppler's pdfinfo, pdffonts, pdftotext, pdftoppm), the QR
// codes (zbarimg), the public page they lead to, and the door-plate certificates.

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "printing/plate_template.hpp"
#include "registry_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <gdal.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

using namespace diming::testing;
using nlohmann::json;

namespace {

struct PrintRegistry : ServedRegistry {
    std::string clerk, committee;
    json door, building, room;
    std::string order;

    PrintRegistry() {
        clerk = token("clerk-1", "clerk");
        committee = token("committee-1", "committee");
        serve({"--access-log", ""});
        door = post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0050, 30.7001}}, {"applicant", "王秘密"}});
        building = post("/api/v1/doorplates", {{"parent_id", door["door_plate_id"]}, {"plate_type", "building"}, {"building", "3"}});
        room = post("/api/v1/doorplates", {{"parent_id", building["door_plate_id"]}, {"plate_type", "room"}, {"room", "301"}});
        post("/api/v1/issuances/transition", {{"ids", {door["issuance_id"], building["issuance_id"], room["issuance_id"]}}, {"to", "approved"}}, 200);
        order = post("/api/v1/print-orders", {{"printer", "嘉兴标牌厂"}})["id"].dump();
    }
    json post(const std::string& path, const json& body, int expected = 201, const std::string& who = {}) const {
        auto c = server->client();
        auto r = c.Post(path.c_str(), {{"Authorization", "Bearer " + (who.empty() ? clerk : who)}}, body.dump(), "application/json");
        REQUIRE(r);
        INFO(path << " " << r->body);
        REQUIRE(r->status == expected);
        return json::parse(r->body);
    }
    std::filesystem::path download(const std::string& path, const std::string& file, const std::string& who = {}) const {
        auto c = server->client();
        httplib::Headers h;
        if (!who.empty()) h.emplace("Authorization", "Bearer " + who);
        auto r = c.Get(path.c_str(), h);
        REQUIRE(r);
        INFO(path << " " << r->body.substr(0, 300));
        REQUIRE(r->status == 200);
        REQUIRE(r->get_header_value("Content-Type") == "application/pdf");
        write_file(dir / file, r->body);
        return dir / file;
    }
};

std::string tool(const std::string& program, const std::vector<std::string>& args) {
    const auto r = run_program(program, args);
    INFO(program << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
}

// Page sizes in millimetres, from pdfinfo.
std::vector<std::pair<double, double>> page_sizes_mm(const std::filesystem::path& pdf) {
    const auto info = tool("pdfinfo", {"-f", "1", "-l", "9999", pdf.string()});
    std::vector<std::pair<double, double>> out;
    const std::regex size{R"(Page\s+\d+ size:\s+([0-9.]+) x ([0-9.]+) pts)"};
    for (auto m = std::sregex_iterator(info.begin(), info.end(), size); m != std::sregex_iterator(); ++m) {
        out.emplace_back(std::stod((*m)[1]) * 25.4 / 72, std::stod((*m)[2]) * 25.4 / 72);
    }
    return out;
}

bool near_mm(std::pair<double, double> got, double w, double h) { return std::abs(got.first - w) < 0.5 && std::abs(got.second - h) < 0.5; }

// Page `page` of the PDF as a PNG at `dpi`.
std::filesystem::path render(const std::filesystem::path& pdf, int page, int dpi) {
    const auto stem = pdf.parent_path() / ("page-" + std::to_string(page) + "-" + std::to_string(dpi));
    tool("pdftoppm", {"-f", std::to_string(page), "-l", std::to_string(page), "-r", std::to_string(dpi), "-png", "-singlefile", pdf.string(), stem.string()});
    return stem.string() + ".png";
}

std::vector<std::string> qr_codes(const std::filesystem::path& png) {
    const auto out = run_program("zbarimg", {"--quiet", "--raw", png.string()});
    std::vector<std::string> codes;
    std::istringstream lines{out.out};
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) codes.push_back(line);
    }
    return codes;
}

// A PNG's pixels, read through GDAL's PNG driver.
struct Image {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;
    const unsigned char* at(int x, int y) const { return &rgb[(static_cast<std::size_t>(y) * w + x) * 3]; }
};

Image read_png(const std::filesystem::path& png) {
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen(png.c_str(), GA_ReadOnly);
    REQUIRE(ds);
    Image img;
    img.w = GDALGetRasterXSize(ds);
    img.h = GDALGetRasterYSize(ds);
    img.rgb.resize(static_cast<std::size_t>(img.w) * img.h * 3);
    int bands[3] = {1, 2, 3};
    const auto err = GDALDatasetRasterIO(ds, GF_Read, 0, 0, img.w, img.h, img.rgb.data(), img.w, img.h, GDT_Byte, 3, bands, 3, 3 * img.w, 1);
    GDALClose(ds);
    REQUIRE(err == CE_None);
    return img;
}

bool is_red(const unsigned char* p) { return p[0] > 150 && p[1] < 90 && p[2] < 90; }
bool is_blue(const unsigned char* p) { return p[2] > 120 && p[0] < 80 && p[1] < 120; }

// The box {x0, y0, x1, y1} of the pixels that are `pred`; x1 < 0 if none.
template <class Pred>
std::array<int, 4> pixel_box(const Image& img, Pred pred) {
    std::array<int, 4> box{img.w, img.h, -1, -1};
    for (int y = 0; y < img.h; ++y) {
        for (int x = 0; x < img.w; ++x) {
            if (!pred(img.at(x, y))) continue;
            box = {std::min(box[0], x), std::min(box[1], y), std::max(box[2], x), std::max(box[3], y)};
        }
    }
    return box;
}

// ISO 7064 MOD 11-2 in its recursive form (the code under test uses the weights of GB 11643),
// so that the test does not repeat the code it checks.
char mod11_2(const std::string& digits) {
    int sum = 0;
    for (char c : digits) sum = (sum + (c - '0')) * 2 % 11;
    sum = sum * 2 % 11; // the check character's own position
    const int check = (12 - sum) % 11;
    return check == 10 ? 'X' : static_cast<char>('0' + check);
}

} // namespace

TEST_CASE("a print order's PDF: a contact sheet, then each plate at its true size, fonts embedded, text extractable") {
    PrintRegistry r;
    const auto pdf = r.download("/api/v1/print-orders/" + r.order + "/proofs.pdf", "proofs.pdf");
    const auto sizes = page_sizes_mm(pdf);
    REQUIRE(sizes.size() == 4); // the contact sheet and three plates
    CHECK(near_mm(sizes[0], 297, 210));
    // In the installers' order: the door plate, its building, the room.
    CHECK(near_mm(sizes[1], 150, 90));
    CHECK(near_mm(sizes[2], 900, 500));
    CHECK(near_mm(sizes[3], 120, 80));

    const auto fonts = tool("pdffonts", {pdf.string()});
    std::istringstream lines{fonts};
    std::string line;
    std::getline(lines, line);
    std::getline(lines, line);
    int listed = 0;
    while (std::getline(lines, line)) {
        INFO(line);
        ++listed;
        CHECK(std::regex_search(line, std::regex{R"(\s+yes\s+yes\s+yes\s+)"})); // embedded, subset, with a Unicode map
    }
    CHECK(listed >= 1);

    const auto door_page = tool("pdftotext", {"-f", "2", "-l", "2", pdf.string(), "-"});
    CHECK_THAT(door_page, Catch::Contains("人民路") && Catch::Contains(r.door["number"].dump() + "号"));
    const auto building_page = tool("pdftotext", {"-f", "3", "-l", "3", pdf.string(), "-"});
    CHECK_THAT(building_page, Catch::Contains("人民路") && Catch::Contains("Renmin Lu") && Catch::Contains("314200") && Catch::Contains("3"));
    CHECK_THAT(tool("pdftotext", {"-f", "4", "-l", "4", pdf.string(), "-"}), Catch::Contains("301室"));
    const auto sheet = tool("pdftotext", {"-f", "1", "-l", "1", pdf.string(), "-"});
    CHECK_THAT(sheet, Catch::Contains("印制单 " + r.order) && Catch::Contains("共 3 块") && Catch::Contains("楼牌 900×500 mm"));

    // The building plate (GB 17733.1 §5.1.3): the red number inside the right two fifths, on
    // its white panel, within the plate, its digits at least 350 mm tall.
    const int dpi = 10;
    const auto img = read_png(render(pdf, 3, dpi));
    const auto red = pixel_box(img, is_red);
    REQUIRE(red[2] >= 0);
    const double px_per_mm = dpi / 25.4;
    CHECK(red[0] >= 0.6 * 900 * px_per_mm - 1);
    CHECK(red[1] > 0);
    CHECK(red[2] < img.w - 1);
    CHECK(red[3] < img.h - 1);
    CHECK((red[3] - red[1] + 1) / px_per_mm >= 345);
    int blue_under_number = 0, blue_left = 0;
    for (int y = red[1]; y <= red[3]; ++y) {
        for (int x = red[0]; x <= red[2]; ++x) blue_under_number += is_blue(img.at(x, y));
    }
    for (int x = 0; x < static_cast<int>(0.55 * img.w); ++x) blue_left += is_blue(img.at(x, img.h / 2));
    CHECK(blue_under_number == 0);                  // the number stands on its white panel
    CHECK(blue_left > 0.4 * img.w);                 // the name's blue panel on the left

    auto missing = r.server->client().Get("/api/v1/print-orders/999/proofs.pdf");
    REQUIRE(missing);
    CHECK(missing->status == 404);

    // A road's sign (GB 17733.1 §5.1.1): name above, pinyin below, one page of its true size.
    const auto sign = r.download("/api/v1/names/1/sign.pdf", "sign.pdf");
    REQUIRE(page_sizes_mm(sign).size() == 1);
    CHECK(near_mm(page_sizes_mm(sign)[0], 1200, 400));
    CHECK_THAT(tool("pdftotext", {sign.string(), "-"}), Catch::Contains("人民路") && Catch::Contains("Renmin Lu"));
    CHECK(r.get("/api/v1/names/999/sign.svg")->status == 404);
}

TEST_CASE("a plate template with a mistake is refused, naming the file, the template, the panel and the field") {
    TempDir dir;
    auto attempt = [&](const std::string& panels, const std::string& extra = "") {
        const auto path = dir / "templates.json";
        write_file(path, R"({"font": "Noto Sans CJK SC", "templates": [{"sign": "door", "plate_type": "door", "name": "小门牌",
            "width_mm": 150, "height_mm": 90, "ground": "#1F4E9C", "colour": "#FFFFFF")" + extra + R"(, "panels": [)" + panels + "]}]}");
        try {
            diming::printing::read_plate_templates(path.string());
        } catch (const diming::input_error& e) {
            return std::string{e.what()};
        }
        return std::string{"accepted"};
    };
    CHECK(attempt(R"({"content": "name", "x": 0, "y": 0, "w": 1, "h": 0.4})") == "accepted");
    CHECK_THAT(attempt(R"({"content": "name", "x": 0.5, "y": 0, "w": 0.8, "h": 0.4})"),
               Catch::Contains("templates.json") && Catch::Contains("'door'") && Catch::Contains("panel 'name'") && Catch::Contains("outside the plate"));
    CHECK_THAT(attempt(R"({"content": "logo"})"), Catch::Contains("content must be name, pinyin, number, postcode or qr"));
    CHECK_THAT(attempt(R"({"content": "number", "colour": "red"})"), Catch::Contains("panel 'number', colour") && Catch::Contains("#RRGGBB"));
    CHECK_THAT(attempt(R"({"content": "number", "number_format": "号"})"), Catch::Contains("number_format must hold {}"));
    CHECK_THAT(attempt(R"({"content": "number", "h": 0.5, "text_height_mm": 60})"), Catch::Contains("taller than the panel"));
    CHECK_THAT(attempt("", R"(, "width_mm": 0)"), Catch::Contains("width_mm"));
    CHECK_THAT(attempt("{"), Catch::Contains("not valid JSON"));
}

TEST_CASE("every door and building plate carries a QR code to its public page, which shows nothing private") {
    PrintRegistry r;
    const auto pdf = r.download("/api/v1/print-orders/" + r.order + "/proofs.pdf", "proofs.pdf");
    const auto door_codes = qr_codes(render(pdf, 2, 300));
    REQUIRE(door_codes.size() == 1);
    const auto building_codes = qr_codes(render(pdf, 3, 40));
    REQUIRE(building_codes.size() == 1);
    CHECK(qr_codes(render(pdf, 4, 300)).empty()); // a room plate has none
    const std::regex url{R"(http://127\.0\.0\.1:\d+/p/([0-9a-f]{16}))"};
    std::smatch m;
    REQUIRE(std::regex_match(door_codes[0], m, url));
    const std::string door_path = "/p/" + m[1].str();
    REQUIRE(std::regex_match(building_codes[0], m, url));
    CHECK("/p/" + m[1].str() != door_path);

    // Anyone (no token) reads the page: the standard address, the road's pinyin, the map;
    // not the applicant, nor an internal id.
    auto page = r.get(door_path);
    REQUIRE(page);
    REQUIRE(page->status == 200);
    CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
    const std::string address = r.text("SELECT standard_address FROM door_plates WHERE id = " + r.door["door_plate_id"].dump());
    CHECK_THAT(page->body, Catch::Contains(address) && Catch::Contains("Renmin Lu") && Catch::Contains("id=\"map\""));
    CHECK_THAT(page->body, !Catch::Contains("王秘密"));
    const auto record = r.get_json(door_path + "?f=json");
    CHECK(record["standard_address"] == address);
    const std::string dumped = record.dump();
    for (const char* private_field : {"applicant", "issuance", "door_plate_id", "place_name_id", "\"id\"", "王秘密"}) {
        INFO(private_field);
        CHECK(dumped.find(private_field) == std::string::npos);
    }
    CHECK(r.get("/p/0123456789abcdef")->status == 404);
    CHECK(r.get("/p/%27%20OR%201%3D1%20--")->status == 404);

    // A renaming re-addresses the plate: the same QR URL now shows the new address and the former one.
    r.post("/api/v1/names/1/rename", {{"new_name", "和平大道"}, {"decision_doc", "平政地〔2026〕9号"}, {"decided_on", "2026-03-01"}, {"effective_on", "2026-03-01"}}, 200, r.committee);
    const auto after = r.get_json(door_path + "?f=json");
    CHECK(after["road"]["name"] == "和平大道");
    CHECK(after["standard_address"].get<std::string>().find("和平大道") != std::string::npos);
    REQUIRE(after["former_addresses"].size() == 1);
    CHECK(after["former_addresses"][0]["former_address"] == address);
    REQUIRE(after["name_history"].size() >= 1);
    CHECK(after["name_history"].back()["former_name"] == "人民路");
    const auto renamed_page = r.get(door_path);
    REQUIRE(renamed_page);
    CHECK_THAT(renamed_page->body, Catch::Contains("和平大道") && Catch::Contains(address) && Catch::Contains("平政地〔2026〕9号"));
}

TEST_CASE("door-plate certificates: one per issuance, numbered with a valid check character, A5, with the QR code") {
    PrintRegistry r;
    // Households' names are printed: certificates are a clerk's.
    auto anonymous = r.server->client().Post(("/api/v1/print-orders/" + r.order + "/certificates").c_str(), "{}", "application/json");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
    r.post("/api/v1/print-orders/" + r.order + "/certificates", {{"households", {{"999999", "张三"}}}}, 400);
    r.post("/api/v1/print-orders/" + r.order + "/certificates", {{"households", {{"1", 5}}}}, 400);

    const auto issued = r.post("/api/v1/print-orders/" + r.order + "/certificates",
                               {{"households", {{r.door["issuance_id"].dump(), "张三"}}}}, 200)["certificates"];
    REQUIRE(issued.size() == 3);
    std::set<std::string> numbers;
    for (const auto& c : issued) {
        const std::string n = c["number"];
        INFO(n);
        REQUIRE(n.size() == 17);
        CHECK(n.substr(0, 6) == "330482");
        CHECK(n[16] == mod11_2(n.substr(0, 16)));
        numbers.insert(n);
    }
    CHECK(numbers.size() == 3);
    // Issuing again changes nothing; the number is recorded in the issuance.
    const auto again = r.post("/api/v1/print-orders/" + r.order + "/certificates", json::object(), 200)["certificates"];
    CHECK(again == issued);
    CHECK(r.count("SELECT count(*) FROM door_plate_certificates") == 3);
    const auto record = r.get_json("/api/v1/issuances/" + r.door["issuance_id"].dump());
    const auto door_cert = std::find_if(issued.begin(), issued.end(), [&](const json& c) { return c["issuance_id"] == r.door["issuance_id"]; });
    REQUIRE(door_cert != issued.end());
    CHECK(record["certificate_number"] == (*door_cert)["number"]);
    CHECK((*door_cert)["household"] == "张三");
    CHECK((*door_cert)["plate_number"] == r.door["number"].dump() + "号");

    const auto pdf = r.download("/api/v1/print-orders/" + r.order + "/certificates.pdf", "certificates.pdf", r.clerk);
    const auto sizes = page_sizes_mm(pdf);
    REQUIRE(sizes.size() == 3);
    for (const auto& s : sizes) CHECK(near_mm(s, 148, 210));
    const auto text = tool("pdftotext", {pdf.string(), "-"});
    CHECK_THAT(text, Catch::Contains("门牌证") && Catch::Contains("张三") && Catch::Contains((*door_cert)["number"].get<std::string>()) &&
                         Catch::Contains("平湖市民政局"));
    CHECK(r.get("/api/v1/print-orders/" + r.order + "/certificates.pdf")->status == 401);

    const auto one = r.download("/api/v1/issuances/" + r.door["issuance_id"].dump() + "/certificate.pdf", "one.pdf", r.clerk);
    REQUIRE(page_sizes_mm(one).size() == 1);
    const auto codes = qr_codes(render(one, 1, 200));
    REQUIRE(codes.size() == 1);
    CHECK(std::regex_match(codes[0], std::regex{R"(http://127\.0\.0\.1:\d+/p/[0-9a-f]{16})"}));

    // An issuance not yet on a print order gets none.
    const auto waiting = r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0060, 30.7001}}});
    r.post("/api/v1/issuances/" + waiting["issuance_id"].dump() + "/certificate", {{"household", "李四"}}, 409);
    CHECK(r.count("SELECT count(*) FROM door_plate_certificates") == 3);
}

TEST_CASE("print orders are listed newest first with filters by status, sign shop and date, page by page") {
    PrintRegistry r;
    const auto plate = r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0060, 30.7001}}});
    r.post("/api/v1/issuances/" + plate["issuance_id"].dump() + "/transition", {{"to", "approved"}}, 200);
    const auto second = r.post("/api/v1/print-orders", {{"printer", "杭州标识公司"}})["id"];
    r.post("/api/v1/print-orders/" + r.order + "/printed", json::object(), 200);
    auto ids = [&](const std::string& query) {
        std::vector<std::int64_t> out;
        const auto page = r.get_json("/api/v1/print-orders?" + query);
        for (const auto& o : page["print_orders"]) out.push_back(o["id"]);
        return out;
    };
    const auto first = std::stoll(r.order);
    CHECK(ids("") == std::vector<std::int64_t>{second.get<std::int64_t>(), first});
    CHECK(ids("status=printed") == std::vector<std::int64_t>{first});
    CHECK(ids("status=open") == std::vector<std::int64_t>{second.get<std::int64_t>()});
    CHECK(ids("printer=" + url_encode("嘉兴")) == std::vector<std::int64_t>{first});
    CHECK(ids("from=2000-01-01&to=2100-01-01").size() == 2);
    CHECK(ids("from=2100-01-01").empty());
    const auto one = r.get_json("/api/v1/print-orders?limit=1");
    REQUIRE(one["print_orders"].size() == 1);
    REQUIRE(one.contains("next_before"));
    CHECK(ids("limit=1&before=" + one["next_before"].dump()) == std::vector<std::int64_t>{first});
    CHECK_FALSE(r.get_json("/api/v1/print-orders?limit=5").contains("next_before"));
    CHECK(r.get_json("/api/v1/print-orders?status=lost", 400)["field"] == "status");
    CHECK(r.get_json("/api/v1/print-orders?from=2026-02-30", 400)["field"] == "from");
}
