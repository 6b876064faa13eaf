#include "core/ml/ShapeBlend.h"

namespace lf::ml {

torch::Tensor slerpRows(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& t) {
    const auto tc = t.unsqueeze(1);
    const auto norms = a.norm(2, 1, true) * b.norm(2, 1, true);
    // Clamped inside (-1, 1): acos' gradient is infinite at the ends, and torch::where below
    // would turn 0 * inf into NaN for a parallel pair even though its lerp branch is taken.
    const auto cosOmega = ((a * b).sum(1, true) / norms.clamp_min(1e-12)).clamp(-1.0 + 1e-6, 1.0 - 1e-6);
    const auto omega = torch::acos(cosOmega);
    const auto sinOmega = torch::sin(omega);
    const auto curved = (sinOmega >= 1e-6).logical_and(norms > 0);
    const auto safeSin = torch::where(curved, sinOmega, torch::ones_like(sinOmega));
    const auto wa = torch::where(curved, torch::sin((1 - tc) * omega) / safeSin, 1 - tc);
    const auto wb = torch::where(curved, torch::sin(tc * omega) / safeSin, tc);
    return wa * a + wb * b;
}

torch::Tensor blendTarget(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& t,
                          double unionAmount) {
    const auto tv = t.view({-1, 1, 1, 1, 1});
    return (1 - tv) * a + tv * b - unionAmount * (1 - (2 * tv - 1).abs()) * 0.5 * (a - b).abs();
}

}  // namespace lf::ml
