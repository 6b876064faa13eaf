#include "core/ml/ShapeVae.h"

#include "core/ml/LatentPrior.h"
#include "core/ml/TorchSafetensors.h"

#include <set>

namespace lf::ml {
namespace {

namespace F = torch::nn::functional;

torch::Tensor act(const torch::Tensor& x) {
    return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2));
}

// A stride-1 "same" Conv3d. For one grid at inference LibTorch 1.13 runs a Conv3d(k3) with few
// output channels slowly (the coarse head, 8 -> 1 at 32^3: 13 ms); the same convolution as a
// transposed convolution (kernel flipped, in/out swapped) takes 2.7 ms. With 9 output channels
// (both heads) the plain Conv3d is the faster one (15 against 20 ms), so only the coarse head
// alone, while dragging, uses this.
torch::Tensor sameConv(torch::nn::Conv3d& conv, const torch::Tensor& x) {
    if (x.size(0) != 1 || torch::GradMode::is_enabled()) return conv->forward(x);
    const auto weight = conv->weight.transpose(0, 1).flip({2, 3, 4});
    const auto pad = conv->weight.size(2) / 2;
    return torch::conv_transpose3d(x, weight, conv->bias, /*stride=*/1, /*padding=*/pad);
}

// Which tap k of a ConvTranspose3d(k4, s2, p1) reaches output 2m + a from input m + j - 1, for
// parity a and offset j of a 3-tap window; -1 where none does. Output 2m + a takes input i
// through tap k = 2(m - i) + a + 1, so each parity sees two of the four taps.
constexpr int kTransposedTap[2][3] = {{3, 1, -1}, {-1, 2, 0}};

// The transposed convolution's weight [in, out, 4, 4, 4] as the equivalent stride-1 Conv3d(k3, p1)
// weight [out * 8, in, 3, 3, 3] whose output channel o * 8 + 4a + 2b + c is parity (a, b, c) of
// output channel o. Built with einsum so gradients reach the transposed weight.
torch::Tensor subpixelWeight(const torch::Tensor& transposed) {
    auto select = torch::zeros({2, 3, 4}, transposed.options());
    for (int a = 0; a < 2; ++a)
        for (int j = 0; j < 3; ++j)
            if (kTransposedTap[a][j] >= 0) select[a][j][kTransposedTap[a][j]] = 1.0;
    const auto w = torch::einsum("iokpq,ajk,blp,cmq->oabcijlm", {transposed, select, select, select});
    return w.reshape({transposed.size(1) * 8, transposed.size(0), 3, 3, 3});
}

// A stride-2 ConvTranspose3d(k4, p1). LibTorch 1.13 runs it on batches with its slow reference
// kernel (forward + backward of the 16->8 layer at batch 32: 520 ms); its sub-pixel form, a
// Conv3d(k3) to 8x the channels that oneDNN runs and a shuffle3d, gives the same values in 230 ms.
// A single grid (decoding, an encode's refinement) is faster as it is (forward 5.8 against
// 7.3 ms at 16^3), so it keeps that.
torch::Tensor upConv(torch::nn::ConvTranspose3d& up, const torch::Tensor& x) {
    if (x.size(0) == 1) return up->forward(x);
    const auto bias = up->bias.repeat_interleave(8);
    return shuffle3d(torch::conv3d(x, subpixelWeight(up->weight), bias, /*stride=*/1, /*padding=*/1));
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
    for (auto& up : ups) x = act(upConv(up, x));
    return x;
}

torch::Tensor ShapeDecoderImpl::fineFrom(const torch::Tensor& fineResidual, const torch::Tensor& coarse) {
    const auto upsampled = F::interpolate(coarse, F::InterpolateFuncOptions()
                                                      .scale_factor(std::vector<double>{2, 2, 2})
                                                      .mode(torch::kTrilinear)
                                                      .align_corners(false));
    return shuffle3d(fineResidual) + upsampled;
}

torch::Tensor ShapeDecoderImpl::forward(torch::Tensor z) { return forwardBoth(std::move(z)).second; }

torch::Tensor ShapeDecoderImpl::forwardCoarse(torch::Tensor z) {
    return sameConv(coarseHead, features(std::move(z)));
}

std::pair<torch::Tensor, torch::Tensor> ShapeDecoderImpl::forwardBoth(torch::Tensor z) {
    // Both heads as one Conv3d(8 -> 1 + 8): one pass over the features instead of two, forward
    // and backward (batch 32 at 32^3: 450 against 815 ms).
    const auto feats = features(std::move(z));
    const auto heads = torch::conv3d(feats, torch::cat({coarseHead->weight, fineHead->weight}),
                                     torch::cat({coarseHead->bias, fineHead->bias}), /*stride=*/1,
                                     /*padding=*/1);
    auto coarse = heads.narrow(1, 0, 1);
    auto fine = fineFrom(heads.narrow(1, 1, heads.size(1) - 1), coarse);
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
    const auto b = x.size(0), c = x.size(1) / 8, d = x.size(2), h = x.size(3), w = x.size(4);
    return x.reshape({b, c, 2, 2, 2, d, h, w})
        .permute({0, 1, 5, 2, 6, 3, 7, 4})
        .reshape({b, c, 2 * d, 2 * h, 2 * w});
}

void loadShapeVaeWeights(ShapeVae& vae, const SafetensorsContents& weights, const std::string& what) {
    std::set<std::string> notNetwork = {kLatentMeanTensor, kLatentDirectionsTensor, kLatentSigmaTensor};
    for (const auto& name : latentPriorTensorNames()) notNetwork.insert(name);
    loadStateDict(*vae, weights, what, "", notNetwork);
}

}  // namespace lf::ml
