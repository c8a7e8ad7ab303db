#include "audit/audit.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/gdal.hpp"

#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace diming::audit {

namespace {

// Each police record's town, community and road, with whether it is linked and consistent.
// Community: the record's own where the parser found one, else its linked plate's, else the
// community boundary containing its point.
constexpr const char* per_record_sql = R"sql(
WITH r AS (
  SELECT m.level, m.auto_spatially_consistent AS spatially_consistent, p.key_road, p.town_code AS town,
         coalesce(p.community_code, dp.community_code,
           (SELECT d.code FROM divisions d WHERE d.level = 5 AND p.geom IS NOT NULL AND d.rowid IN
              (SELECT pkid FROM idx_divisions_geom WHERE xmin <= X(p.geom) AND xmax >= X(p.geom) AND ymin <= Y(p.geom) AND ymax >= Y(p.geom))
            AND ST_Within(p.geom, d.geom) LIMIT 1)) AS community,
         m.auto_level IN ('exact','room','building','plate','fuzzy') AS textual,
         m.decision_kind NOT IN ('unregistered','demolished','duplicate') AS governed,
         m.decision_kind NOT IN ('unregistered','demolished','duplicate') AND m.level IN ('exact','room','building','plate','fuzzy','manual') AS governed_textual
  FROM match_results m
  JOIN source_addresses p ON p.id = m.police_address_id
  LEFT JOIN source_addresses c ON c.id = m.civil_address_id
  LEFT JOIN door_plates dp ON dp.id = c.door_plate_id
  WHERE m.run_id = ?1)
)sql";

std::vector<RateRow> rates(const store::Database& db, std::int64_t run, const std::string& group, const std::string& name) {
    std::vector<RateRow> out;
    auto st = db.prepare(std::string{per_record_sql} + "SELECT " + group + ", " + name +
                         ", count(*), sum(textual), sum(textual AND spatially_consistent = 1), sum(governed), sum(governed_textual) FROM r GROUP BY 1 ORDER BY 1");
    st.bind(1, run);
    while (st.step()) {
        RateRow row;
        row.code = st.is_null(0) ? "(unknown)" : st.column_text(0);
        row.name = st.is_null(1) ? "(unknown)" : st.column_text(1);
        row.police = st.column_int(2);
        row.textual = st.column_int(3);
        row.spatial = st.column_int(4);
        row.governed_police = st.column_int(5);
        row.governed_textual = st.column_int(6);
        out.push_back(std::move(row));
    }
    return out;
}


std::string pct(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%%", 100 * v);
    return buf;
}

nlohmann::json row_json(const RateRow& r) {
    return {{"code", r.code}, {"name", r.name}, {"police_records", r.police}, {"textual", r.textual}, {"spatial", r.spatial},
            {"textual_rate", r.textual_rate()}, {"spatial_rate", r.spatial_rate()},
            {"governed_police_records", r.governed_police}, {"governed_textual", r.governed_textual}, {"governed_rate", r.governed_rate()}};
}

} // namespace

Audit compute_audit(const store::Database& db, std::int64_t run_id) {
    Audit a;
    auto run = db.prepare("SELECT police_dataset_id, civil_dataset_id, distance_m, started_at, summary FROM match_runs WHERE id = ?1");
    run.bind(1, run_id);
    if (!run.step()) throw input_error{"match run " + std::to_string(run_id) + " does not exist"};
    a.run_id = run_id;
    a.police_dataset = run.column_int(0);
    a.civil_dataset = run.column_int(1);
    a.distance_m = run.column_double(2);
    a.started_at = run.column_text(3);
    a.summary = nlohmann::json::parse(run.column_text(4));
    a.towns = rates(db, run_id, "town", "(SELECT short_name FROM divisions WHERE code = town)");
    a.communities = rates(db, run_id, "community", "(SELECT short_name FROM divisions WHERE code = community)");
    a.roads = rates(db, run_id, "substr(key_road, instr(key_road, '|') + 1)", "substr(key_road, instr(key_road, '|') + 1)");
    auto trend = db.prepare("SELECT id, started_at, summary FROM match_runs WHERE police_dataset_id IN "
                            "(SELECT id FROM datasets WHERE source_kind = 'police') AND finished_at IS NOT NULL ORDER BY id");
    while (trend.step()) {
        const auto s = nlohmann::json::parse(trend.column_text(2));
        TrendPoint t;
        t.run_id = trend.column_int(0);
        t.started_at = trend.column_text(1);
        t.textual_rate = s.value("textual_rate", 0.0);
        t.spatial_rate = s.value("spatial_rate", 0.0);
        t.coverage = s.value("coverage", 0.0);
        t.governed_rate = s.value("governed", nlohmann::json::object()).value("textual_rate", t.textual_rate);
        // Towns only (12-digit codes ending in 000): communities are in the summary too.
        const auto divisions = s.find("by_division");
        if (divisions != s.end() && divisions->is_object()) {
            for (auto d = divisions->begin(); d != divisions->end(); ++d) {
                const std::string& code = d.key();
                if (code.size() != 12 || code.compare(9, 3, "000") != 0) continue;
                const double police = d->value("police_records", 0.0), gp = d->value("governed_police_records", 0.0);
                t.by_town[code] = {police > 0 ? d->value("textual", 0.0) / police : 0.0, gp > 0 ? d->value("governed_textual", 0.0) / gp : 0.0};
            }
        }
        a.trend.push_back(std::move(t));
    }
    return a;
}

nlohmann::json to_json(const Audit& a) {
    nlohmann::json towns = nlohmann::json::array(), communities = nlohmann::json::array(), roads = nlohmann::json::array(), trend = nlohmann::json::array();
    for (const auto& r : a.towns) towns.push_back(row_json(r));
    for (const auto& r : a.communities) communities.push_back(row_json(r));
    for (const auto& r : a.roads) roads.push_back(row_json(r));
    for (const auto& t : a.trend) {
        nlohmann::json towns_rates = nlohmann::json::object();
        for (const auto& [code, r] : t.by_town) towns_rates[code] = {{"textual_rate", r.first}, {"governed_rate", r.second}};
        trend.push_back({{"run", t.run_id}, {"started_at", t.started_at}, {"textual_rate", t.textual_rate}, {"spatial_rate", t.spatial_rate},
                         {"coverage", t.coverage}, {"governed_rate", t.governed_rate}, {"towns", std::move(towns_rates)}});
    }
    return {{"run", a.run_id},
            {"police_dataset", a.police_dataset},
            {"civil_dataset", a.civil_dataset},
            {"distance_m", a.distance_m},
            {"started_at", a.started_at},
            {"definitions",
             {{"textual_match_rate", "police records linked at door-plate level or finer / police records"},
              {"spatial_match_rate", "linked police records within distance_m of their civil plate / police records"},
              {"coverage", "civil plates with at least one linked police record / civil plates"}}},
            {"summary", a.summary},
            {"towns", towns},
            {"communities", communities},
            {"roads", roads},
            {"trend", trend}};
}

void write_json(const Audit& a, const std::filesystem::path& out) {
    std::ofstream f{out, std::ios::binary};
    f << to_json(a).dump(2) << '\n';
    if (!f) throw input_error{out.string() + ": cannot write"};
}

void write_csv(const Audit& a, const std::filesystem::path& out) {
    std::ofstream f{out, std::ios::binary};
    f << "\xEF\xBB\xBF"; // a BOM, so that Excel reads the Chinese names as UTF-8
    f << "group,code,name,police_records,textual,spatial,textual_rate,spatial_rate\r\n";
    auto rows = [&](const char* group, const std::vector<RateRow>& v) {
        for (const auto& r : v) {
            f << group << ',' << r.code << ",\"" << r.name << "\"," << r.police << ',' << r.textual << ',' << r.spatial << ','
              << r.textual_rate() << ',' << r.spatial_rate() << "\r\n";
        }
    };
    RateRow all{"", "all", a.summary.value("police_records", std::int64_t{0}), a.summary.value("textual", std::int64_t{0}),
                a.summary.value("spatial", std::int64_t{0})};
    rows("overall", {all});
    rows("town", a.towns);
    rows("community", a.communities);
    rows("road", a.roads);
    if (!f) throw input_error{out.string() + ": cannot write"};
}

void write_html(const store::Database& db, const Audit& a, const std::filesystem::path& out) {
    const auto& s = a.summary;
    std::ostringstream h;
    h << "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>diming match audit, run " << a.run_id << "</title>"
      << "<style>body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;margin:2em;color:#222}"
         "h1{font-size:1.4em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
         "td:first-child,th:first-child,td:nth-child(2){text-align:left}th{background:#eef;cursor:pointer}.big{font-size:2em;font-weight:bold}"
         ".cards div{display:inline-block;margin-right:3em}.note{color:#666;font-size:.9em}</style></head><body>";
    h << "<h1>Police / civil-affairs address match audit — run " << a.run_id << "</h1>";
    h << "<p class=\"note\">Police dataset " << a.police_dataset << " against civil dataset " << a.civil_dataset << ", started "
      << text::xml_escape(a.started_at) << ", distance threshold " << a.distance_m << " m.</p>";
    h << "<div class=\"cards\"><div><div class=\"big\" id=\"spatial-rate\">" << pct(s.value("spatial_rate", 0.0))
      << "</div>spatial match rate<br><span class=\"note\">" << s.value("spatial", 0) << " / " << s.value("police_records", 0)
      << " police records linked and within " << a.distance_m << " m</span></div>";
    h << "<div><div class=\"big\" id=\"textual-rate\">" << pct(s.value("textual_rate", 0.0)) << "</div>textual match rate<br><span class=\"note\">"
      << s.value("textual", 0) << " / " << s.value("police_records", 0) << " linked at door-plate level or finer</span></div>";
    h << "<div><div class=\"big\" id=\"coverage\">" << pct(s.value("coverage", 0.0)) << "</div>civil coverage<br><span class=\"note\">"
      << s.value("covered", 0) << " / " << s.value("civil_records", 0) << " civil plates with a police record</span></div></div>";
    h << "<p>Levels: ";
    for (const auto& [level, n] : s["by_level"].items()) h << text::xml_escape(level) << " " << n.get<std::int64_t>() << " &nbsp; ";
    h << "<br>Conflicts: " << s.value("shared_plates", 0) << " civil plates linked by two or more police records, " << s.value("far_links", 0)
      << " links farther than " << a.distance_m << " m, " << s.value("ties", 0) << " ties.</p>";

    // Bar chart by town (inline SVG).
    h << "<h2>Spatial match rate by town</h2><svg width=\"720\" height=\"" << 24 * a.towns.size() + 10 << "\">";
    int y = 5;
    for (const auto& t : a.towns) {
        const int w = static_cast<int>(500 * t.spatial_rate());
        h << "<text x=\"0\" y=\"" << y + 14 << "\" font-size=\"13\">" << text::xml_escape(t.name) << "</text><rect x=\"110\" y=\"" << y << "\" width=\"" << w
          << "\" height=\"18\" fill=\"#3a7bd5\"/><text x=\"" << 115 + w << "\" y=\"" << y + 14 << "\" font-size=\"12\">" << pct(t.spatial_rate()) << " ("
          << t.police << ")</text>";
        y += 24;
    }
    h << "</svg>";

    auto table = [&](const char* id, const char* title, std::vector<RateRow> rows, std::size_t limit) {
        std::stable_sort(rows.begin(), rows.end(), [](const RateRow& x, const RateRow& y2) { return x.spatial_rate() < y2.spatial_rate(); });
        if (rows.size() > limit) rows.resize(limit);
        h << "<h2>" << title << "</h2><table id=\"" << id << "\"><thead><tr><th>name</th><th>code</th><th>police records</th><th>textual</th><th>spatial</th>"
          << "<th>textual rate</th><th>spatial rate</th></tr></thead><tbody>";
        for (const auto& r : rows) {
            h << "<tr><td>" << text::xml_escape(r.name) << "</td><td>" << text::xml_escape(r.code) << "</td><td>" << r.police << "</td><td>" << r.textual
              << "</td><td>" << r.spatial << "</td><td>" << pct(r.textual_rate()) << "</td><td>" << pct(r.spatial_rate()) << "</td></tr>";
        }
        h << "</tbody></table>";
    };
    table("communities", "By community and village (click a heading to sort)", a.communities, 100000);
    table("roads", "The 30 roads and villages with the lowest spatial match rate", a.roads, 30);

    // A small map: town boundaries, unmatched and conflicting police points (SpatiaLite's SVG paths; y is negated).
    auto extent = db.prepare("SELECT MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e) FROM (SELECT Extent(geom) AS e FROM divisions WHERE level = 4 AND geom IS NOT NULL)");
    if (extent.step() && !extent.is_null(0)) {
        const double minx = extent.column_double(0), miny = extent.column_double(1), maxx = extent.column_double(2), maxy = extent.column_double(3);
        // A degree of longitude is cos(latitude) of a degree of latitude: scale the height so the
        // map keeps its true shape.
        const double shrink = std::cos((miny + maxy) / 2 * 3.141592653589793 / 180);
        h << "<h2>Where the unmatched (red) and far (orange) records are</h2><svg width=\"720\" height=\""
          << static_cast<int>(720 * (maxy - miny) / ((maxx - minx) * shrink)) << "\" preserveAspectRatio=\"none\" viewBox=\"" << minx << " "
          << -maxy << " " << maxx - minx << " " << maxy - miny << "\" style=\"border:1px solid #ccc\">";
        auto towns = db.prepare("SELECT AsSVG(geom, 0, 5), short_name FROM divisions WHERE level = 4 AND geom IS NOT NULL");
        while (towns.step()) h << "<path d=\"" << towns.column_text(0) << "\" fill=\"#f4f6fb\" stroke=\"#99a\" stroke-width=\"0.0008\"><title>" << text::xml_escape(towns.column_text(1)) << "</title></path>";
        auto pts = db.prepare("SELECT X(p.geom), Y(p.geom), m.level, m.spatially_consistent FROM match_results m JOIN source_addresses p ON p.id = m.police_address_id "
                              "WHERE m.run_id = ?1 AND p.geom IS NOT NULL AND (m.level IN ('unmatched','spatial','road') OR m.spatially_consistent = 0) LIMIT 5000");
        pts.bind(1, a.run_id);
        while (pts.step()) {
            const bool unmatched = pts.column_text(2) == "unmatched" || pts.column_text(2) == "spatial" || pts.column_text(2) == "road";
            h << "<circle cx=\"" << pts.column_double(0) << "\" cy=\"" << -pts.column_double(1) << "\" r=\"0.0012\" fill=\"" << (unmatched ? "#d33" : "#f90") << "\"/>";
        }
        h << "</svg>";
    }

    h << "<h2>Trend across runs</h2>";
    // The line: the automatic rate and the governed one (after the decisions), run by run.
    if (!a.trend.empty()) {
        double lo = 1, hi = 0;
        for (const auto& t : a.trend) {
            lo = std::min({lo, t.textual_rate, t.governed_rate});
            hi = std::max({hi, t.textual_rate, t.governed_rate});
        }
        lo = std::max(0.0, lo - 0.01);
        hi = std::min(1.0, hi + 0.01);
        const auto n = a.trend.size();
        auto px = [&](std::size_t i) { return n == 1 ? 320.0 : 60.0 + static_cast<double>(i) * 520.0 / static_cast<double>(n - 1); };
        auto py = [&](double v) { return 170.0 - (hi > lo ? (v - lo) / (hi - lo) : 0.5) * 150.0; };
        auto line = [&](auto rate, const char* colour, const char* id) {
            h << "<polyline id=\"" << id << "\" fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
            for (std::size_t i = 0; i < n; ++i) h << px(i) << ',' << py(rate(a.trend[i])) << ' ';
            h << "\"/>";
            for (std::size_t i = 0; i < n; ++i) h << "<circle cx=\"" << px(i) << "\" cy=\"" << py(rate(a.trend[i])) << "\" r=\"3\" fill=\"" << colour << "\"><title>run " << a.trend[i].run_id << ": " << pct(rate(a.trend[i])) << "</title></circle>";
        };
        h << "<svg id=\"trend-chart\" viewBox=\"0 0 640 200\" width=\"640\" height=\"200\" role=\"img\"><text x=\"4\" y=\"24\" font-size=\"11\">" << pct(hi)
          << "</text><text x=\"4\" y=\"172\" font-size=\"11\">" << pct(lo) << "</text>";
        line([](const TrendPoint& t) { return t.textual_rate; }, "#2166ac", "trend-automatic");
        line([](const TrendPoint& t) { return t.governed_rate; }, "#1a9850", "trend-governed");
        h << "<text x=\"60\" y=\"194\" font-size=\"11\" fill=\"#2166ac\">textual rate (automatic)</text><text x=\"300\" y=\"194\" font-size=\"11\" fill=\"#1a9850\">governed rate (after decisions)</text></svg>";
    }
    h << "<table><tr><th>run</th><th>started</th><th>textual rate</th><th>governed rate</th><th>spatial rate</th><th>coverage</th></tr>";
    for (const auto& t : a.trend) {
        h << "<tr><td>" << t.run_id << "</td><td>" << text::xml_escape(t.started_at) << "</td><td>" << pct(t.textual_rate) << "</td><td>" << pct(t.governed_rate)
          << "</td><td>" << pct(t.spatial_rate) << "</td><td>" << pct(t.coverage) << "</td></tr>";
    }
    h << "</table>";
    // Each town over the runs: automatic / governed.
    if (!a.trend.empty()) {
        h << "<table id=\"trend-towns\"><tr><th>town</th>";
        for (const auto& t : a.trend) h << "<th>run " << t.run_id << "</th>";
        h << "</tr>";
        for (const auto& town : a.towns) {
            h << "<tr><td>" << text::xml_escape(town.name) << "</td>";
            for (const auto& t : a.trend) {
                const auto it = t.by_town.find(town.code);
                if (it == t.by_town.end()) h << "<td></td>";
                else h << "<td>" << pct(it->second.first) << " / " << pct(it->second.second) << "</td>";
            }
            h << "</tr>";
        }
        h << "</table><p class=\"note\">Each town's textual rate, automatic / governed, run by run.</p>";
    }
    h << "</table><p class=\"note\">Textual match rate: police records linked at door-plate level or finer / police records. Spatial match rate: "
         "linked records whose two points lie within the threshold / police records. Coverage: civil plates with a linked police record / civil plates. "
         "Distances are measured in EPSG:4549.</p>";
    h << "<script>document.querySelectorAll('th').forEach(function(th){th.onclick=function(){var t=th.closest('table'),i=[].indexOf.call(th.parentNode.children,th),"
         "b=t.tBodies[0],rows=[].slice.call(b.rows),asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';rows.sort(function(x,y){var p=x.cells[i].textContent,q=y.cells[i].textContent,"
         "m=parseFloat(p),n=parseFloat(q);var r=(!isNaN(m)&&!isNaN(n))?m-n:p.localeCompare(q);return asc?r:-r;});rows.forEach(function(r){b.appendChild(r);});};});</script>";
    h << "</body></html>\n";
    std::ofstream f{out, std::ios::binary};
    f << h.str();
    if (!f) throw input_error{out.string() + ": cannot write"};
}

void write_gpkg(const store::Database& db, const Audit& a, const std::filesystem::path& out) {
    std::filesystem::remove(out);
    auto ds = gdal::create_vector("GPKG", out);
    OGRSpatialReferenceH srs = gdal::srs_from_epsg(4490);
    struct Release { OGRSpatialReferenceH h; ~Release() { OSRRelease(h); } } release{srs};
    GDALDatasetStartTransaction(ds.get(), FALSE);
    gdal::LayerWriter results{ds.get(), "results", wkbPoint, srs,
                              {{"police_id", OFTString}, {"police_address", OFTString}, {"level", OFTString}, {"score", OFTReal},
                               {"distance_m", OFTReal}, {"consistent", OFTInteger}, {"civil_address", OFTString}, {"reason", OFTString}}};
    gdal::LayerWriter links{ds.get(), "links", wkbLineString, srs, {{"police_id", OFTString}, {"level", OFTString}, {"distance_m", OFTReal}}};
    auto st = db.prepare("SELECT p.source_id, p.raw_address, m.level, m.score, m.distance_m, m.spatially_consistent, c.raw_address, m.reason, "
                         "X(p.geom), Y(p.geom), X(c.geom), Y(c.geom) FROM match_results m JOIN source_addresses p ON p.id = m.police_address_id "
                         "LEFT JOIN source_addresses c ON c.id = m.civil_address_id WHERE m.run_id = ?1 AND p.geom IS NOT NULL");
    st.bind(1, a.run_id);
    while (st.step()) {
        results.set(0, st.column_text(0));
        results.set(1, st.column_text(1));
        results.set(2, st.column_text(2));
        results.set(3, st.column_double(3));
        if (!st.is_null(4)) results.set(4, st.column_double(4));
        if (!st.is_null(5)) results.set(5, st.column_int(5));
        results.set(6, st.column_text(6));
        results.set(7, st.column_text(7));
        results.point(st.column_double(8), st.column_double(9));
        results.write();
        if (!st.is_null(10)) {
            links.set(0, st.column_text(0));
            links.set(1, st.column_text(2));
            if (!st.is_null(4)) links.set(2, st.column_double(4));
            links.line({{st.column_double(8), st.column_double(9)}, {st.column_double(10), st.column_double(11)}});
            links.write();
        }
    }
    GDALDatasetCommitTransaction(ds.get());
}

} // namespace diming::audit
