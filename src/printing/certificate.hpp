#pragma once
// 门牌证: the door-plate certificate a household receives when its plate is installed or
// re-addressed by a renaming. One per issuance, numbered per county and year with a check
// character; printed A5 as a PDF (one or a print order's batch) with the plate's QR code.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::printing {

struct Certificate {
    std::string number;          // 330482 2026 000123 X: county, year, serial, check
    std::int64_t issuance_id = 0;
    std::int64_t door_plate_id = 0;
    std::string household;       // optional: printed, never public
    std::string standard_address;
    std::string plate_number;    // as on the plate: 12-1号, 3幢, 301室
    std::string town, community;
    std::string authority;
    std::string issued_on;
    std::string public_code;     // the plate's, for the QR code
};

// ISO 7064 MOD 11-2 over 16 digits (the identity card's check): '0'…'9' or 'X'.
char certificate_check_character(std::string_view first16);
bool is_certificate_number(std::string_view number);

// Issues a certificate to each issuance that has none (one transaction, audited); those that
// have one keep it. An issuance is certified once its plate is on a print order (ordered,
// printed or installed); unit plates get none. `households` by issuance id, optional.
// Throws refusal naming the first issuance that cannot be certified.
std::vector<Certificate> issue_certificates(store::Database& db, const std::vector<std::int64_t>& issuance_ids,
                                            const std::map<std::int64_t, std::string>& households, const std::string& issued_on,
                                            const std::string& actor);
// Every issuance of the order that can be certified, certified.
std::vector<Certificate> certify_print_order(store::Database& db, std::int64_t order_id, const std::map<std::int64_t, std::string>& households,
                                             const std::string& issued_on, const std::string& actor);

std::vector<Certificate> order_certificates(store::Database& db, std::int64_t order_id);
std::optional<Certificate> issuance_certificate(store::Database& db, std::int64_t issuance_id);

nlohmann::json to_json(const Certificate& c);

// A5 pages, one certificate each.
std::string certificates_pdf(const std::vector<Certificate>& certificates, const std::string& public_url);

} // namespace diming::printing
