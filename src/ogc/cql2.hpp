#pragma once
// OGC API - Features Part 3 (Filtering) with CQL2 text, the Basic CQL2 conformance class:
// comparisons (= <> < > <= >=), AND, OR, NOT, LIKE, IN, BETWEEN, IS [NOT] NULL, with string,
// number, boolean, DATE() and TIMESTAMP() literals, on a collection's queryable properties.
// An expression becomes an SQL condition whose every value is a bound parameter and whose
// every column comes from the queryables list, never from the expression's text. Errors name
// the position (1-based, in characters) and what was expected there.

#include "lookup/query.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace diming::ogc {

enum class QueryableType { string, integer, number, boolean, date, datetime };

struct Queryable {
    const char* name;
    const char* sql;      // the SQL expression of the property
    QueryableType type;
    const char* title;
};

using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

struct SqlCondition {
    std::string sql;              // uses ?first_param, ?first_param+1, …
    std::vector<SqlValue> values; // in that order
};

class cql2_error : public lookup::query_error {
public:
    cql2_error(std::size_t position, const std::string& message)
        : lookup::query_error{"filter", "at " + std::to_string(position) + ": " + message}, position_{position} {}
    std::size_t position() const noexcept { return position_; }

private:
    std::size_t position_;
};

constexpr std::size_t max_filter_bytes = 4096;

SqlCondition parse_cql2_text(const std::string& text, const std::vector<Queryable>& queryables, int first_param);

} // namespace diming::ogc
