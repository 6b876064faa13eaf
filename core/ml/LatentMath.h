#pragma once
// Latent-space arithmetic for exploring a trained model: interpolation, truncation, seeded
// sampling and PCA-direction moves. Plain C++ (no torch) so the UI can use it directly; all
// functions are deterministic across platforms (own normal sampler, no std distributions).
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <vector>

namespace lf::ml {

using Latent = std::vector<float>;

// Principal directions of the training set's latent codes (GANSpace-style), as stored in the
// weights file ("latent_mean" [L], "latent_directions" [K,L] row-major, "latent_sigma" [K]).
struct LatentDirections {
    Latent mean;
    std::vector<float> directions;  // K rows of length L
    std::vector<float> sigma;       // standard deviation of the codes along each direction
    int count() const { return static_cast<int>(sigma.size()); }
};

// a + t (b - a). Throws lf::Error when the sizes differ.
Latent lerp(const Latent& a, const Latent& b, double t);
// Spherical interpolation (angle between a and b, Shoemake's formula): exact at t = 0 and 1;
// falls back to lerp when a and b are (anti)parallel or either is zero, where the arc is
// undefined or numerically unstable.
Latent slerp(const Latent& a, const Latent& b, double t);
// mean + psi (z - mean): psi < 1 trades variety for typical-looking shapes.
Latent truncate(const Latent& z, const Latent& mean, double psi);
// A standard-normal latent of `size` values from `seed`; the same seed gives the same vector
// on every platform (mt19937_64 + Box-Muller, not std::normal_distribution).
Latent sampleLatent(std::uint64_t seed, int size);
// z + s * sigma_k * direction_k. Throws lf::Error when k is out of range or sizes differ.
Latent moveAlong(const Latent& z, const LatentDirections& directions, int k, double s);

// {"format": "latentforge-latent", "version": 1, "values": [...]}.
nlohmann::json latentToJson(const Latent& z);
// Throws lf::Error for anything else: wrong format tag or version, non-numeric or non-finite
// values, or a size other than expectedSize (when expectedSize > 0).
Latent latentFromJson(const nlohmann::json& json, int expectedSize = 0);

}  // namespace lf::ml
