#pragma once
// The only RAII wrappers for libpq's PGconn* and PGresult* in diming. Values reach
// PostgreSQL only as bound parameters ($1, $2 …) or COPY data; SQL text is fixed, with
// identifiers (the schema's name) quoted by libpq.

#include "core/error.hpp"

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace diming::publish {

// The province's PostgreSQL could not be reached, or refused a statement: the message says
// which and PostgreSQL's reason.
class publish_error : public diming::error {
public:
    using error::error;
};

namespace pg {

struct ResultFree { void operator()(PGresult* r) const noexcept { PQclear(r); } };
using Result = std::unique_ptr<PGresult, ResultFree>;

// A parameter: a value in text form, or SQL NULL.
using Param = std::optional<std::string>;

class Connection {
public:
    // `conninfo` as libpq takes it ("host=/run/x dbname=province"), or GDAL's "PG:…" form.
    static Connection open(std::string_view conninfo);

    // The connection as people may see it: every setting but the password.
    const std::string& description() const noexcept { return description_; }

    // Runs fixed SQL (DDL, BEGIN …) without parameters; throws publish_error naming `what`.
    void exec(const std::string& sql, const char* what);
    // Runs SQL with bound text parameters; the rows of a query (a command returns none).
    Result query(const std::string& sql, const std::vector<Param>& params, const char* what);
    // COPY … FROM STDIN: `write` is called with a sink it appends COPY text rows to.
    template <class Producer>
    long long copy_in(const std::string& copy_sql, const char* what, Producer&& write);

    std::string quote_identifier(std::string_view name) const;

private:
    struct Finish { void operator()(PGconn* c) const noexcept { PQfinish(c); } };
    std::unique_ptr<PGconn, Finish> conn_;
    std::string description_;

    void begin_copy(const std::string& copy_sql, const char* what);
    void send_copy(const std::string& chunk, const char* what);
    void end_copy(const char* what);
    [[noreturn]] void fail(const char* what, const PGresult* r = nullptr) const;
};

// Rows of COPY text format: fields separated by tabs, NULL as \N, special characters escaped.
class CopyRow {
public:
    explicit CopyRow(std::string& out) : out_{out} {}
    CopyRow& text(std::string_view v);
    CopyRow& text(const std::string& v) { return text(std::string_view{v}); }
    CopyRow& text(const char* v) { return text(std::string_view{v}); }
    CopyRow& text(const std::optional<std::string>& v) { return v ? text(*v) : null(); }
    CopyRow& integer(long long v);
    CopyRow& integer(const std::optional<long long>& v) { return v ? integer(*v) : null(); }
    CopyRow& number(double v);
    // A point as PostGIS reads it from text: SRID=4490;POINT(x y), the coordinates exact.
    CopyRow& point(int srid, double x, double y);
    CopyRow& null();
    void end() { out_.push_back('\n'); first_ = true; }

private:
    std::string& out_;
    bool first_ = true;
    void separate() {
        if (!first_) out_.push_back('\t');
        first_ = false;
    }
};

template <class Producer>
long long Connection::copy_in(const std::string& copy_sql, const char* what, Producer&& write) {
    begin_copy(copy_sql, what);
    std::string buffer;
    long long rows = 0;
    // The producer appends rows; they go to the server in chunks of about 1 MiB.
    auto flush = [&](bool force) {
        if (buffer.size() >= (1u << 20) || (force && !buffer.empty())) {
            send_copy(buffer, what);
            buffer.clear();
        }
    };
    write([&](auto&& fill) {
        CopyRow row{buffer};
        fill(row);
        row.end();
        ++rows;
        flush(false);
    });
    flush(true);
    end_copy(what);
    return rows;
}

} // namespace pg
} // namespace diming::publish
