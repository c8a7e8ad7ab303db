#include "cli/commands.hpp"

#include "lookup/query.hpp"
#include "plates/door_plates.hpp"
#include "plates/issuance.hpp"
#include "core/calendar.hpp"
#include "core/error.hpp"
#include "printing/certificate.hpp"
#include "printing/plate_drawing.hpp"
#include "printing/print_order.hpp"
#include "printing/printer_sheet.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <limits>
#include <map>

namespace diming::cli {

namespace {

void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out{path, std::ios::binary};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw input_error{path.string() + ": cannot write the file"};
}

store::Database open_registry(const std::string& path, store::Access access) {
    auto db = store::Database::open(path, access);
    store::require_current_schema(db);
    return db;
}

} // namespace

void add_plates(CLI::App& app) {
    auto* cmd = app.add_subcommand("plates", "Issue door plates and move their issuances (as POST /api/v1/doorplates and /api/v1/issuances)");
    cmd->require_subcommand(1);
    struct Args {
        std::string db, point, hamlet, suffix, compound, applicant, plate_type, building, unit, room, to, note, status, road, from, until;
        std::int64_t place = 0, parent = 0, id = 0;
        int number = 0, limit = 100;
        bool dry_run = false;
    };
    auto a = std::make_shared<Args>();

    auto* issue = cmd->add_subcommand("issue", "Issue a door plate at a point (number proposed unless given), or a building/unit/room plate under one");
    issue->add_option("--db", a->db, "registry database")->required();
    issue->add_option("--place", a->place, "road or village (place name id)");
    issue->add_option("--point", a->point, "lon,lat of the door");
    issue->add_option("--hamlet", a->hamlet, "natural village or group (rural)");
    issue->add_option("--number", a->number, "the number, if not the proposed one");
    issue->add_option("--suffix", a->suffix, "附号, with --number");
    issue->add_option("--compound", a->compound, "小区 after the number");
    issue->add_option("--parent", a->parent, "for building/unit/room plates: the plate they hang under");
    issue->add_option("--type", a->plate_type, "building, unit or room (with --parent)");
    issue->add_option("--building", a->building);
    issue->add_option("--unit", a->unit);
    issue->add_option("--room", a->room);
    issue->add_option("--applicant", a->applicant, "who applied");
    issue->add_flag("--dry-run", a->dry_run, "only propose the number");
    issue->callback([a] {
        auto db = open_registry(a->db, store::Access::read_write);
        plates::IssuedPlate out;
        if (a->parent) {
            out = plates::issue_child_plate(db, {a->parent, a->plate_type, a->building, a->unit, a->room, a->applicant}, store::cli_actor());
        } else {
            if (!a->place || a->point.empty()) throw input_error{"plates issue: give --place and --point (or --parent and --type)"};
            plates::DoorPlateRequest r;
            r.place_name_id = a->place;
            r.point = lookup::parse_lon_lat(a->point, "--point");
            r.hamlet = a->hamlet;
            if (a->number) r.number = a->number;
            r.suffix = a->suffix;
            r.compound = a->compound;
            r.applicant = a->applicant;
            r.dry_run = a->dry_run;
            out = plates::issue_door_plate(db, r, store::cli_actor());
        }
        std::cout << nlohmann::json{{"door_plate_id", out.door_plate_id}, {"issuance_id", out.issuance_id}, {"standard_address", out.standard_address},
                                    {"reason", out.proposal.reason}}
                         .dump()
                  << '\n';
    });

    auto* move = cmd->add_subcommand("move", "Move an issuance: approved, rejected, cancelled, installed (ordered and printed go through print orders)");
    move->add_option("--db", a->db, "registry database")->required();
    move->add_option("id", a->id, "issuance id")->required();
    move->add_option("--to", a->to, "the new status")->required();
    move->add_option("--note", a->note);
    move->callback([a] {
        auto db = open_registry(a->db, store::Access::read_write);
        plates::move_issuance(db, a->id, a->to, store::cli_actor(), a->note);
        std::cerr << "issuance " << a->id << " is " << a->to << '\n';
    });

    auto* list = cmd->add_subcommand("issuances", "List issuances as JSON");
    list->add_option("--db", a->db, "registry database")->required();
    list->add_option("--status", a->status);
    list->add_option("--road", a->road, "place name id or name");
    list->add_option("--from", a->from, "created on or after, YYYY-MM-DD");
    list->add_option("--to", a->until, "created on or before, YYYY-MM-DD");
    list->add_option("--limit", a->limit)->capture_default_str();
    list->callback([a] {
        auto db = open_registry(a->db, store::Access::read_only);
        plates::IssuanceFilter f;
        if (!a->status.empty()) f.status = a->status;
        if (!a->road.empty()) f.road = a->road;
        if (!a->from.empty()) f.from = a->from;
        if (!a->until.empty()) f.to = a->until;
        f.limit = a->limit;
        std::cout << plates::list_issuances(db, f).dump(2) << '\n';
    });
}

void add_print_orders(CLI::App& app) {
    auto* cmd = app.add_subcommand("print-orders", "Batch approved issuances for the printer; the sheet (CSV/XLSX), proofs (PDF/SVG) and certificates");
    cmd->require_subcommand(1);
    struct Args {
        std::string db, printer, note, out, format, public_url, lang = "zh";
        std::vector<std::int64_t> ids;
        std::vector<std::string> households;
        std::int64_t id = 0;
    };
    auto a = std::make_shared<Args>();
    auto* create = cmd->add_subcommand("create", "Create an order from approved issuances (all of them unless --issuance is given)");
    create->add_option("--db", a->db, "registry database")->required();
    create->add_option("--issuance", a->ids, "issuance ids");
    create->add_option("--printer", a->printer);
    create->add_option("--note", a->note);
    create->callback([a] {
        auto db = open_registry(a->db, store::Access::read_write);
        std::cout << printing::create_print_order(db, {a->ids, a->printer, a->note}, store::cli_actor()) << '\n';
    });
    auto* exp = cmd->add_subcommand("export", "Write the printer's sheet (.csv or .xlsx) or the order's PDF proofs (.pdf); "
                                              "a sheet also gets an SVG proof per plate in NAME-proofs/");
    exp->add_option("--db", a->db, "registry database")->required();
    exp->add_option("id", a->id, "print order id")->required();
    exp->add_option("--out", a->out, "NAME.csv, NAME.xlsx or NAME.pdf")->required();
    exp->add_option("--format", a->format, "csv, xlsx or pdf (default: by the file name)")->check(CLI::IsMember({"csv", "xlsx", "pdf"}));
    exp->add_option("--public-url", a->public_url, "the registry's public address, for the plates' QR codes (https://dm.example.gov.cn)");
    exp->add_option("--lang", a->lang, "zh (default) or en: the sheet's headers")->check(CLI::IsMember({"zh", "en"}));
    exp->callback([a] {
        auto db = open_registry(a->db, store::Access::read_only);
        const std::filesystem::path out{a->out};
        const std::string format = !a->format.empty() ? a->format : out.extension() == ".xlsx" ? "xlsx" : out.extension() == ".pdf" ? "pdf"
                                                               : out.extension() == ".csv"  ? "csv" : "";
        if (format.empty()) throw input_error{"--out: name the file .csv, .xlsx or .pdf, or give --format"};
        if (format == "pdf") {
            if (a->public_url.empty()) throw input_error{"--public-url is required for the PDF: every door and building plate carries a QR code to its public page"};
            write_file(out, printing::proofs_pdf(db, a->id, a->public_url));
            std::cerr << "wrote " << out.string() << '\n';
            return;
        }
        const auto language = printing::sheet_language(a->lang);
        if (format == "xlsx") printing::export_xlsx(db, a->id, out, a->public_url, language);
        else printing::export_csv(db, a->id, out, a->public_url, language);
        const auto proofs = out.parent_path() / (out.stem().string() + "-proofs");
        std::filesystem::create_directories(proofs);
        int n = 0;
        for (const auto& face : printing::order_faces(db, a->id)) {
            write_file(proofs / (std::to_string(face.door_plate_id) + ".svg"), printing::proof_svg(face, a->public_url));
            ++n;
        }
        std::cerr << "wrote " << out.string() << " and " << n << " proofs in " << proofs.string() << '\n';
    });
    auto* certs = cmd->add_subcommand("certificates", "Issue the door-plate certificates (门牌证) of an order's plates and write them as a PDF (A5)");
    certs->add_option("--db", a->db, "registry database")->required();
    certs->add_option("id", a->id, "print order id")->required();
    certs->add_option("--out", a->out, "NAME.pdf")->required();
    certs->add_option("--public-url", a->public_url, "the registry's public address, for the QR codes")->required();
    certs->add_option("--household", a->households, "ISSUANCE=NAME: the household's name on that certificate (repeat)");
    certs->callback([a] {
        auto db = open_registry(a->db, store::Access::read_write);
        std::map<std::int64_t, std::string> names;
        for (const auto& h : a->households) {
            const auto eq = h.find('=');
            if (eq == std::string::npos) throw input_error{"--household " + h + ": write ISSUANCE=NAME"};
            names[lookup::parse_integer(h.substr(0, eq), "--household", 1, std::numeric_limits<std::int64_t>::max())] = h.substr(eq + 1);
        }
        const auto all = printing::certify_print_order(db, a->id, names, today(), store::cli_actor());
        write_file(a->out, printing::certificates_pdf(all, a->public_url));
        std::cerr << "wrote " << all.size() << " certificate(s) to " << a->out << '\n';
    });
    auto* printed = cmd->add_subcommand("printed", "Mark an order printed (its issuances become printed)");
    printed->add_option("--db", a->db, "registry database")->required();
    printed->add_option("id", a->id, "print order id")->required();
    printed->callback([a] {
        auto db = open_registry(a->db, store::Access::read_write);
        printing::mark_printed(db, a->id, store::cli_actor());
        std::cerr << "print order " << a->id << " printed\n";
    });
}

} // namespace diming::cli
