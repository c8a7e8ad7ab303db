#pragma once
// Print orders: approved issuances gathered into a batch for the printer, exported as CSV
// and XLSX with what each plate shows (text, pinyin, number) and how it is made (size and
// colours from data/plates/signs.csv), with an SVG proof of each plate. Marking the order
// printed moves its issuances to printed.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::printing {

struct SignSpec {
    std::string sign;          // door, door-gate, building, unit, room
    std::string plate_type;
    std::string name;          // 小门牌 ...
    int width_mm = 0, height_mm = 0;
    std::string ground, text_colour, number_ground, number_colour;
    std::string layout;
};

// From data/plates/signs.csv (read once).
const std::vector<SignSpec>& sign_specs();

// One line of a print order: one plate to make.
struct PlateFace {
    std::int64_t issuance_id = 0;
    std::int64_t door_plate_id = 0;
    std::string kind;          // new, replacement, renaming
    std::string plate_type;
    std::string text;          // the name on the plate: road, or village + natural village
    std::string pinyin;
    std::string number;        // 12-1, 3 (building), 1 (unit), 101 (room)
    std::string standard_address;
    const SignSpec* spec = nullptr;
};

struct PrintOrderRequest {
    std::vector<std::int64_t> issuance_ids; // empty: every approved issuance
    std::string printer;
    std::string note;
};

// Creates the order and moves its issuances to 'ordered', in one transaction. Throws
// refusal: none approved, or a given issuance that is not approved (409).
std::int64_t create_print_order(store::Database& db, const PrintOrderRequest& request, const std::string& actor);
// Moves the order to 'printed' and its issuances to 'printed'.
void mark_printed(store::Database& db, std::int64_t order_id, const std::string& actor);

std::vector<PlateFace> order_faces(store::Database& db, std::int64_t order_id);
std::optional<nlohmann::json> print_order_record(store::Database& db, std::int64_t order_id);
// The most recent orders first (id below `before` when given), each with its count of plates and of installed ones.
nlohmann::json list_print_orders(store::Database& db, int limit, std::optional<std::int64_t> before);

// The printer's sheet. XLSX through GDAL's XLSX driver.
void export_csv(store::Database& db, std::int64_t order_id, const std::filesystem::path& path);
void export_xlsx(store::Database& db, std::int64_t order_id, const std::filesystem::path& path);

// An SVG proof of one plate of the order (blue ground, white text: name, pinyin, number);
// nothing if the plate is not in the order.
std::optional<std::string> proof_svg(store::Database& db, std::int64_t order_id, std::int64_t door_plate_id);
std::string proof_svg(const PlateFace& face);

} // namespace diming::printing
