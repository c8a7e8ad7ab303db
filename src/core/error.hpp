#pragma once
// The root of diming's exception types. Each module adds one small subclass for its own
// failure domain (store::database_error, import::import_error, ...); the CLI and the HTTP
// server translate them to exit codes and status codes in exactly one place each.
//
// Two tiers, as in protozero: assertions for programmer misuse, exceptions for bad data.
// Every message is written for the person who has to act on it: it names the file, row,
// field and reason where there is one.

#include <stdexcept>
#include <string>

namespace diming {

class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Bad input from a user: a malformed file, row or argument. Never a bug in diming.
class input_error : public error {
public:
    using error::error;
};

// A change the registry refuses (a name already taken, an illegal issuance move, no such
// record): the kind says how the CLI and the server answer it (exit code 3; HTTP 400, 404
// or 409), field names the offending input when there is one.
class refusal : public input_error {
public:
    enum class Kind { invalid, not_found, conflict };
    refusal(Kind kind, const std::string& message, std::string field = {})
        : input_error{message}, kind_{kind}, field_{std::move(field)} {}
    Kind kind() const noexcept { return kind_; }
    const std::string& field() const noexcept { return field_; }

private:
    Kind kind_;
    std::string field_;
};

// A C library (GDAL, GEOS, PROJ, ICU) failed in a way the caller cannot fix by changing input.
class library_error : public error {
public:
    using error::error;
};

} // namespace diming
