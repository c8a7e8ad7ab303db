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

// A C library (GDAL, GEOS, PROJ, ICU) failed in a way the caller cannot fix by changing input.
class library_error : public error {
public:
    using error::error;
};

} // namespace diming
