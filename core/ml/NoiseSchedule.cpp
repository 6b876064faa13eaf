#include "core/ml/NoiseSchedule.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lf::ml {
namespace {

void checkSteps(int steps) {
    if (steps < 2 || steps > 100000) {
        throw Error("noise schedule: steps must be in 2..100000 (got " + std::to_string(steps) + ")");
    }
}

}  // namespace

NoiseSchedule NoiseSchedule::cosine(int steps, double offset) {
    checkSteps(steps);
    if (!(offset > 0 && offset < 1)) throw Error("noise schedule: cosine offset must be in (0, 1)");
    NoiseSchedule s;
    s.kind_ = NoiseScheduleKind::Cosine;
    s.a_ = offset;
    auto f = [&](double t) {
        const double c = std::cos((t / steps + offset) / (1 + offset) * std::numbers::pi / 2);
        return c * c;
    };
    const double f0 = f(0);
    double previous = 1.0;
    for (int t = 0; t < steps; ++t) {
        // Clipping beta (the last steps would otherwise reach 1) changes alphaBar accordingly.
        const double beta = std::min(1.0 - (f(t + 1) / f0) / previous, 0.999);
        s.betas_.push_back(beta);
        s.alphas_.push_back(1 - beta);
        previous *= 1 - beta;
        s.alphaBars_.push_back(previous);
    }
    return s;
}

NoiseSchedule NoiseSchedule::linear(int steps, double betaStart, double betaEnd) {
    checkSteps(steps);
    if (!(betaStart > 0 && betaEnd >= betaStart && betaEnd < 1)) {
        throw Error("noise schedule: linear betas need 0 < start <= end < 1");
    }
    NoiseSchedule s;
    s.kind_ = NoiseScheduleKind::Linear;
    s.a_ = betaStart;
    s.b_ = betaEnd;
    double product = 1.0;
    for (int t = 0; t < steps; ++t) {
        const double beta = betaStart + (betaEnd - betaStart) * t / (steps - 1);
        s.betas_.push_back(beta);
        s.alphas_.push_back(1 - beta);
        product *= 1 - beta;
        s.alphaBars_.push_back(product);
    }
    return s;
}

NoiseSchedule NoiseSchedule::fromJson(const nlohmann::json& json) {
    try {
        const std::string kind = json.at("kind").get<std::string>();
        const int steps = json.at("steps").get<int>();
        if (kind == "cosine") return cosine(steps, json.value("offset", 0.008));
        if (kind == "linear") {
            return linear(steps, json.value("beta_start", 1e-4), json.value("beta_end", 0.02));
        }
        throw Error("noise schedule: unknown kind '" + kind + "' (expected cosine or linear)");
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("noise schedule: ") + e.what());
    }
}

nlohmann::json NoiseSchedule::toJson() const {
    if (kind_ == NoiseScheduleKind::Cosine) {
        return {{"kind", "cosine"}, {"steps", steps()}, {"offset", a_}, {"beta_clip", 0.999}};
    }
    return {{"kind", "linear"}, {"steps", steps()}, {"beta_start", a_}, {"beta_end", b_}};
}

std::vector<int> NoiseSchedule::samplingTimesteps(int count) const {
    if (count < 1 || count > steps()) {
        throw Error("sampling steps must be in 1.." + std::to_string(steps()) + " (got " +
                    std::to_string(count) + ")");
    }
    std::vector<int> ts;
    if (count == 1) return {steps() - 1};
    for (int i = 0; i < count; ++i) {
        // Descending from T-1 to 0, rounded: distinct because count <= T.
        ts.push_back(static_cast<int>(std::lround(double(steps() - 1) * (count - 1 - i) / (count - 1))));
    }
    return ts;
}

}  // namespace lf::ml
