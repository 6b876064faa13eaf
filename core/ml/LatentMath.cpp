#include "core/ml/LatentMath.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <string>

namespace lf::ml {
namespace {

void requireSameSize(const Latent& a, const Latent& b, const char* what) {
    if (a.size() != b.size()) {
        throw Error(std::string(what) + ": latent sizes differ (" + std::to_string(a.size()) +
                    " vs " + std::to_string(b.size()) + ")");
    }
}

double norm(const Latent& v) {
    double sum = 0;
    for (const float x : v) sum += double(x) * x;
    return std::sqrt(sum);
}

// Uniform double in (0, 1] from the top 53 bits: defined by us, so identical everywhere.
double uniformOpenClosed(std::mt19937_64& rng) {
    return (double((rng() >> 11) + 1)) * 0x1.0p-53;
}

constexpr const char* kFormatTag = "latentforge-latent";

}  // namespace

Latent lerp(const Latent& a, const Latent& b, double t) {
    requireSameSize(a, b, "lerp");
    Latent out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = float(a[i] + t * (double(b[i]) - a[i]));
    return out;
}

Latent slerp(const Latent& a, const Latent& b, double t) {
    requireSameSize(a, b, "slerp");
    const double na = norm(a), nb = norm(b);
    if (na == 0 || nb == 0) return lerp(a, b, t);
    double dot = 0;
    for (std::size_t i = 0; i < a.size(); ++i) dot += double(a[i]) * b[i];
    const double cosOmega = std::clamp(dot / (na * nb), -1.0, 1.0);
    const double omega = std::acos(cosOmega);
    const double sinOmega = std::sin(omega);
    if (sinOmega < 1e-6) return lerp(a, b, t);
    const double wa = std::sin((1.0 - t) * omega) / sinOmega;
    const double wb = std::sin(t * omega) / sinOmega;
    Latent out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = float(wa * a[i] + wb * b[i]);
    return out;
}

Latent truncate(const Latent& z, const Latent& mean, double psi) {
    requireSameSize(z, mean, "truncation");
    Latent out(z.size());
    for (std::size_t i = 0; i < z.size(); ++i) out[i] = float(mean[i] + psi * (double(z[i]) - mean[i]));
    return out;
}

Latent sampleLatent(std::uint64_t seed, int size) {
    if (size < 0) throw Error("sampleLatent: negative latent size " + std::to_string(size));
    std::mt19937_64 rng(seed);
    Latent out(static_cast<std::size_t>(size));
    for (int i = 0; i < size; i += 2) {
        // Box-Muller: two independent normals per pair of uniforms.
        const double r = std::sqrt(-2.0 * std::log(uniformOpenClosed(rng)));
        const double phi = 2.0 * std::numbers::pi * uniformOpenClosed(rng);
        out[i] = float(r * std::cos(phi));
        if (i + 1 < size) out[i + 1] = float(r * std::sin(phi));
    }
    return out;
}

Latent moveAlong(const Latent& z, const LatentDirections& d, int k, double s) {
    if (k < 0 || k >= d.count()) {
        throw Error("latent direction " + std::to_string(k) + " does not exist (the model has " +
                    std::to_string(d.count()) + ")");
    }
    const std::size_t size = z.size();
    if (d.directions.size() != size * d.sigma.size()) {
        throw Error("latent directions have " + std::to_string(d.directions.size()) +
                    " values, expected " + std::to_string(size * d.sigma.size()));
    }
    Latent out(z);
    const double step = s * d.sigma[k];
    for (std::size_t i = 0; i < size; ++i) out[i] = float(out[i] + step * d.directions[k * size + i]);
    return out;
}

nlohmann::json latentToJson(const Latent& z) {
    return {{"format", kFormatTag}, {"version", 1}, {"values", z}};
}

Latent latentFromJson(const nlohmann::json& json, int expectedSize) {
    if (!json.is_object() || !json.contains("format") || json["format"] != kFormatTag) {
        throw Error(std::string("latent JSON: not a LatentForge latent (\"format\" must be \"") +
                    kFormatTag + "\")");
    }
    if (!json.contains("version") || json["version"] != 1) {
        throw Error("latent JSON: unsupported version (expected 1)");
    }
    if (!json.contains("values") || !json["values"].is_array()) {
        throw Error("latent JSON: \"values\" must be an array of numbers");
    }
    Latent out;
    out.reserve(json["values"].size());
    for (const auto& v : json["values"]) {
        if (!v.is_number()) throw Error("latent JSON: value " + std::to_string(out.size()) + " is not a number");
        const double x = v.get<double>();
        if (!std::isfinite(x) || std::abs(x) > 1e30) {
            throw Error("latent JSON: value " + std::to_string(out.size()) + " is not finite");
        }
        out.push_back(float(x));
    }
    if (expectedSize > 0 && static_cast<int>(out.size()) != expectedSize) {
        throw Error("latent JSON: " + std::to_string(out.size()) + " values, but the model's latent size is " +
                    std::to_string(expectedSize));
    }
    return out;
}

}  // namespace lf::ml
