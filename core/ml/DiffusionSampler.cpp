#include "core/ml/DiffusionSampler.h"

#include "core/util/Error.h"

#include <cmath>

namespace lf::ml {

ScheduleTensors ScheduleTensors::make(const NoiseSchedule& schedule, const torch::Device& device) {
    std::vector<float> a, b;
    for (double abar : schedule.alphaBars()) {
        a.push_back(static_cast<float>(std::sqrt(abar)));
        b.push_back(static_cast<float>(std::sqrt(1 - abar)));
    }
    return {torch::tensor(a).to(device), torch::tensor(b).to(device)};
}

DiffusionLoss diffusionLoss(ProcessUNet& model, const ScheduleTensors& schedule,
                            const torch::Tensor& x0, const torch::Tensor& condition,
                            double conditionDropout, at::Generator& generator) {
    const auto device = x0.device();
    const std::int64_t batch = x0.size(0);
    const std::int64_t steps = schedule.sqrtAlphaBar.size(0);
    const auto t = torch::randint(steps, {batch}, generator, torch::kInt64).to(device);
    const auto noise = torch::randn(x0.sizes(), generator).to(device);
    const auto keep = (torch::rand({batch}, generator) >= conditionDropout).to(torch::kFloat32).to(device);
    const auto a = schedule.sqrtAlphaBar.index_select(0, t).view({batch, 1, 1, 1});
    const auto s = schedule.sqrtOneMinusAlphaBar.index_select(0, t).view({batch, 1, 1, 1});
    const auto xt = a * x0 + s * noise;
    const auto target = model->config.prediction == "v" ? a * noise - s * x0 : noise;
    const auto prediction = model->forward(xt, t, condition, keep);
    return {torch::mse_loss(prediction, target)};
}

torch::Tensor guidedPrediction(ProcessUNet& model, const torch::Tensor& x, const torch::Tensor& t,
                               const torch::Tensor& condition, double guidance) {
    const std::int64_t b = x.size(0);
    const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(x.device());
    if (guidance == 1.0) return model->forward(x, t, condition, torch::ones({b}, opts));
    // Conditional and null rows in one batch: one pass through the network instead of two.
    const auto out = model->forward(torch::cat({x, x}), torch::cat({t, t}), torch::cat({condition, condition}),
                                    torch::cat({torch::ones({b}, opts), torch::zeros({b}, opts)}));
    const auto conditional = out.slice(0, 0, b);
    const auto unconditional = out.slice(0, b, 2 * b);
    return unconditional + guidance * (conditional - unconditional);
}

std::pair<torch::Tensor, torch::Tensor> predictionToX0Eps(const ProcessDiffusionConfig& config,
                                                          const torch::Tensor& x, int t,
                                                          const torch::Tensor& prediction) {
    const double abar = config.schedule.alphaBar(t);
    const double a = std::sqrt(abar), s = std::sqrt(1 - abar);
    if (config.prediction == "v") return {a * x - s * prediction, s * x + a * prediction};
    return {(x - s * prediction) / a, prediction};
}

DdimResult ddimSample(ProcessUNet& model, const torch::Tensor& condition,
                      const std::vector<std::uint64_t>& seeds, const ProcessSampling& options,
                      const DdimStepCallback& callback, bool wantsPreview,
                      const std::atomic<bool>* cancel) {
    const auto& config = model->config;
    if (seeds.empty()) throw Error("sampling: no seeds");
    if (condition.size(0) != std::int64_t(seeds.size())) throw Error("sampling: one condition row per seed expected");
    options.validate(config.schedule.steps(), "sampling");
    const auto timesteps = config.schedule.samplingTimesteps(options.steps);
    const auto device = condition.device();
    const std::int64_t b = std::int64_t(seeds.size());
    const std::vector<std::int64_t> shape{1, 3, config.imageSize, config.imageSize};

    std::vector<at::Generator> generators;
    std::vector<torch::Tensor> initial;
    for (const auto seed : seeds) {
        generators.push_back(at::detail::createCPUGenerator(seed));
        initial.push_back(torch::randn(shape, generators.back()));
    }
    auto x = torch::cat(initial).to(device);
    const auto cond = condition.to(torch::kFloat32);

    DdimResult result;
    for (std::size_t i = 0; i < timesteps.size(); ++i) {
        const int t = timesteps[i];
        const auto tt = torch::full({b}, t, torch::TensorOptions().dtype(torch::kInt64).device(device));
        const auto prediction = guidedPrediction(model, x, tt, cond, options.guidance);
        auto [x0, eps] = predictionToX0Eps(config, x, t, prediction);
        const double abarT = config.schedule.alphaBar(t);
        x0 = x0.clamp(-1, 1);
        eps = (x - std::sqrt(abarT) * x0) / std::sqrt(1 - abarT);
        const double abarS = i + 1 < timesteps.size() ? config.schedule.alphaBar(timesteps[i + 1]) : 1.0;
        const double sigma = options.eta * std::sqrt((1 - abarS) / (1 - abarT)) * std::sqrt(1 - abarT / abarS);
        x = std::sqrt(abarS) * x0 + std::sqrt(std::max(0.0, 1 - abarS - sigma * sigma)) * eps;
        if (sigma > 0) {
            std::vector<torch::Tensor> z;
            for (auto& g : generators) z.push_back(torch::randn(shape, g));
            x = x + sigma * torch::cat(z).to(device);
        }
        result.stepsDone = int(i + 1);
        const bool last = i + 1 == timesteps.size();
        if (callback && !callback(result.stepsDone, options.steps, wantsPreview ? (last ? &x : &x0) : nullptr)) {
            result.cancelled = !last;
        }
        if (cancel && cancel->load() && !last) result.cancelled = true;
        if (result.cancelled) return result;
    }
    result.images = x.clamp(-1, 1);
    return result;
}

}  // namespace lf::ml
