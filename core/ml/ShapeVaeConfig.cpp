#include "core/ml/ShapeVaeConfig.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <string>

namespace lf::ml {
namespace {

int log2Exact(int value) { return std::countr_zero(static_cast<unsigned>(value)); }

std::string listText(const std::vector<int>& values) {
    std::string text = "[";
    for (std::size_t i = 0; i < values.size(); ++i) text += (i ? "," : "") + std::to_string(values[i]);
    return text + "]";
}

}  // namespace

int ShapeVaeConfig::encoderStages() const { return log2Exact(gridResolution) - 2; }
int ShapeVaeConfig::decoderStages() const { return log2Exact(gridResolution) - 3; }

ShapeVaeConfig ShapeVaeConfig::defaults(int latentSize, int gridResolution) {
    ShapeVaeConfig config;
    config.latentSize = latentSize;
    config.gridResolution = gridResolution;
    if (gridResolution < 16 || !std::has_single_bit(static_cast<unsigned>(gridResolution))) {
        config.validate();  // throws with the reason
    }
    // Widths double per halving of the volume (cost per stage stays roughly flat), capped at 64
    // at the 4^3 bottleneck. Sized for the budget "trainable on 2 CPU cores in ~90 min on a few
    // thousand 64^3 shapes": ~1.2 GFLOP per training sample (see ShapeVae.h). The 12..96
    // variant (2.5 GFLOP per sample) was estimated at 60-130 min for 25 epochs: too close.
    const int enc = config.encoderStages();
    for (int i = 0; i < enc; ++i) config.encoderWidths.push_back(std::min(8 << i, 64));
    const int dec = config.decoderStages();
    for (int i = dec; i >= 0; --i) config.decoderWidths.push_back(std::min(8 << i, 64));
    return config;
}

void ShapeVaeConfig::validate() const {
    if (latentSize < 1 || latentSize > 4096) {
        throw Error("shape VAE config: latent_size " + std::to_string(latentSize) +
                    " is outside 1..4096");
    }
    if (gridResolution < 16 || gridResolution > 512 ||
        !std::has_single_bit(static_cast<unsigned>(gridResolution))) {
        throw Error("shape VAE config: grid_resolution " + std::to_string(gridResolution) +
                    " must be a power of two in 16..512");
    }
    if (static_cast<int>(encoderWidths.size()) != encoderStages()) {
        throw Error("shape VAE config: encoder_widths " + listText(encoderWidths) + " needs " +
                    std::to_string(encoderStages()) + " entries for grid_resolution " +
                    std::to_string(gridResolution));
    }
    if (static_cast<int>(decoderWidths.size()) != decoderStages() + 1) {
        throw Error("shape VAE config: decoder_widths " + listText(decoderWidths) + " needs " +
                    std::to_string(decoderStages() + 1) + " entries for grid_resolution " +
                    std::to_string(gridResolution));
    }
    for (const auto* list : {&encoderWidths, &decoderWidths}) {
        for (const int w : *list) {
            if (w < 1 || w > 2048) {
                throw Error("shape VAE config: channel width " + std::to_string(w) +
                            " is outside 1..2048");
            }
        }
    }
}

nlohmann::json ShapeVaeConfig::toJson() const {
    return {{"type", "conv3d-vae"},
            {"latent_size", latentSize},
            {"grid_resolution", gridResolution},
            {"coarse_resolution", coarseResolution()},
            {"encoder_widths", encoderWidths},
            {"decoder_widths", decoderWidths}};
}

ShapeVaeConfig ShapeVaeConfig::fromJson(const nlohmann::json& json) {
    ShapeVaeConfig config;
    try {
        if (!json.is_object()) throw Error("shape VAE config: architecture is not a JSON object");
        config.latentSize = json.at("latent_size").get<int>();
        config.gridResolution = json.at("grid_resolution").get<int>();
        config.encoderWidths = json.at("encoder_widths").get<std::vector<int>>();
        config.decoderWidths = json.at("decoder_widths").get<std::vector<int>>();
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("shape VAE config: ") + e.what());
    }
    config.validate();
    return config;
}

}  // namespace lf::ml
