#pragma once
// Where a shape model's seeds come from: an ex-post density of the training codes (as in Ghosh
// et al. 2020, "From variational to deterministic autoencoders"). The shape VAE trains with a
// small KL weight so the decoder keeps thin walls, so its codes sit far from the N(0, I) prior
// and prior draws decode to fragments (measured on shapes-default: 20 % one watertight body at
// psi 0.7). Instead: one full-covariance Gaussian per shape family, fitted to that family's
// codes; a seed picks a family by its share of the training set, then a point in it; psi scales
// the point's offset from its family's mean. Plain C++ (no torch), deterministic everywhere.
#include "core/formats/Safetensors.h"
#include "core/ml/LatentMath.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lf::ml {

// The truncation seeds get unless the user picks another (GUI start, CLI sample/interpolate).
inline constexpr double kDefaultPsi = 0.7;

struct LatentPrior {
    struct Component {
        std::string name;          // the family
        double weight = 0;         // share of the training codes
        Latent mean;
        std::vector<float> cholesky;  // L x L lower-triangular factor of the covariance, row-major
        // Where the app starts and a family jump goes: the refined encoding of the family's most
        // typical training shape (mostTypicalCodes), a real design where the mean averages all
        // of them (shoulders at every height fade out, bolt holes at every angle smooth away).
        // Empty for priors stored without one: the mean stands in.
        Latent typical;
        const Latent& typicalShape() const { return typical.empty() ? mean : typical; }
    };
    int latentSize = 0;
    std::vector<Component> components;
    bool empty() const { return components.empty(); }
};

// codes: N x latentSize row-major; labels[i] in [0, names.size()). Families with fewer than
// 2 codes are left out; typical shapes are left empty. `ridge` (relative to the mean variance)
// is added to the covariance's diagonal so it is positive definite even with fewer codes than
// dimensions.
// Throws lf::Error for inconsistent sizes or labels.
LatentPrior fitLatentPrior(const std::vector<float>& codes, int latentSize, const std::vector<int>& labels,
                           const std::vector<std::string>& names, double ridge = 1e-3);

// For each component, the index (row in `codes`) of the code of its family (names[labels[i]] is
// its name) nearest its mean under its covariance, the first of equals; -1 where it has none.
// The rows whose refined encodings become the typical shapes (storeTypicalShapes,
// core/ml/ShapeVaeTrainer.h). Throws lf::Error for inconsistent sizes or labels.
std::vector<std::ptrdiff_t> mostTypicalCodes(const LatentPrior& prior, const std::vector<float>& codes,
                                             const std::vector<int>& labels, const std::vector<std::string>& names);

struct PriorSample {
    Latent latent;
    int component = -1;
};
// truncate(mean_c + C_c * eps, mean_c, psi), with the component c and eps drawn from `seed`
// (c from the first draw of mt19937_64(seed), eps = sampleLatent of its next draw). Throws
// lf::Error for an empty prior.
PriorSample samplePrior(const LatentPrior& prior, std::uint64_t seed, double psi);

// The component under which `latent` is most probable (weight x Gaussian density), i.e. the
// family a design (seeded, encoded or blended) most resembles; -1 for an empty prior or a latent
// of the wrong size.
int likeliestComponent(const LatentPrior& prior, const Latent& latent);

// Storage in the model's weights file: "latent_prior.weights" F32 [K], "latent_prior.means"
// F32 [K, L], "latent_prior.cholesky" F32 [K, L, L], "latent_prior.typical" F32 [K, L] (when every
// component has one; packages without it read empty ones), names in metadata
// "latent_prior.names".
void appendLatentPrior(SafetensorsContents& weights, const LatentPrior& prior);
// An empty prior when the file has none; lf::Error (prefixed with `what`) when it is incomplete
// or inconsistent with latentSize.
LatentPrior readLatentPrior(const SafetensorsContents& weights, int latentSize, const std::string& what);
// The tensor names above, for loaders that must skip them.
std::vector<std::string> latentPriorTensorNames();

}  // namespace lf::ml
