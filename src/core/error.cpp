#include "core/error.hpp"
// Anchors the exception types' vtables in one translation unit.
