#include "printing/qr_code.hpp"

#include "core/error.hpp"

#include <qrencode.h>

#include <memory>

namespace diming::printing {

QrCode encode_qr(const std::string& text) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code{QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free};
    if (!code) throw library_error{"libqrencode could not encode '" + text + "' as a QR code (" + std::to_string(text.size()) + " bytes)"};
    QrCode out;
    out.size = code->width;
    out.dark.resize(static_cast<std::size_t>(code->width) * code->width);
    for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = (code->data[i] & 1) != 0; // bit 0: dark module
    return out;
}

} // namespace diming::printing
