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
    };
    int latentSize = 0;
    std::vector<Component> components;
    bool empty() const { return components.empty(); }
};

// codes: N x latentSize row-major; labels[i] in [0, names.size()). Families with fewer than
// 2 codes are left out. `ridge` (relative to the mean variance) is added to the covariance's
// diagonal so it is positive definite even with fewer codes than dimensions.
// Throws lf::Error for inconsistent sizes or labels.
LatentPrior fitLatentPrior(const std::vector<float>& codes, int latentSize, const std::vector<int>& labels,
                           const std::vector<std::string>& names, double ridge = 1e-3);

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
// F32 [K, L], "latent_prior.cholesky" F32 [K, L, L], names in metadata "latent_prior.names".
void appendLatentPrior(SafetensorsContents& weights, const LatentPrior& prior);
// An empty prior when the file has none; lf::Error (prefixed with `what`) when it is incomplete
// or inconsistent with latentSize.
LatentPrior readLatentPrior(const SafetensorsContents& weights, int latentSize, const std::string& what);
// The tensor names above, for loaders that must skip them.
std::vector<std::string> latentPriorTensorNames();

}  // namespace lf::ml
