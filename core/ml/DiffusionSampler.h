#pragma once
// Training loss and DDIM sampling of the process diffusion model (internal to core/ml: torch).
//
// Notation: abar_t = alphaBar(t); x_t = sqrt(abar) x0 + sqrt(1 - abar) eps.
//   v-prediction: v = sqrt(abar) eps - sqrt(1 - abar) x0, so
//     x0 = sqrt(abar) x_t - sqrt(1 - abar) v,  eps = sqrt(1 - abar) x_t + sqrt(abar) v.
// DDIM (Song et al. 2021) from t to the previous sampled step s (abar_s = 1 after the last):
//   sigma = eta sqrt((1 - abar_s) / (1 - abar_t)) sqrt(1 - abar_t / abar_s)
//   x_s = sqrt(abar_s) x0 + sqrt(1 - abar_s - sigma^2) eps + sigma z
// x0 is clipped to [-1, 1] (the pixel range) and eps recomputed from it. With all T steps and
// eta = 1 this is DDPM's ancestral sampler (sigma^2 = the posterior variance).
// Guidance (classifier-free): p = p_null + w (p_cond - p_null); w = 1 skips the null pass.
#include "core/ml/ProcessSampling.h"
#include "core/ml/ProcessUNet.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace lf::ml {

// Per-timestep sqrt(abar) and sqrt(1 - abar) as float tensors [T] on a device.
struct ScheduleTensors {
    torch::Tensor sqrtAlphaBar, sqrtOneMinusAlphaBar;
    static ScheduleTensors make(const NoiseSchedule& schedule, const torch::Device& device);
};

struct DiffusionLoss {
    torch::Tensor loss;  // scalar MSE on the prediction target
};
// One training loss on a batch: x0 [B,3,H,W] in [-1,1], condition [B,5]. Timesteps, noise and
// the condition-dropout mask come from `generator` (CPU), so a step is reproducible from a seed.
DiffusionLoss diffusionLoss(ProcessUNet& model, const ScheduleTensors& schedule,
                            const torch::Tensor& x0, const torch::Tensor& condition,
                            double conditionDropout, at::Generator& generator);

// The network's prediction with classifier-free guidance (see above).
torch::Tensor guidedPrediction(ProcessUNet& model, const torch::Tensor& x, const torch::Tensor& t,
                               const torch::Tensor& condition, double guidance);

// x0 and eps from a prediction at timestep t (scalar), for either parameterisation.
std::pair<torch::Tensor, torch::Tensor> predictionToX0Eps(const ProcessDiffusionConfig& config,
                                                          const torch::Tensor& x, int t,
                                                          const torch::Tensor& prediction);

// Called after every step with the (clipped) x0 estimate [B,3,H,W] in [-1,1] (only when
// wantsPreview); return false to stop.
using DdimStepCallback = std::function<bool(int stepsDone, int steps, const torch::Tensor* x0Estimate)>;

struct DdimResult {
    torch::Tensor images;  // [B,3,H,W] in [-1,1]; undefined when cancelled
    bool cancelled = false;
    int stepsDone = 0;
};

// Samples one image per seed (batch = seeds.size(); all share `condition` rows [B,5]).
// Initial and per-step noise of image i come from a CPU generator seeded with seeds[i], so an
// image depends only on its seed and request (not on the other images of the batch beyond
// floating-point summation order). Cancellation (`cancel` set or the callback returning false)
// is checked after every step.
DdimResult ddimSample(ProcessUNet& model, const torch::Tensor& condition,
                      const std::vector<std::uint64_t>& seeds, const ProcessSampling& options,
                      const DdimStepCallback& callback = {}, bool wantsPreview = false,
                      const std::atomic<bool>* cancel = nullptr);

}  // namespace lf::ml
