#include "ogc/cql2.hpp"

#include "core/calendar.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace diming::ogc {

namespace {

enum class Tok { identifier, quoted_identifier, string, number, op, lparen, rparen, comma, end };

struct Token {
    Tok kind = Tok::end;
    std::string text;     // identifiers upper-cased in `upper`
    std::string upper;
    std::size_t at = 0;   // byte offset
};

enum class LiteralKind { string, number, boolean, date, timestamp, null };

// One side of a comparison: a property or a literal.
struct Operand {
    const Queryable* property = nullptr;
    LiteralKind kind = LiteralKind::string;
    SqlValue value;
    std::size_t at = 0;
};

class Parser {
public:
    Parser(const std::string& text, const std::vector<Queryable>& q, int first_param) : text_{text}, q_{q}, next_param_{first_param} {
        tokenize();
    }

    SqlCondition parse() {
        if (tokens_.size() == 1) fail(0, "the filter is empty");
        auto sql = expression(0);
        if (peek().kind != Tok::end) fail(peek().at, "expected AND, OR or the end of the filter, found '" + peek().text + "'");
        return {std::move(sql), std::move(values_)};
    }

private:
    const std::string& text_;
    const std::vector<Queryable>& q_;
    int next_param_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    std::vector<SqlValue> values_;

    [[noreturn]] void fail(std::size_t byte, const std::string& message) const {
        // The position a person counts: characters, from 1.
        throw cql2_error{text::code_points(std::string_view{text_}.substr(0, byte)) + 1, message};
    }

    void tokenize() {
        std::size_t i = 0;
        const auto n = text_.size();
        while (i < n) {
            const char c = text_[i];
            if (std::isspace(static_cast<unsigned char>(c))) {
                ++i;
                continue;
            }
            Token t;
            t.at = i;
            if (c == '(' || c == ')' || c == ',') {
                t.kind = c == '(' ? Tok::lparen : c == ')' ? Tok::rparen : Tok::comma;
                t.text = c;
                ++i;
            } else if (c == '\'') {
                t.kind = Tok::string;
                ++i;
                for (;;) {
                    if (i >= n) fail(t.at, "a string that is never closed with '");
                    if (text_[i] == '\'') {
                        if (i + 1 < n && text_[i + 1] == '\'') {
                            t.text += '\'';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    t.text += text_[i++];
                }
            } else if (c == '"') {
                t.kind = Tok::quoted_identifier;
                const auto close = text_.find('"', i + 1);
                if (close == std::string::npos) fail(t.at, "a quoted property name that is never closed with \"");
                t.text = text_.substr(i + 1, close - i - 1);
                i = close + 1;
            } else if (std::isdigit(static_cast<unsigned char>(c)) || ((c == '-' || c == '+' || c == '.') && i + 1 < n &&
                                                                      (std::isdigit(static_cast<unsigned char>(text_[i + 1])) || text_[i + 1] == '.'))) {
                t.kind = Tok::number;
                std::size_t j = i + 1;
                while (j < n && (std::isdigit(static_cast<unsigned char>(text_[j])) || text_[j] == '.' || text_[j] == 'e' || text_[j] == 'E' ||
                                 ((text_[j] == '-' || text_[j] == '+') && (text_[j - 1] == 'e' || text_[j - 1] == 'E')))) {
                    ++j;
                }
                t.text = text_.substr(i, j - i);
                i = j;
            } else if (c == '=' || c == '<' || c == '>') {
                t.kind = Tok::op;
                t.text = c;
                ++i;
                if (i < n && (text_[i] == '=' || (c == '<' && text_[i] == '>'))) t.text += text_[i++];
            } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
                t.kind = Tok::identifier;
                std::size_t j = i;
                while (j < n && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_' || text_[j] == '.' || text_[j] == ':')) ++j;
                t.text = text_.substr(i, j - i);
                i = j;
            } else {
                std::size_t len = 1; // the whole UTF-8 sequence of the character
                while (i + len < n && (static_cast<unsigned char>(text_[i + len]) & 0xC0) == 0x80) ++len;
                fail(i, "unexpected character '" + text_.substr(i, len) + "'");
            }
            for (char ch : t.text) t.upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            tokens_.push_back(std::move(t));
        }
        Token end;
        end.at = n;
        end.text = "(end)";
        tokens_.push_back(end);
    }

    const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
    const Token& take() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }
    bool keyword(const char* k, std::size_t ahead = 0) const { return peek(ahead).kind == Tok::identifier && peek(ahead).upper == k; }
    bool accept(const char* k) {
        if (!keyword(k)) return false;
        ++pos_;
        return true;
    }
    void expect(Tok kind, const char* what) {
        if (peek().kind != kind) fail(peek().at, std::string{"expected "} + what + ", found '" + peek().text + "'");
        ++pos_;
    }

    std::string bind(SqlValue v) {
        values_.push_back(std::move(v));
        return "?" + std::to_string(next_param_++);
    }

    std::string expression(int depth) {
        if (depth > 40) fail(peek().at, "the filter nests too deep");
        std::string sql = term(depth);
        while (accept("OR")) sql = "(" + sql + " OR " + term(depth) + ")";
        return sql;
    }
    std::string term(int depth) {
        std::string sql = factor(depth);
        while (accept("AND")) sql = "(" + sql + " AND " + factor(depth) + ")";
        return sql;
    }
    std::string factor(int depth) {
        if (accept("NOT")) return "(NOT " + factor(depth + 1) + ")";
        return primary(depth);
    }
    std::string primary(int depth) {
        if (peek().kind == Tok::lparen) {
            // A parenthesised expression, unless it is the left side of a comparison; a
            // property or literal never starts with '(' in Basic CQL2, so it is an expression.
            ++pos_;
            auto sql = expression(depth + 1);
            expect(Tok::rparen, "')'");
            return sql;
        }
        if ((keyword("TRUE") || keyword("FALSE")) && !is_comparison_op(peek(1))) return take().upper == "TRUE" ? "1" : "0";
        return predicate();
    }

    static bool is_comparison_op(const Token& t) { return t.kind == Tok::op; }

    const Queryable* property_named(const Token& t) const {
        for (const auto& q : q_) {
            if (t.text == q.name) return &q;
        }
        return nullptr;
    }

    Operand operand() {
        const Token& t = peek();
        Operand o;
        o.at = t.at;
        if (t.kind == Tok::string) {
            o.kind = LiteralKind::string;
            o.value = t.text;
            ++pos_;
            return o;
        }
        if (t.kind == Tok::number) {
            char* end = nullptr;
            const double d = std::strtod(t.text.c_str(), &end);
            if (end != t.text.c_str() + t.text.size()) fail(t.at, "'" + t.text + "' is not a number");
            o.kind = LiteralKind::number;
            if (t.text.find_first_of(".eE") == std::string::npos && std::abs(d) < 9e15) o.value = static_cast<std::int64_t>(std::llround(d));
            else o.value = d;
            ++pos_;
            return o;
        }
        if (t.kind == Tok::identifier && (t.upper == "TRUE" || t.upper == "FALSE")) {
            o.kind = LiteralKind::boolean;
            o.value = static_cast<std::int64_t>(t.upper == "TRUE");
            ++pos_;
            return o;
        }
        if (t.kind == Tok::identifier && (t.upper == "DATE" || t.upper == "TIMESTAMP") && peek(1).kind == Tok::lparen) {
            const bool date = t.upper == "DATE";
            pos_ += 2;
            const Token& s = peek();
            if (s.kind != Tok::string) fail(s.at, std::string{"expected a quoted "} + (date ? "date ('2026-03-01')" : "timestamp ('2026-03-01T08:00:00Z')"));
            try { // the form, and a day that exists
                require_iso_date(s.text.substr(0, 10), "filter");
            } catch (const refusal&) {
                fail(s.at, "'" + s.text + "' is not a date (YYYY-MM-DD, a day that exists)");
            }
            if (date && s.text.size() != 10) fail(s.at, "'" + s.text + "' is not a date YYYY-MM-DD");
            if (!date && (s.text.size() < 20 || !is_iso_date(s.text.substr(0, 10)) || s.text[10] != 'T')) {
                fail(s.at, "'" + s.text + "' is not a timestamp YYYY-MM-DDTHH:MM:SSZ");
            }
            o.kind = date ? LiteralKind::date : LiteralKind::timestamp;
            o.value = s.text;
            ++pos_;
            expect(Tok::rparen, "')'");
            return o;
        }
        if (t.kind == Tok::identifier || t.kind == Tok::quoted_identifier) {
            if (t.kind == Tok::identifier && (t.upper == "AND" || t.upper == "OR" || t.upper == "NOT" || t.upper == "NULL")) {
                fail(t.at, "expected a property or a value, found " + t.upper);
            }
            o.property = property_named(t);
            if (!o.property) {
                std::string names;
                for (const auto& q : q_) names += (names.empty() ? "" : ", ") + std::string{q.name};
                fail(t.at, "'" + t.text + "' is not a queryable property of this collection (" + names + ")");
            }
            ++pos_;
            return o;
        }
        fail(t.at, "expected a property or a value, found '" + t.text + "'");
    }

    // The literal as the property's column compares it; refused when the types differ.
    std::string value_for(const Queryable& p, const Operand& lit) {
        auto mismatch = [&](const char* wanted) { fail(lit.at, std::string{"'"} + p.name + "' is " + wanted + "; this value is not"); };
        switch (p.type) {
        case QueryableType::string:
            if (lit.kind != LiteralKind::string) mismatch("text");
            break;
        case QueryableType::integer:
        case QueryableType::number:
            if (lit.kind != LiteralKind::number) mismatch("a number");
            break;
        case QueryableType::boolean:
            if (lit.kind != LiteralKind::boolean) mismatch("true or false");
            break;
        case QueryableType::date:
            if (lit.kind == LiteralKind::timestamp) return bind(std::get<std::string>(lit.value).substr(0, 10));
            if (lit.kind != LiteralKind::date && !(lit.kind == LiteralKind::string && is_iso_date(std::get<std::string>(lit.value)))) {
                mismatch("a date (DATE('2026-03-01'))");
            }
            break;
        case QueryableType::datetime:
            if (lit.kind != LiteralKind::date && lit.kind != LiteralKind::timestamp && lit.kind != LiteralKind::string) {
                mismatch("a time (TIMESTAMP('2026-03-01T08:00:00Z'))");
            }
            break;
        }
        return bind(lit.value);
    }

    std::string predicate() {
        const Operand left = operand();
        const std::size_t op_at = peek().at;
        bool negated = false;
        if (keyword("NOT") && (keyword("LIKE", 1) || keyword("BETWEEN", 1) || keyword("IN", 1))) {
            negated = true;
            ++pos_;
        }
        const char* neg = negated ? "NOT " : "";
        if (accept("LIKE")) {
            const Queryable& p = require_property(left, "LIKE");
            if (p.type != QueryableType::string) fail(left.at, std::string{"LIKE compares text; '"} + p.name + "' is not text");
            if (peek().kind != Tok::string) fail(peek().at, "expected a quoted pattern after LIKE");
            // CQL2's LIKE is case-sensitive (SQLite's is not): as a GLOB, % → *, _ → ?, \ escapes.
            return "(" + std::string{neg} + p.sql + " GLOB " + bind(glob_of(take().text)) + ")";
        }
        if (accept("BETWEEN")) {
            const Queryable& p = require_property(left, "BETWEEN");
            const Operand low = operand();
            if (!accept("AND")) fail(peek().at, "expected AND between the bounds of BETWEEN");
            const Operand high = operand();
            return "(" + std::string{p.sql} + " " + neg + "BETWEEN " + literal_for(p, low) + " AND " + literal_for(p, high) + ")";
        }
        if (accept("IN")) {
            const Queryable& p = require_property(left, "IN");
            expect(Tok::lparen, "'(' and a list of values after IN");
            std::string list;
            do {
                if (list.size() > 0) list += ", ";
                list += literal_for(p, operand());
                if (values_.size() > 1000) fail(peek().at, "an IN list of more than 1,000 values");
            } while (peek().kind == Tok::comma && (++pos_, true));
            expect(Tok::rparen, "')' closing the IN list");
            return "(" + std::string{p.sql} + " " + neg + "IN (" + list + "))";
        }
        if (accept("IS")) {
            const Queryable& p = require_property(left, "IS NULL");
            const bool not_null = accept("NOT");
            if (!accept("NULL")) fail(peek().at, "expected NULL after IS");
            return "(" + std::string{p.sql} + (not_null ? " IS NOT NULL)" : " IS NULL)");
        }
        if (peek().kind != Tok::op) fail(op_at, "expected a comparison (=, <>, <, >, <=, >=), LIKE, BETWEEN, IN or IS NULL, found '" + peek().text + "'");
        const std::string op = take().text;
        const Operand right = operand();
        if (left.property && right.property) {
            if ((left.property->type == QueryableType::string) != (right.property->type == QueryableType::string)) {
                fail(right.at, "compares text with a number");
            }
            return "(" + std::string{left.property->sql} + " " + op + " " + right.property->sql + ")";
        }
        if (!left.property && !right.property) fail(left.at, "a comparison needs a property on one side");
        if (left.property) return "(" + std::string{left.property->sql} + " " + op + " " + literal_for(*left.property, right) + ")";
        return "(" + literal_for(*right.property, left) + " " + op + " " + right.property->sql + ")";
    }

    std::string literal_for(const Queryable& p, const Operand& o) {
        if (o.property) fail(o.at, "expected a value, found the property '" + std::string{o.property->name} + "'");
        return value_for(p, o);
    }

    const Queryable& require_property(const Operand& o, const char* what) const {
        if (!o.property) fail(o.at, std::string{what} + " needs a property on its left");
        return *o.property;
    }

    static std::string glob_of(const std::string& like) {
        std::string out;
        for (std::size_t i = 0; i < like.size(); ++i) {
            const char c = like[i];
            if (c == '\\' && i + 1 < like.size()) {
                const char next = like[++i];
                if (next == '*' || next == '?' || next == '[') out += std::string{"["} + next + "]";
                else out += next;
            } else if (c == '%') {
                out += '*';
            } else if (c == '_') {
                out += '?';
            } else if (c == '*' || c == '?' || c == '[') {
                out += std::string{"["} + c + "]";
            } else {
                out += c;
            }
        }
        return out;
    }
};

} // namespace

SqlCondition parse_cql2_text(const std::string& text, const std::vector<Queryable>& queryables, int first_param) {
    if (text.size() > max_filter_bytes) throw cql2_error{max_filter_bytes, "the filter is longer than 4,096 bytes"};
    if (!text::is_valid_utf8(text)) throw lookup::query_error{"filter", "is not valid UTF-8"};
    return Parser{text, queryables, first_param}.parse();
}

} // namespace diming::ogc
