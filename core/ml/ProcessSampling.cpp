#include "core/ml/ProcessSampling.h"

#include "core/util/Error.h"

#include <cmath>
#include <type_traits>

namespace lf::ml {

void ProcessSampling::validate(int scheduleSteps, const std::string& what) const {
    if (steps < 1 || steps > scheduleSteps) {
        throw Error(what + ": steps must be in [1, " + std::to_string(scheduleSteps) + "], not " + std::to_string(steps));
    }
    if (!std::isfinite(guidance) || guidance < 0 || guidance > kMaxGuidance) {
        throw Error(what + ": guidance scale must be in [0, " + nlohmann::json(kMaxGuidance).dump() + "], not " +
                    nlohmann::json(guidance).dump());
    }
    if (!(eta >= 0 && eta <= 1)) throw Error(what + ": eta must be in [0, 1], not " + nlohmann::json(eta).dump());
}

nlohmann::json ProcessSampling::toJson() const {
    return {{"sampler", "ddim"}, {"steps", steps}, {"guidance", guidance}, {"eta", eta}};
}

ProcessSampling ProcessSampling::fromJson(const nlohmann::json& json, int scheduleSteps, const std::string& what) {
    if (!json.is_object()) throw Error(what + " must be an object");
    ProcessSampling sampling;
    auto read = [&](const char* key, auto& into) {
        const auto value = json.find(key);
        if (value == json.end()) return;
        constexpr bool whole = std::is_integral_v<std::remove_reference_t<decltype(into)>>;
        // A whole number beyond int would wrap into range when narrowed: refused as it stands.
        if (whole ? !value->is_number_integer() || std::abs(value->get<double>()) > 1e9 : !value->is_number()) {
            throw Error(what + "." + key + " must be " + (whole ? "a whole number" : "a number") + ", not " + value->dump());
        }
        into = value->get<std::remove_reference_t<decltype(into)>>();
    };
    read("steps", sampling.steps);
    read("guidance", sampling.guidance);
    read("eta", sampling.eta);
    if (const auto sampler = json.find("sampler"); sampler != json.end() && *sampler != "ddim") {
        throw Error(what + ".sampler must be \"ddim\", not " + sampler->dump());
    }
    sampling.validate(scheduleSteps, what);
    return sampling;
}

}  // namespace lf::ml
