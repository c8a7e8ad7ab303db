#include "cli/commands.hpp"

#include "lookup/query.hpp"
#include "plates/door_plates.hpp"
#include "plates/issuance.hpp"
#include "printing/print_order.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace diming::cli {

namespace {

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
    auto* cmd = app.add_subcommand("print-orders", "Batch approved issuances for the printer; export CSV/XLSX and SVG proofs");
    cmd->require_subcommand(1);
    struct Args {
        std::string db, printer, note, out;
        std::vector<std::int64_t> ids;
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
    auto* exp = cmd->add_subcommand("export", "Write the printer's sheet (.csv or .xlsx by the file name) and an SVG proof per plate beside it");
    exp->add_option("--db", a->db, "registry database")->required();
    exp->add_option("id", a->id, "print order id")->required();
    exp->add_option("--out", a->out, "sheet file: NAME.csv or NAME.xlsx")->required();
    exp->callback([a] {
        auto db = open_registry(a->db, store::Access::read_only);
        const std::filesystem::path out{a->out};
        if (out.extension() == ".xlsx") printing::export_xlsx(db, a->id, out);
        else if (out.extension() == ".csv") printing::export_csv(db, a->id, out);
        else throw input_error{"--out: name the sheet .csv or .xlsx"};
        const auto proofs = out.parent_path() / (out.stem().string() + "-proofs");
        std::filesystem::create_directories(proofs);
        int n = 0;
        for (const auto& face : printing::order_faces(db, a->id)) {
            std::ofstream svg{proofs / (std::to_string(face.door_plate_id) + ".svg")};
            svg << printing::proof_svg(face);
            ++n;
        }
        std::cerr << "wrote " << out.string() << " and " << n << " proofs in " << proofs.string() << '\n';
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
