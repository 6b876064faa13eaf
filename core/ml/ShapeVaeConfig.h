#pragma once
// Hyper-parameters that fix the shape VAE's tensor shapes. Torch-free so that the app side, the
// trainer's interface and model.json handling can use it without pulling in LibTorch headers.
#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace lf::ml {

// Extra tensors in a shape VAE weights file, as documented in core/model/ModelManifest.h.
inline constexpr const char* kLatentMeanTensor = "latent_pca.mean";              // F32 [L]
inline constexpr const char* kLatentDirectionsTensor = "latent_pca.directions";  // F32 [K,L]
inline constexpr const char* kLatentSigmaTensor = "latent_pca.stddev";           // F32 [K]
// Weights-file metadata holding ShapeVaeConfig::toJson(), so the file describes itself.
inline constexpr const char* kArchitectureMetadataKey = "shape_vae.architecture";
inline constexpr const char* kTruncationMetadataKey = "shape_vae.truncation";

struct ShapeVaeConfig {
    int latentSize = 128;
    // Edge length of the decoder's fine output grid (a power of two, >= 16). The decoder also has
    // a coarse head at gridResolution / 2 that the interactive path uses while dragging.
    int gridResolution = 64;
    // Channels of the stride-2 3D convolutions, one per halving from gridResolution down to 4.
    std::vector<int> encoderWidths;
    // Channels of the decoder's feature volumes at 4^3, 8^3, ..., (gridResolution/2)^3.
    std::vector<int> decoderWidths;

    int coarseResolution() const { return gridResolution / 2; }
    // Number of stride-2 encoder convolutions (log2(gridResolution / 4)).
    int encoderStages() const;
    // Number of transposed convolutions from 4^3 to the coarse resolution.
    int decoderStages() const;

    // The shipped default widths for a resolution (see docs in ShapeVae.h for the budget).
    static ShapeVaeConfig defaults(int latentSize = 128, int gridResolution = 64);

    // Throws lf::Error naming the bad field.
    void validate() const;
    nlohmann::json toJson() const;
    // Throws lf::Error on missing/ill-typed fields or an invalid combination.
    static ShapeVaeConfig fromJson(const nlohmann::json& json);
};

}  // namespace lf::ml
