#pragma once
// A QR code (libqrencode) as a square of modules, for the plates' 一门一码 and the
// certificates.

#include <string>
#include <vector>

namespace diming::printing {

struct QrCode {
    int size = 0;                 // modules per side
    std::vector<bool> dark;       // size × size, row by row

    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y) * size + x]; }
};

// Error correction level M (15%): a plate outdoors gets dirty. Throws library_error if the
// text cannot be encoded (too long for a QR code).
QrCode encode_qr(const std::string& text);

} // namespace diming::printing
