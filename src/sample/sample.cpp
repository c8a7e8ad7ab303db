#include "sample/sample.hpp"

#include "core/csv_writer.hpp"
#include "core/data_dir.hpp"
#include "core/encoding.hpp"
#include "core/gdal.hpp"
#include "core/proj.hpp"
#include "sample/layout.hpp"
#include "sample/names.hpp"
#include "sample/police.hpp"

#include <cpl_conv.h>
#include <nlohmann/json.hpp>
#include <ogr_srs_api.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numbers>

namespace diming::sample {

PoliceCrs parse_police_crs(const std::string& s) {
    if (s == "gcj02") return PoliceCrs::gcj02;
    if (s == "cgcs2000") return PoliceCrs::cgcs2000;
    if (s == "gk120") return PoliceCrs::gk120;
    throw input_error{"--police-crs: '" + s + "' is not one of gcj02, cgcs2000, gk120"};
}

PoliceEncoding parse_police_encoding(const std::string& s) {
    if (s == "utf-8" || s == "UTF-8" || s == "utf8") return PoliceEncoding::utf8;
    if (s == "gbk" || s == "GBK") return PoliceEncoding::gbk;
    throw input_error{"--police-encoding: '" + s + "' is not one of utf-8, gbk"};
}

namespace {

constexpr double pi = std::numbers::pi;

std::string serial(const char* prefix, std::int64_t n, int width) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%0*lld", prefix, width, static_cast<long long>(n));
    return buf;
}

std::string iso_date(std::chrono::sys_days d) {
    const std::chrono::year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
}

struct Vec {
    double x, y;
};

class Generator {
public:
    Generator(const SampleOptions& opt, const std::filesystem::path& out_dir, GDALDatasetH gpkg, OGRSpatialReferenceH srs)
        : opt_{opt},
          rng_{opt.seed},
          layout_rng_{rng_.fork(1)},
          names_rng_{rng_.fork(2)},
          layout_{data_dir(), opt.counties, layout_rng_},
          names_{data_dir(), names_rng_},
          police_{layout_, names_, opt},
          to_metres_{"EPSG:4490", "EPSG:4549"},
          divisions_{gpkg, "divisions", wkbMultiPolygon, srs,
                     {{"code", OFTString}, {"name", OFTString}, {"level", OFTInteger}, {"parent_code", OFTString}}},
          roads_{gpkg, "roads", wkbLineString, srs,
                 {{"road_id", OFTString}, {"name", OFTString}, {"pinyin", OFTString}, {"category", OFTString},
                  {"town_code", OFTString}, {"town", OFTString}, {"former_name", OFTString}, {"former_pinyin", OFTString},
                  {"decision_doc", OFTString}, {"decided_on", OFTString}, {"effective_on", OFTString}, {"reason", OFTString}}},
          hamlets_{gpkg, "hamlets", wkbPoint, srs,
                   {{"hamlet_id", OFTString}, {"name", OFTString}, {"pinyin", OFTString}, {"category", OFTString},
                    {"village_code", OFTString}, {"village", OFTString}, {"town_code", OFTString}}},
          plates_{gpkg, "door_plates", wkbPoint, srs,
                  {{"plate_id", OFTString}, {"plate_type", OFTString}, {"town_code", OFTString}, {"town", OFTString},
                   {"community_code", OFTString}, {"community", OFTString}, {"road_id", OFTString}, {"road", OFTString},
                   {"hamlet", OFTString}, {"number", OFTInteger}, {"suffix", OFTString}, {"compound", OFTString},
                   {"building", OFTString}, {"unit", OFTString}, {"room", OFTString}, {"address", OFTString}}},
          police_csv_{out_dir / "police.csv",
                      opt.police_encoding == PoliceEncoding::gbk ? std::optional<text::Charset>{text::Charset{"GBK"}} : std::nullopt},
          truth_csv_{out_dir / "truth.csv", std::nullopt},
          divisions_csv_{out_dir / "divisions.csv", std::nullopt} {}

    SampleSummary run() {
        police_csv_.row(police_columns);
        truth_csv_.row({"police_id", "civil_plate_id", "variations"});
        divisions_csv_.row({"code", "name"});
        std::set<std::string> listed; // the province and city rows repeat in every county's file
        for (const auto& [code, name] : layout_.division_rows()) {
            if (listed.insert(code).second) divisions_csv_.row({code, name});
        }
        divisions_csv_.close();
        for (const auto& cell : layout_.cells()) {
            divisions_.set(0, cell.code);
            divisions_.set(1, cell.name);
            divisions_.set(2, std::int64_t{cell.level});
            divisions_.set(3, cell.parent_code);
            divisions_.wkt(cell.wkt);
            divisions_.write();
        }
        double cumulative = 0;
        const auto& towns = layout_.towns();
        double total_weight = 0;
        for (const auto& t : towns) total_weight += t.weight;
        for (int t = 0; t < static_cast<int>(towns.size()); ++t) {
            cumulative += towns[t].weight;
            quota_end_ = t + 1 == static_cast<int>(towns.size())
                             ? opt_.plates
                             : static_cast<std::int64_t>(std::llround(static_cast<double>(opt_.plates) * cumulative / total_weight));
            Random town_rng = rng_.fork(100 + static_cast<std::uint64_t>(t));
            const double road_share = towns[t].urban ? 0.9 : 0.35;
            while (!full()) {
                if (!towns[t].villages.empty() && !town_rng.chance(road_share)) hamlet(t, town_rng);
                else road(t, town_rng);
            }
        }
        police_csv_.close();
        truth_csv_.close();
        write_summary();
        SampleSummary s;
        s.civil_plates = civil_rows_;
        s.roads = roads_written_;
        s.police_records = police_rows_;
        return s;
    }

    const nlohmann::json& summary() const noexcept { return summary_; }

private:
    nlohmann::json summary_;
    const SampleOptions& opt_;
    Random rng_, layout_rng_, names_rng_;
    Layout layout_;
    Names names_;
    PoliceWriterModel police_;
    proj::Transformation to_metres_;
    gdal::LayerWriter divisions_, roads_, hamlets_, plates_;
    CsvWriter police_csv_, truth_csv_, divisions_csv_;

    std::int64_t quota_end_ = 0;
    std::int64_t civil_rows_ = 0, police_rows_ = 0, plate_serial_ = 0, police_serial_ = 0;
    std::int64_t roads_written_ = 0, renamed_roads_ = 0, hamlets_written_ = 0, compounds_ = 0;
    std::int64_t doors_ = 0, buildings_ = 0, flats_ = 0, unregistered_ = 0, duplicates_ = 0;
    int pending_unregistered_ = 0;
    std::map<std::string, std::set<std::string>> hamlets_taken_;
    std::map<std::string, int> next_group_;

    bool full() const noexcept { return civil_rows_ >= quota_end_; }

    Vec metres(LonLat p) const {
        const auto c = to_metres_.forward({p.lon, p.lat});
        return {c.x, c.y};
    }
    LonLat lonlat(Vec v) const {
        const auto c = to_metres_.inverse({v.x, v.y});
        return {c.x, c.y};
    }

    void emit_civil(CivilAddress& a, bool addressable) {
        a.plate_id = serial("DP", ++plate_serial_, 8);
        const Town& town = layout_.towns()[a.town];
        const Community& community = town.communities[a.community];
        plates_.set(0, a.plate_id);
        plates_.set(1, a.plate_type);
        plates_.set(2, town.code);
        plates_.set(3, town.name);
        plates_.set(4, community.code);
        plates_.set(5, community.short_name);
        plates_.set(6, a.road_id);
        plates_.set(7, a.road);
        plates_.set(8, a.hamlet);
        plates_.set(9, std::int64_t{a.number});
        plates_.set(10, a.suffix ? std::to_string(a.suffix) : std::string{});
        plates_.set(11, a.compound);
        plates_.set(12, a.building ? std::to_string(a.building) : std::string{});
        plates_.set(13, a.unit ? std::to_string(a.unit) : std::string{});
        plates_.set(14, a.room ? std::to_string(a.room) : std::string{});
        plates_.set(15, standard_address(layout_, a));
        plates_.point(a.point.lon, a.point.lat);
        plates_.write();
        ++civil_rows_;
        if (a.plate_type == "门牌") ++doors_;
        else if (a.plate_type == "楼牌") ++buildings_;
        else ++flats_;
        if (opt_.progress && civil_rows_ % 100000 == 0) {
            std::cerr << "sample: " << civil_rows_ << " / " << opt_.plates << " civil plates\n";
        }
        if (addressable && !police_.rate("civil_only").decide(rng_)) emit_police(a);
    }

    void emit_police(const CivilAddress& a) {
        const std::string id = layout_.towns()[a.town].code + serial("", ++police_serial_, 8);
        auto rec = police_.describe(a, id, rng_);
        write_police(rec);
        if (!a.plate_id.empty() && police_.rate("unregistered").decide(rng_)) ++pending_unregistered_;
        if (police_.rate("duplicate").decide(rng_)) {
            rec.fields[0] = layout_.towns()[a.town].code + serial("", ++police_serial_, 8);
            rec.variations.emplace_back("duplicate");
            write_police(rec);
            ++duplicates_;
        }
    }

    void write_police(const PoliceRecord& rec) {
        police_csv_.row(rec.fields);
        std::string vars;
        for (const auto& v : rec.variations) {
            if (v == "jitter") continue; // every record has it; listing it everywhere says nothing
            vars += (vars.empty() ? "" : ";") + v;
        }
        truth_csv_.row({rec.fields[0], rec.civil_plate_id, vars});
        ++police_rows_;
    }

    // Police records for doors civil affairs never registered: numbers past the last one.
    void flush_unregistered(CivilAddress base, int last_number, int step, Vec where, Vec normal) {
        for (int j = 0; j < pending_unregistered_; ++j) {
            CivilAddress u = base;
            u.plate_id.clear();
            u.plate_type = "门牌";
            u.number = last_number + step * (j + 1);
            u.suffix = 0;
            u.compound.clear();
            u.building = u.unit = u.floor = u.room = 0;
            u.point = lonlat({where.x + normal.x * 12.0 + rng_.uniform(-20, 20), where.y + normal.y * 12.0 + rng_.uniform(-20, 20)});
            if (layout_.town_at(u.point) != u.town) u.point = base.point;
            u.community = layout_.community_at(u.town, u.point);
            emit_police(u);
            ++unregistered_;
        }
        pending_unregistered_ = 0;
    }

    bool inside(int town, Vec v) const { return layout_.town_at(lonlat(v)) == town; }

    void road(int t, Random& rng) {
        const bool urban = layout_.towns()[t].urban;
        const RoadName rn = names_.next_road();
        std::vector<Vec> v;
        double length = urban ? rng.uniform(400, 2000) : rng.uniform(300, 1200);
        for (int tries = 0; tries < 40 && v.empty(); ++tries, length *= 0.85) {
            const Vec s = metres(layout_.random_point_in_town(t, rng));
            const double angle = (rng.chance(0.5) ? 0.0 : pi / 2) + rng.uniform(-0.26, 0.26) + (rng.chance(0.5) ? pi : 0.0);
            const double bend = rng.uniform(-0.15, 0.15);
            const Vec m{s.x + length / 2 * std::cos(angle), s.y + length / 2 * std::sin(angle)};
            const Vec e{m.x + length / 2 * std::cos(angle + bend), m.y + length / 2 * std::sin(angle + bend)};
            bool ok = true;
            for (const Vec& p : {s, m, e}) {
                const Vec n{-std::sin(angle), std::cos(angle)};
                for (double off : {-250.0, 0.0, 250.0}) ok = ok && inside(t, {p.x + n.x * off, p.y + n.y * off});
            }
            if (ok) v = {s, m, e};
        }
        if (v.empty()) return; // no room left for a road here; the name stays unused
        const std::string road_id = serial("R", ++roads_written_, 6);
        std::vector<LonLat> line;
        for (const auto& p : v) line.push_back(lonlat(p));

        std::string former, former_pinyin;
        roads_.set(0, road_id);
        roads_.set(1, rn.name);
        roads_.set(2, rn.pinyin);
        roads_.set(3, rn.category);
        roads_.set(4, layout_.towns()[t].code);
        roads_.set(5, layout_.towns()[t].name);
        if (rng.chance(0.08)) {
            const RoadName old = names_.next_former_name();
            former = old.name;
            using namespace std::chrono;
            const sys_days decided = sys_days{year{rng.between(2005, 2024)} / rng.between(1, 12) / rng.between(1, 28)};
            const sys_days effective = decided + days{rng.between(10, 60)};
            roads_.set(6, old.name);
            roads_.set(7, old.pinyin);
            roads_.set(8, "平政地〔" + std::to_string(static_cast<int>(year_month_day{decided}.year())) + "〕" +
                              std::to_string(rng.between(1, 40)) + "号");
            roads_.set(9, iso_date(decided));
            roads_.set(10, iso_date(effective));
            roads_.set(11, rng.chance(0.5) ? "重名同音" : "城市建设更名");
            ++renamed_roads_;
        }
        std::vector<std::pair<double, double>> xy;
        for (const auto& p : line) xy.emplace_back(p.lon, p.lat);
        roads_.line(xy);
        roads_.write();

        // Segment lengths for walking along the line.
        const double seg1 = std::hypot(v[1].x - v[0].x, v[1].y - v[0].y);
        const double seg2 = std::hypot(v[2].x - v[1].x, v[2].y - v[1].y);
        const double total = seg1 + seg2;
        auto at = [&](double d, Vec& dir) {
            const Vec& a = d <= seg1 ? v[0] : v[1];
            const Vec& b = d <= seg1 ? v[1] : v[2];
            const double len = d <= seg1 ? seg1 : seg2;
            const double f = (d <= seg1 ? d : d - seg1) / len;
            dir = {(b.x - a.x) / len, (b.y - a.y) / len};
            return Vec{a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f};
        };

        CivilAddress base;
        base.town = t;
        base.road = rn.name;
        base.road_id = road_id;
        base.former_road = former;
        int last_number = 0;
        Vec last_pos = v[2], last_normal{0, 0};
        // Left side odd, right side even, numbers increasing from the road's start.
        for (int side = 0; side < 2 && !full(); ++side) {
            const double sign = side == 0 ? 1.0 : -1.0; // left normal = direction turned +90°
            int n = side == 0 ? 1 : 2;
            for (double d = rng.uniform(5, 20); d < total - 5 && !full(); n += 2) {
                const double step = rng.uniform(10, 40);
                Vec dir;
                const Vec c = at(d, dir);
                const Vec normal{-dir.y * sign, dir.x * sign};
                const double setback = rng.uniform(8, 15);
                CivilAddress a = base;
                a.plate_type = "门牌";
                a.number = n;
                a.point = lonlat({c.x + normal.x * setback, c.y + normal.y * setback});
                a.community = layout_.community_at(t, a.point);
                const bool gate = urban ? rng.chance(0.05) : rng.chance(0.015);
                if (gate) a.compound = names_.next_compound(rng);
                emit_civil(a, true);
                if (gate) compound(a, c, dir, normal, rng);
                // An inserted plate between this number and the next: 12-1.
                if (!full() && d + step / 2 < total - 5 && rng.chance(0.05)) {
                    Vec dir2;
                    const Vec c2 = at(d + step / 2, dir2);
                    CivilAddress s = base;
                    s.plate_type = "门牌";
                    s.number = n;
                    s.suffix = 1;
                    s.point = lonlat({c2.x + normal.x * setback, c2.y + normal.y * setback});
                    s.community = layout_.community_at(t, s.point);
                    emit_civil(s, true);
                }
                // A lane numbered off the road (人民路169弄): a street of its own, its doors
                // numbered in it, written with the road's name and the lane's number.
                if (urban && !full() && rng.chance(0.01)) lane(t, rn, n, c, normal, rng);
                last_number = std::max(last_number, n);
                last_pos = c;
                last_normal = normal;
                d += step;
            }
        }
        base.community = layout_.community_at(t, lonlat(last_pos));
        base.point = lonlat(last_pos);
        flush_unregistered(base, last_number, 2, last_pos, last_normal);
    }

    void lane(int t, const RoadName& road, int number, Vec at, Vec normal, Random& rng) {
        const double length = rng.uniform(60, 150);
        const Vec start{at.x + normal.x * 5, at.y + normal.y * 5}, end{at.x + normal.x * (5 + length), at.y + normal.y * (5 + length)};
        if (layout_.town_at(lonlat(end)) != t) return;
        const std::string lane_id = serial("R", ++roads_written_, 6);
        const std::string name = road.name + std::to_string(number) + "弄";
        roads_.set(0, lane_id);
        roads_.set(1, name);
        roads_.set(2, road.pinyin + " " + std::to_string(number) + " Nong");
        roads_.set(3, std::string{"D-LANE"});
        roads_.set(4, layout_.towns()[t].code);
        roads_.set(5, layout_.towns()[t].name);
        for (int f = 6; f <= 11; ++f) roads_.clear(f);
        const LonLat a = lonlat(start), b = lonlat(end);
        roads_.line({{a.lon, a.lat}, {b.lon, b.lat}});
        roads_.write();
        const Vec dir{normal.x, normal.y}, side{-normal.y, normal.x};
        CivilAddress base;
        base.town = t;
        base.road = name;
        base.road_id = lane_id;
        const int doors = rng.between(4, 16);
        for (int k = 1; k <= doors && !full(); ++k) {
            const double along = 5 + length * (k - 0.5) / doors;
            const double sign = k % 2 ? 1.0 : -1.0; // odd on the left, even on the right
            CivilAddress p = base;
            p.plate_type = "门牌";
            p.number = k;
            p.point = lonlat({start.x + dir.x * along + side.x * sign * 6, start.y + dir.y * along + side.y * sign * 6});
            p.community = layout_.community_at(t, p.point);
            emit_civil(p, true);
        }
    }

    void compound(const CivilAddress& gate, Vec at, Vec dir, Vec normal, Random& rng) {
        ++compounds_;
        const int buildings = rng.between(1, 8);
        for (int b = 1; b <= buildings && !full(); ++b) {
            const double back = rng.uniform(30, 200), along = rng.uniform(-80, 80);
            Vec p{at.x + normal.x * back + dir.x * along, at.y + normal.y * back + dir.y * along};
            LonLat where = lonlat(p);
            if (layout_.town_at(where) != gate.town) where = gate.point;
            CivilAddress bp = gate;
            bp.plate_type = "楼牌";
            bp.building = b;
            bp.point = where;
            bp.community = layout_.community_at(gate.town, where);
            emit_civil(bp, false);
            const std::string building_plate = bp.plate_id;
            const int units = rng.between(1, 2);
            const int floors = rng.chance(0.1) ? rng.between(11, 18) : rng.between(2, 6);
            for (int u = 1; u <= units && !full(); ++u) {
                for (int f = 1; f <= floors && !full(); ++f) {
                    for (int k = 1; k <= 2 && !full(); ++k) {
                        CivilAddress flat = bp;
                        flat.plate_type = "户室牌";
                        flat.unit = u;
                        flat.floor = f;
                        flat.room = f * 100 + k;
                        flat.building_plate_id = building_plate;
                        emit_civil(flat, true);
                    }
                }
            }
        }
    }

    void hamlet(int t, Random& rng) {
        const Town& town = layout_.towns()[t];
        const int vi = town.villages[rng.below(town.villages.size())];
        const Community& village = town.communities[vi];
        const LonLat centre = layout_.random_point_in_community(t, vi, rng);
        const HamletName h = names_.next_hamlet(rng, hamlets_taken_[village.code], next_group_.try_emplace(village.code, 1).first->second);
        if (!h.group) {
            hamlets_.set(0, serial("H", ++hamlets_written_, 6));
            hamlets_.set(1, h.name);
            hamlets_.set(2, h.pinyin);
            hamlets_.set(3, "222");
            hamlets_.set(4, village.code);
            hamlets_.set(5, village.short_name);
            hamlets_.set(6, town.code);
            hamlets_.point(centre.lon, centre.lat);
            hamlets_.write();
        }
        CivilAddress base;
        base.town = t;
        base.community = vi;
        base.rural = true;
        base.road = village.short_name;
        base.road_id = village.code;
        base.hamlet = h.name;
        Vec pos = metres(centre);
        double heading = rng.uniform(0, 2 * pi);
        const int houses = rng.between(8, 60);
        int n = 0;
        for (; n < houses && !full();) {
            const double step = rng.uniform(15, 40);
            Vec next{pos.x + step * std::cos(heading), pos.y + step * std::sin(heading)};
            const LonLat p = lonlat(next);
            if (layout_.town_at(p) != t || layout_.community_at(t, p) != vi) {
                heading += pi / 2 + rng.uniform(0, pi); // turn back into the village
                continue;
            }
            pos = next;
            heading += rng.uniform(-0.5, 0.5);
            CivilAddress a = base;
            a.plate_type = "门牌";
            a.number = ++n;
            a.point = p;
            emit_civil(a, true);
        }
        base.point = lonlat(pos);
        flush_unregistered(base, n, 1, pos, {0, 0});
    }

    void write_summary() {
        using nlohmann::json;
        json variations = json::object();
        for (const auto& [name, rate] : police_.rates()) {
            const auto& v = variation_catalogue().at(name);
            variations[name] = {{"requested", rate.requested()},
                                {"applies_to", v.applies_to},
                                {"what", v.what},
                                {"eligible", rate.eligible()},
                                {"applied", rate.applied()},
                                {"rate", rate.eligible() ? static_cast<double>(rate.applied()) / static_cast<double>(rate.eligible()) : 0.0}};
        }
        json counties = json::array();
        for (const auto& c : layout_.counties()) counties.push_back({{"code", c.code}, {"name", c.name}});
        json forms = json::object();
        for (const auto& [k, n] : police_.forms()) forms[k] = n;
        summary_ = {
            {"seed", opt_.seed},
            {"plates_requested", opt_.plates},
            {"police_crs", opt_.police_crs == PoliceCrs::gcj02 ? "gcj02" : opt_.police_crs == PoliceCrs::gk120 ? "EPSG:4549" : "EPSG:4490"},
            {"police_encoding", opt_.police_encoding == PoliceEncoding::gbk ? "GBK" : "UTF-8"},
            {"civil", {{"door_plates", civil_rows_}, {"doors", doors_}, {"buildings", buildings_}, {"flats", flats_},
                       {"roads", roads_written_}, {"renamed_roads", renamed_roads_}, {"hamlets", hamlets_written_},
                       {"compounds", compounds_}}},
            {"police", {{"records", police_rows_}, {"unregistered", unregistered_}, {"duplicates", duplicates_},
                        {"registered", police_rows_ - unregistered_ - duplicates_}}},
            {"variations", variations},
            {"forms", forms},
            {"counties", counties},
            {"files", {"civil.gpkg", "police.csv", "truth.csv", "divisions.csv", "summary.json"}},
        };
    }
};

} // namespace

SampleSummary write_sample(const SampleOptions& options, const std::filesystem::path& out_dir) {
    if (options.plates < 1) throw input_error{"--plates must be at least 1"};
    for (const auto& [name, rate] : options.rates) {
        if (!variation_catalogue().contains(name)) throw input_error{"--rate: no variation called '" + name + "'"};
        if (!(rate >= 0.0 && rate <= 1.0)) throw input_error{"--rate " + name + ": a rate is between 0 and 1"};
    }
    const auto started = std::chrono::steady_clock::now();
    std::filesystem::create_directories(out_dir);
    const auto gpkg_path = out_dir / "civil.gpkg";
    std::filesystem::remove(gpkg_path);

    // Fixed timestamps and no fsync: the file is a reproducible artefact, rewritten whole.
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
    struct ResetConfig {
        ~ResetConfig() {
            CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr);
            CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", nullptr);
        }
    } reset_config;

    auto gpkg = gdal::create_vector("GPKG", gpkg_path);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4490);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    struct SrsRelease { OGRSpatialReferenceH h; ~SrsRelease() { OSRRelease(h); } } srs_release{srs};

    GDALDatasetStartTransaction(gpkg.get(), FALSE);
    Generator gen{options, out_dir, gpkg.get(), srs};
    SampleSummary s = gen.run();
    if (GDALDatasetCommitTransaction(gpkg.get()) != OGRERR_NONE) {
        throw library_error{gpkg_path.string() + ": cannot commit: " + gdal::last_error_message()};
    }
    gpkg.reset(); // builds the spatial indexes and closes the file
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::ofstream summary{out_dir / "summary.json", std::ios::binary};
    summary << gen.summary().dump(2) << '\n';
    if (!summary) throw input_error{(out_dir / "summary.json").string() + ": cannot write"};
    return s;
}

} // namespace diming::sample
