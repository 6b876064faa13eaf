#pragma once
// Quality of a shape VAE package: the numbers `latentforge-cli eval shape-vae` prints and stores
// in model.json (see docs/SHAPES.md, "Quality").
//   * Reconstruction of held-out procedural shapes (a fresh dataset seed, so never in training):
//     voxel IoU of the occupancy (sdf < 0) at the model's grid resolution, and the Chamfer
//     distance between the contoured input and reconstruction; overall and per family; encoded
//     with the latent refinement of `encode` (and the encoder alone beside it).
//   * Validity of random samples (seeded latents at truncation psi, as `sample --seed` draws them)
//     and of interpolation midpoints (slerp, t = 0.5) between random training shapes: the share
//     that contour to one watertight body. Sealed inner voids (a capped bottle's cavity) belong to
//     the body (MeshReport::innerVoids); the share with one surface shell is reported beside it.
//     Beside the midpoints, the same pairs' training grids averaged voxel by voxel go through
//     the same count: what a decoder that blends like the data would reach.
//   * Novelty: each sample's distance (1 - IoU) to its nearest training shape, next to the same
//     distance of the held-out shapes (novel by construction): samples much closer to the
//     training set than held-out shapes are would be copies.
#include "core/formats/Safetensors.h"
#include "core/ml/LatentPrior.h"
#include "core/ml/ShapeModel.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace lf {

struct ShapeEvalOptions {
    int heldOutShapes = 200;
    std::uint64_t heldOutSeed = 1000003;  // dataset seed of the held-out shapes
    int samples = 200;
    double psi = ml::kDefaultPsi;
    std::uint64_t sampleSeed = 1;  // sample k uses seed sampleSeed + k
    int midpoints = 200;
    std::uint64_t pairSeed = 2;    // picks the training pairs of the midpoints
    int chamferPoints = 10000;     // surface points per mesh
    // Encoding of the held-out shapes, as `encode` does it; with steps > 0 the encoder's one-shot
    // result is reported beside it ("encoder_only"). Midpoints use the encoder's posterior means
    // of the training shapes (what the PCA and the prior are fitted to).
    ml::LatentRefinement refinement = ml::kDefaultRefinement;
    // For generating the held-out shapes and for their encodes (each on its own thread, one torch
    // thread each: the figures do not depend on it).
    int threads = 2;
    std::function<void(const std::string&)> log;  // progress lines
};

// `trainingSet` is the generate-shapes dataset the model was trained on (midpoint pairs and
// novelty neighbours come from it). Throws lf::Error for a dataset that is not a shape dataset
// or options out of range.
nlohmann::json evaluateShapeModel(const ml::ShapeModel& model, const SafetensorsContents& trainingSet,
                                  const ShapeEvalOptions& options);

// The bars: held-out IoU, and the share of samples / midpoints that decode to one
// watertight body.
inline constexpr double kShapeIouTarget = 0.90;
inline constexpr double kOneBodyTarget = 0.95;

// The headline figures of a package's stored evaluation (metrics.evaluation as
// evaluateShapeModel wrote it), for the app to say how far the space can be trusted. A figure
// that is missing or not a number stays empty; all empty: never evaluated.
struct StoredShapeQuality {
    std::optional<double> heldOutIou;           // refined encodes of held-out shapes
    std::optional<double> samplesOneBody;       // share of random samples (psi 0.7)
    std::optional<double> midpointsOneBody;     // share of midpoints between training shapes
    std::optional<double> crossFamilyMidpointsOneBody;
    bool any() const { return heldOutIou || samplesOneBody || midpointsOneBody; }
};
StoredShapeQuality storedShapeQuality(const nlohmann::json& metrics);

}  // namespace lf
