#pragma once
// Print orders: approved issuances gathered into a batch for the printer. Each plate of the
// order is a PlateFace drawn from its template (data/plates/templates.json); the sheet, the
// proofs and the certificates are made from the faces. Marking the order printed moves its
// issuances to printed.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "printing/plate_face.hpp"

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::printing {

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
struct PrintOrderFilter {
    std::optional<std::string> status;   // open, sent, printed, cancelled
    std::optional<std::string> printer;  // part of the sign shop's name
    std::optional<std::string> from, to; // creation dates, YYYY-MM-DD, inclusive
    std::optional<std::int64_t> before;  // keyset cursor: ids below this
    int limit = 50;
};
// The most recent orders first, each with its count of plates and of installed ones, and
// `next_before` when there are more.
nlohmann::json list_print_orders(store::Database& db, const PrintOrderFilter& filter);

struct PrintOrderHeader {
    std::int64_t id = 0;
    std::string status, printer, note, created_by, created_at;
};
PrintOrderHeader print_order_header(store::Database& db, std::int64_t order_id);

// An SVG proof of one plate of the order; nothing if the plate is not in the order.
std::optional<std::string> proof_svg(store::Database& db, std::int64_t order_id, std::int64_t door_plate_id, const std::string& public_url);
// A road's or lane's sign (街路巷牌: name above, pinyin below); nothing if there is no such place.
std::optional<PlateFace> street_sign(store::Database& db, std::int64_t place_name_id);

// The order's PDF: a contact sheet, then each plate at its true size.
std::string proofs_pdf(store::Database& db, std::int64_t order_id, const std::string& public_url);

} // namespace diming::printing
