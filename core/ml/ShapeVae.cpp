#include "core/ml/ShapeVae.h"

namespace lf::ml {
namespace {

namespace F = torch::nn::functional;

torch::Tensor act(const torch::Tensor& x) {
    return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2));
}

// A stride-1 "same" Conv3d. LibTorch 1.13 only sends a 3x3x3 convolution of a single grid to
// oneDNN when the volume is large; otherwise it runs the im2col fallback, which took 60 ms for
// the fine head at 32^3 (measured). The same convolution as a transposed convolution (kernel
// flipped, in/out swapped) takes 2-20 ms there, so single-grid inference uses that form.
torch::Tensor sameConv(torch::nn::Conv3d& conv, const torch::Tensor& x) {
    if (x.size(0) != 1 || torch::GradMode::is_enabled()) return conv->forward(x);
    const auto weight = conv->weight.transpose(0, 1).flip({2, 3, 4});
    const auto pad = conv->weight.size(2) / 2;
    return torch::conv_transpose3d(x, weight, conv->bias, /*stride=*/1, /*padding=*/pad);
}

}  // namespace

ShapeEncoderImpl::ShapeEncoderImpl(const ShapeVaeConfig& config) {
    config.validate();
    int in = 1;
    for (std::size_t i = 0; i < config.encoderWidths.size(); ++i) {
        const int out = config.encoderWidths[i];
        convs.push_back(register_module(
            "conv" + std::to_string(i),
            torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, 4).stride(2).padding(1))));
        in = out;
    }
    head = register_module("head", torch::nn::Linear(in * 64, 2 * config.latentSize));
}

std::pair<torch::Tensor, torch::Tensor> ShapeEncoderImpl::forward(torch::Tensor grid) {
    torch::Tensor x = grid;
    for (auto& conv : convs) x = act(conv->forward(x));
    const auto out = head->forward(x.flatten(1));
    const auto halves = out.chunk(2, 1);
    // The clamp keeps exp(logvar) finite early in training, when the encoder is still random.
    return {halves[0], halves[1].clamp(-12.0, 8.0)};
}

ShapeDecoderImpl::ShapeDecoderImpl(const ShapeVaeConfig& config)
    : bottleneckChannels(config.decoderWidths.front()) {
    config.validate();
    project = register_module("project",
                              torch::nn::Linear(config.latentSize, bottleneckChannels * 64));
    for (std::size_t i = 0; i + 1 < config.decoderWidths.size(); ++i) {
        ups.push_back(register_module(
            "up" + std::to_string(i),
            torch::nn::ConvTranspose3d(
                torch::nn::ConvTranspose3dOptions(config.decoderWidths[i],
                                                  config.decoderWidths[i + 1], 4)
                    .stride(2)
                    .padding(1))));
    }
    const int last = config.decoderWidths.back();
    coarseHead = register_module(
        "coarse_head", torch::nn::Conv3d(torch::nn::Conv3dOptions(last, 1, 3).padding(1)));
    fineHead = register_module(
        "fine_head", torch::nn::Conv3d(torch::nn::Conv3dOptions(last, 8, 3).padding(1)));
}

torch::Tensor ShapeDecoderImpl::features(torch::Tensor z) {
    torch::Tensor x = act(project->forward(z)).view({-1, bottleneckChannels, 4, 4, 4});
    for (auto& up : ups) x = act(up->forward(x));
    return x;
}

torch::Tensor ShapeDecoderImpl::fineFrom(const torch::Tensor& feats, const torch::Tensor& coarse) {
    const auto upsampled = F::interpolate(coarse, F::InterpolateFuncOptions()
                                                      .scale_factor(std::vector<double>{2, 2, 2})
                                                      .mode(torch::kTrilinear)
                                                      .align_corners(false));
    return shuffle3d(sameConv(fineHead, feats)) + upsampled;
}

torch::Tensor ShapeDecoderImpl::forward(torch::Tensor z) { return forwardBoth(std::move(z)).second; }

torch::Tensor ShapeDecoderImpl::forwardCoarse(torch::Tensor z) {
    return sameConv(coarseHead, features(std::move(z)));
}

std::pair<torch::Tensor, torch::Tensor> ShapeDecoderImpl::forwardBoth(torch::Tensor z) {
    const auto feats = features(std::move(z));
    auto coarse = sameConv(coarseHead, feats);
    auto fine = fineFrom(feats, coarse);
    return {std::move(coarse), std::move(fine)};
}

ShapeVaeImpl::ShapeVaeImpl(const ShapeVaeConfig& cfg) : config(cfg) {
    config.validate();
    encoder = register_module("encoder", ShapeEncoder(config));
    decoder = register_module("decoder", ShapeDecoder(config));
}

torch::Tensor nearSurfaceWeightedL1(const torch::Tensor& prediction, const torch::Tensor& target, double band,
                                    double nearWeight) {
    const auto weight = 1.0 + nearWeight * (target.abs() < band).to(target.scalar_type());
    return (weight * (prediction - target).abs()).mean();
}

torch::Tensor fineReconstructionLoss(const torch::Tensor& fine, const torch::Tensor& target, double nearWeight) {
    const double voxel = 2.0 / double(target.size(2));
    return nearSurfaceWeightedL1(fine, target, 2 * voxel, nearWeight);
}

torch::Tensor shuffle3d(const torch::Tensor& x) {
    const auto b = x.size(0), d = x.size(2), h = x.size(3), w = x.size(4);
    return x.view({b, 2, 2, 2, d, h, w})
        .permute({0, 4, 1, 5, 2, 6, 3})
        .reshape({b, 1, 2 * d, 2 * h, 2 * w});
}

}  // namespace lf::ml
