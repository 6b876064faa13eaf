#pragma once
// How a what-if image is sampled: DDIM steps, classifier-free guidance, eta. Torch-free, so the
// app and the manifest code use it without LibTorch.
//
// A package records the settings its stored fidelity was measured at (model.json
// "sampling_defaults", written by `eval process-diffusion`); the GUI and the CLI start from them.
// The member values stand for a package that records none.
#include <nlohmann/json.hpp>

#include <string>

namespace lf::ml {

struct ProcessSampling {
    static constexpr double kMaxGuidance = 30.0;

    int steps = 20;        // DDIM steps, 1..schedule steps (10..100 is the useful range)
    double guidance = 2.0; // classifier-free guidance scale (1: plain conditional model)
    double eta = 0.0;      // 0: deterministic DDIM; 1 with all steps: DDPM

    // Throws lf::Error ("<what>: guidance scale must be in [0, 30]") for a value the sampler
    // cannot take; scheduleSteps bounds `steps`.
    void validate(int scheduleSteps, const std::string& what) const;

    nlohmann::json toJson() const;  // {"sampler": "ddim", "steps", "guidance", "eta"}
    // Keys missing from `json` keep their default; present ones must be numbers (steps a whole
    // one) and pass validate(). Throws lf::Error naming `what` and the key.
    static ProcessSampling fromJson(const nlohmann::json& json, int scheduleSteps, const std::string& what);
};

}  // namespace lf::ml
