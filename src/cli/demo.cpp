// `diming demo`: every stage that exists, end to end, on a fresh database in a work folder.
// It grows with each capability; it must always run in one command on a fresh machine.

#include "cli/commands.hpp"

#include "core/data_dir.hpp"
#include "importers/divisions.hpp"
#include "audit/audit.hpp"
#include "importers/import.hpp"
#include "match/evaluation.hpp"
#include "match/match_run.hpp"
#include "address/parser.hpp"
#include "sample/sample.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <iostream>
#include <cstdio>
#include <tuple>

namespace diming::cli {

namespace {

void run_demo(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    const auto db_path = dir / "pinghu.sqlite";
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(db_path.string() + ext);

    std::cout << "diming demo: Pinghu (平湖市, 330482)\n\n";
    const auto init = init_database(db_path);
    std::cout << "1. init      " << db_path.string() << ": schema version " << init.to_version << " (" << init.applied
              << " migrations)\n";

    auto db = store::Database::open(db_path, store::Access::read_write);
    const auto divisions_csv = data_dir() / "divisions" / "330482.csv";
    const auto d = import::import_divisions(db, divisions_csv, store::cli_actor());
    std::cout << "2. divisions " << d.rows << " loaded from " << divisions_csv.string() << ": " << d.towns
              << " towns/subdistricts, " << d.communities << " communities/villages\n";
    auto towns = db.prepare("SELECT t.short_name, count(c.code) FROM divisions t LEFT JOIN divisions c ON c.parent_code = t.code "
                            "WHERE t.level = 4 GROUP BY t.code ORDER BY t.code");
    std::cout << "             ";
    while (towns.step()) std::cout << towns.column_text(0) << ' ' << towns.column_int(1) << "  ";
    std::cout << '\n';

    sample::SampleOptions sample_options;
    sample_options.plates = 3000;
    const auto sample_dir = dir / "sample";
    const auto s = sample::write_sample(sample_options, sample_dir);
    std::cout << "3. sample    " << s.civil_plates << " civil plates on " << s.roads << " roads and " << s.police_records
              << " police records with known variations -> " << sample_dir.string()
              << "/{civil.gpkg,police.csv,truth.csv,summary.json}\n";

    const auto profiles = data_dir().parent_path() / "importers" / "profiles";
    std::int64_t dataset_ids[2] = {0, 0};
    for (const auto& [file, kind, profile] : {std::tuple{"civil.gpkg", import::SourceKind::civil, "civil-registry.json"},
                                              std::tuple{"police.csv", import::SourceKind::police, "police-yibiaosanshi.json"}}) {
        import::ImportRequest req;
        req.dataset = sample_dir / file;
        req.source = kind;
        req.profile = import::load_profile(profiles / profile);
        req.rejects = dir / (std::string{file} + ".rejects.csv");
        req.actor = store::cli_actor();
        const auto r = import::import_dataset(db, req);
        dataset_ids[kind == import::SourceKind::civil ? 0 : 1] = r.dataset_id;
        std::cout << (kind == import::SourceKind::civil ? "4. import    " : "            ") << file << " -> dataset " << r.dataset_id
                  << ": " << r.rows_imported << " imported";
        for (const auto& [target, n] : r.imported_by_target) std::cout << ", " << target << " " << n;
        if (r.rows_rejected) {
            std::cout << "; " << r.rows_rejected << " rejected (";
            bool first = true;
            for (const auto& [reason, n] : r.rejected_by_reason) {
                std::cout << (first ? "" : ", ") << reason << " " << n;
                first = false;
            }
            std::cout << ") -> " << r.rejects_file.string();
        }
        std::cout << '\n';
    }

    match::MatchOptions mo;
    mo.civil_dataset = dataset_ids[0];
    mo.police_dataset = dataset_ids[1];
    mo.actor = store::cli_actor();
    const auto m = match::run_match(db, mo);
    const auto ev = match::evaluate_run(db, m.run_id, sample_dir / "truth.csv");
    std::printf("5. match     run %lld: spatial match rate %.2f%% (%lld/%lld within %.0f m), textual %.2f%%, coverage %.2f%%\n"
                "             against the sample's truth: precision %.2f%%, recall %.2f%%; %lld unregistered records left unmatched\n",
                static_cast<long long>(m.run_id), 100 * m.spatial_rate(), static_cast<long long>(m.spatial),
                static_cast<long long>(m.police_records), mo.distance_m, 100 * m.textual_rate(), 100 * m.coverage(),
                100 * ev.overall.precision(), 100 * ev.overall.recall(), static_cast<long long>(ev.unregistered - ev.unregistered_linked));
    const auto report = dir / "match-report.html";
    audit::write_html(db, audit::compute_audit(db, m.run_id), report);
    std::cout << "             report: " << report.string() << "\n";

    const auto gazetteer = load_gazetteer(db_path.string());
    std::cout << "6. parse     one door written three ways, one key:\n";
    for (const char* text : {"浙江省平湖市当湖街道人民路十二号3栋2单元301室", "平湖当湖人民路12号3幢2-301", "當湖街道人民路１２號３號樓2單元3楼01室"}) {
        const auto a = address::parse(text, gazetteer);
        std::cout << "             " << text << "\n               -> " << a.key_room << '\n';
    }

    std::cout << "\nSpatial tables (EPSG:4490, each with a spatial index):\n";
    auto geoms = db.prepare("SELECT f_table_name, f_geometry_column, geometry_type, srid, spatial_index_enabled "
                            "FROM geometry_columns ORDER BY f_table_name");
    while (geoms.step()) {
        static const char* types[] = {"GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON"};
        const auto t = geoms.column_int(2);
        std::cout << "  " << geoms.column_text(0) << '.' << geoms.column_text(1) << "  "
                  << (t >= 0 && t < 7 ? types[t] : "other") << "  EPSG:" << geoms.column_int(3)
                  << (geoms.column_int(4) ? "  indexed" : "") << '\n';
    }
    std::cout << "\nLook at it:\n"
              << "  ogrinfo -so " << db_path.string() << "            # every spatial table, type and SRS\n"
              << "  sqlite3 " << db_path.string() << " \"SELECT code, short_name FROM divisions WHERE level = 4\"\n"
              << "  QGIS: Layer > Add Layer > Add SpatiaLite Layer > " << db_path.string() << "\n"
              << "  ogrinfo -so " << (sample_dir / "civil.gpkg").string() << "   # the sample civil registry\n"
              << "  head " << (sample_dir / "police.csv").string() << "          # the sample police extract\n"
              << "  open " << (dir / "match-report.html").string() << " in a browser     # the match-rate audit\n"
              << "  ./build/diming serve --db " << db_path.string() << "   # then http://127.0.0.1:8080/ (web map), /ogc, /api/v1/names?q=...\n";
}

} // namespace

void add_demo(CLI::App& app) {
    auto* cmd = app.add_subcommand("demo", "Run every stage of diming end to end on Pinghu data in a work folder");
    auto dir = std::make_shared<std::string>("diming-demo");
    cmd->add_option("--dir", *dir, "work folder (its database is recreated)")->capture_default_str();
    cmd->callback([dir] { run_demo(*dir); });
}

} // namespace diming::cli
