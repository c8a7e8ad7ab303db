#include "core/proj.hpp"

#include "core/error.hpp"

#include <cmath>

namespace diming::proj {

Transformation::Transformation(const std::string& from, const std::string& to)
    : ctx_{proj_context_create()}, description_{from + " -> " + to} {
    if (!ctx_) throw library_error{"PROJ: cannot create a context"};
    PJ* raw = proj_create_crs_to_crs(ctx_.get(), from.c_str(), to.c_str(), nullptr);
    if (!raw) {
        throw input_error{"PROJ cannot build a transformation " + description_ + ": " +
                          proj_context_errno_string(ctx_.get(), proj_context_errno(ctx_.get()))};
    }
    PJ* norm = proj_normalize_for_visualization(ctx_.get(), raw);
    proj_destroy(raw);
    if (!norm) throw library_error{"PROJ cannot normalise axis order for " + description_};
    pj_.reset(norm);
}

Coordinate Transformation::apply(Coordinate c, PJ_DIRECTION dir) const {
    PJ_COORD in = proj_coord(c.x, c.y, 0, 0);
    PJ_COORD out = proj_trans(pj_.get(), dir, in);
    if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y)) {
        throw library_error{"PROJ cannot transform (" + std::to_string(c.x) + ", " + std::to_string(c.y) +
                            ") with " + description_};
    }
    return {out.xy.x, out.xy.y};
}

Coordinate Transformation::forward(Coordinate c) const { return apply(c, PJ_FWD); }
Coordinate Transformation::inverse(Coordinate c) const { return apply(c, PJ_INV); }

} // namespace diming::proj
