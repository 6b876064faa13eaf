#include "core/ml/ProcessDiffusionConfig.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace lf::ml {

void ProcessDiffusionConfig::validate() const {
    auto fail = [](const std::string& what) { throw Error("process diffusion architecture: " + what); };
    if (channelMultipliers.empty() || channelMultipliers.size() > 6) fail("1..6 levels expected");
    if (imageSize < 8 || imageSize > 1024) fail("image_size must be in 8..1024");
    if (imageSize % (1 << (levels() - 1)) != 0) fail("image_size must be divisible by 2^(levels-1)");
    if (baseChannels < 1 || baseChannels > 1024) fail("base_channels must be in 1..1024");
    if (groups < 1) fail("groups must be positive");
    for (int level = 0; level < levels(); ++level) {
        if (channelMultipliers[std::size_t(level)] < 1) fail("channel multipliers must be positive");
        if (channels(level) % groups != 0) fail("every level's channels must be divisible by groups");
    }
    if (resBlocksPerLevel < 1 || resBlocksPerLevel > 8) fail("res_blocks must be in 1..8");
    if (embeddingSize < 2 || embeddingSize % 2 != 0) fail("embedding_size must be even and >= 2");
    if (conditionSize != static_cast<int>(process::kParameterCount)) fail("condition_size must be 5");
    if (prediction != "v" && prediction != "eps") fail("prediction must be \"v\" or \"eps\"");
}

nlohmann::json ProcessDiffusionConfig::toJson() const {
    return {{"type", "pixel-unet"},
            {"image_size", imageSize},
            {"image_channels", 3},
            {"base_channels", baseChannels},
            {"channel_multipliers", channelMultipliers},
            {"res_blocks", resBlocksPerLevel},
            {"embedding_size", embeddingSize},
            {"groups", groups},
            {"condition_size", conditionSize},
            {"conditioning", "FiLM (scale, shift) in every ResBlock from SiLU(time MLP + condition MLP); "
                             "learned null embedding for classifier-free guidance"},
            {"schedule", schedule.toJson()},
            {"prediction", prediction},
            {"pixel_range", "x = 2 * rgb - 1"}};
}

ProcessDiffusionConfig ProcessDiffusionConfig::fromJson(const nlohmann::json& j) {
    ProcessDiffusionConfig c;
    try {
        if (j.value("type", std::string("pixel-unet")) != "pixel-unet") {
            throw Error("process diffusion architecture: unknown type " + j.at("type").dump());
        }
        c.imageSize = j.at("image_size").get<int>();
        c.baseChannels = j.at("base_channels").get<int>();
        c.channelMultipliers = j.at("channel_multipliers").get<std::vector<int>>();
        c.resBlocksPerLevel = j.at("res_blocks").get<int>();
        c.embeddingSize = j.at("embedding_size").get<int>();
        c.groups = j.at("groups").get<int>();
        c.conditionSize = j.at("condition_size").get<int>();
        c.schedule = NoiseSchedule::fromJson(j.at("schedule"));
        c.prediction = j.at("prediction").get<std::string>();
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("process diffusion architecture: ") + e.what());
    }
    c.validate();
    return c;
}

const std::vector<std::array<double, process::kParameterCount>>& heldOutNormalisedPoints() {
    // Interior points spread over the box, none on an axis of a training sweep.
    static const std::vector<std::array<double, process::kParameterCount>> points = {
        {0.5, -0.5, 0.3, -0.3, 0.5},
        {-0.5, 0.5, -0.3, 0.6, -0.5},
        {0.2, 0.3, -0.6, 0.2, 0.0},
        {-0.3, -0.2, 0.6, -0.6, 0.3},
    };
    return points;
}

bool nearHeldOutPoint(const std::array<double, process::kParameterCount>& u, double radius) {
    for (const auto& p : heldOutNormalisedPoints()) {
        double d = 0;
        for (std::size_t i = 0; i < u.size(); ++i) d = std::max(d, std::abs(u[i] - p[i]));
        if (d < radius) return true;
    }
    return false;
}

nlohmann::json processParametersJson() {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& spec : process::parameterSpecs()) {
        list.push_back({{"name", spec.name},
                        {"label", spec.label},
                        {"unit", spec.unit},
                        {"min", spec.minimum},
                        {"max", spec.maximum},
                        {"nominal", spec.nominal},
                        {"normalisation", "u = 2 (x - min) / (max - min) - 1"}});
    }
    return list;
}

}  // namespace lf::ml
