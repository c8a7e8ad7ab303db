#include "publish/postgres.hpp"

#include <charconv>
#include <cstdio>

namespace diming::publish::pg {

namespace {

std::string without_password(PGconn* conn) {
    std::string out;
    PQconninfoOption* opts = PQconninfo(conn);
    for (PQconninfoOption* o = opts; o && o->keyword; ++o) {
        if (!o->val || !*o->val) continue;
        const std::string_view k = o->keyword;
        if (k != "host" && k != "hostaddr" && k != "port" && k != "dbname" && k != "user") continue;
        if (!out.empty()) out += ' ';
        out += std::string{k} + "=" + o->val;
    }
    PQconninfoFree(opts);
    return out;
}

std::string trimmed(const char* message) {
    std::string m = message ? message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

} // namespace

Connection Connection::open(std::string_view conninfo) {
    if (conninfo.substr(0, 3) == "PG:" || conninfo.substr(0, 3) == "pg:") conninfo.remove_prefix(3);
    Connection c;
    c.conn_.reset(PQconnectdb(std::string{conninfo}.c_str()));
    if (!c.conn_) throw publish_error{"cannot connect to PostgreSQL: out of memory"};
    if (PQstatus(c.conn_.get()) != CONNECTION_OK) {
        throw publish_error{"cannot connect to PostgreSQL (" + std::string{conninfo.find("password") == std::string_view::npos ? conninfo : "the connection given"} +
                            "): " + trimmed(PQerrorMessage(c.conn_.get()))};
    }
    if (PQsetClientEncoding(c.conn_.get(), "UTF8") != 0) throw publish_error{"PostgreSQL does not take UTF-8 from this client"};
    c.description_ = without_password(c.conn_.get());
    // "already exists, skipping" and the like are not for the person publishing.
    c.exec("SET client_min_messages = warning", "setting up the session");
    return c;
}

void Connection::fail(const char* what, const PGresult* r) const {
    std::string reason = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get()));
    if (reason.empty()) reason = trimmed(PQerrorMessage(conn_.get()));
    throw publish_error{std::string{what} + ": PostgreSQL says: " + reason};
}

void Connection::exec(const std::string& sql, const char* what) {
    Result r{PQexec(conn_.get(), sql.c_str())};
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(what, r.get());
}

Result Connection::query(const std::string& sql, const std::vector<Param>& params, const char* what) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    Result r{PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0)};
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(what, r.get());
    return r;
}

std::string Connection::quote_identifier(std::string_view name) const {
    char* q = PQescapeIdentifier(conn_.get(), name.data(), name.size());
    if (!q) fail("quoting an identifier");
    std::string out = q;
    PQfreemem(q);
    return out;
}

void Connection::begin_copy(const std::string& copy_sql, const char* what) {
    Result r{PQexec(conn_.get(), copy_sql.c_str())};
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) fail(what, r.get());
}

void Connection::send_copy(const std::string& chunk, const char* what) {
    if (PQputCopyData(conn_.get(), chunk.data(), static_cast<int>(chunk.size())) != 1) fail(what);
}

void Connection::end_copy(const char* what) {
    if (PQputCopyEnd(conn_.get(), nullptr) != 1) fail(what);
    // The COPY's own outcome, then the end of its results.
    Result r{PQgetResult(conn_.get())};
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        const std::string reason = trimmed(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_.get()));
        while (PGresult* rest = PQgetResult(conn_.get())) PQclear(rest);
        throw publish_error{std::string{what} + ": PostgreSQL says: " + reason};
    }
    while (PGresult* rest = PQgetResult(conn_.get())) PQclear(rest);
}

CopyRow& CopyRow::text(std::string_view v) {
    separate();
    for (const char c : v) {
        switch (c) {
        case '\\': out_ += "\\\\"; break;
        case '\t': out_ += "\\t"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        default: out_.push_back(c);
        }
    }
    return *this;
}

CopyRow& CopyRow::integer(long long v) {
    separate();
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
    return *this;
}

CopyRow& CopyRow::number(double v) {
    separate();
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v); // shortest form that reads back exactly
    out_.append(buf, end);
    return *this;
}

CopyRow& CopyRow::point(int srid, double x, double y) {
    separate();
    char buf[96];
    char* p = buf;
    auto put = [&](const char* text) { while (*text) *p++ = *text++; };
    put("SRID=");
    p = std::to_chars(p, buf + sizeof buf, srid).ptr;
    put(";POINT(");
    p = std::to_chars(p, buf + sizeof buf, x).ptr;
    *p++ = ' ';
    p = std::to_chars(p, buf + sizeof buf, y).ptr;
    *p++ = ')';
    out_.append(buf, p);
    return *this;
}

CopyRow& CopyRow::null() {
    separate();
    out_ += "\\N";
    return *this;
}

} // namespace diming::publish::pg
