#pragma once
// DDPM noise schedule (torch-free): betas, alphas = 1 - beta and their cumulative products
// alphaBar_t = prod_{s<=t} alpha_s, for t = 0 .. T-1 (t = 0 is the least noisy step).
//
// Cosine schedule (Nichol & Dhariwal 2021, "Improved DDPM"):
//   f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2), s = 0.008
//   alphaBar_t = f(t + 1) / f(0),  beta_t = 1 - alphaBar_t / alphaBar_{t-1}, clipped to 0.999
// Chosen over the linear schedule (beta 1e-4 .. 0.02) because at 64x64 the linear one destroys
// the image within the first half of the steps, wasting training on pure-noise timesteps; the
// cosine one spends them evenly and keeps the few-step DDIM sampler accurate.
// Linear is kept for comparison and for closed-form tests.
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace lf::ml {

enum class NoiseScheduleKind { Cosine, Linear };

class NoiseSchedule {
public:
    // Throws lf::Error for steps outside 2..100000.
    static NoiseSchedule cosine(int steps = 1000, double offset = 0.008);
    static NoiseSchedule linear(int steps = 1000, double betaStart = 1e-4, double betaEnd = 0.02);
    // {"kind": "cosine", "steps": 1000, "offset": 0.008} or {"kind": "linear", ...}.
    static NoiseSchedule fromJson(const nlohmann::json& json);
    nlohmann::json toJson() const;

    NoiseScheduleKind kind() const { return kind_; }
    int steps() const { return static_cast<int>(betas_.size()); }
    const std::vector<double>& betas() const { return betas_; }
    const std::vector<double>& alphas() const { return alphas_; }
    const std::vector<double>& alphaBars() const { return alphaBars_; }
    double alphaBar(int t) const { return alphaBars_.at(static_cast<std::size_t>(t)); }

    // DDIM's timestep subsequence: `count` steps evenly spaced over [0, T-1], descending,
    // always starting at T-1 and ending at 0. Throws lf::Error for count outside 1..T.
    std::vector<int> samplingTimesteps(int count) const;

private:
    NoiseScheduleKind kind_ = NoiseScheduleKind::Cosine;
    double a_ = 0, b_ = 0;  // cosine: offset; linear: beta start / end
    std::vector<double> betas_, alphas_, alphaBars_;
};

}  // namespace lf::ml
