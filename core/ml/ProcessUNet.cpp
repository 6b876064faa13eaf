#include "core/ml/ProcessUNet.h"

#include <cmath>

namespace lf::ml {
namespace {

namespace F = torch::nn::functional;
using torch::nn::Conv2dOptions;

torch::nn::Conv2d conv3(int in, int out, int stride = 1) {
    return torch::nn::Conv2d(Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

}  // namespace

ProcessResBlockImpl::ProcessResBlockImpl(int in, int outChannels, int embedding, int groups)
    : out(outChannels) {
    norm1 = register_module("norm1", torch::nn::GroupNorm(groups, in));
    conv1 = register_module("conv1", conv3(in, out));
    embProj = register_module("emb_proj", torch::nn::Linear(embedding, 2 * out));
    norm2 = register_module("norm2", torch::nn::GroupNorm(groups, out));
    conv2 = register_module("conv2", conv3(out, out));
    // Zero-initialised last conv: each block starts as the identity, which keeps the deep
    // residual stack stable from the first step.
    torch::NoGradGuard noGrad;
    conv2->weight.zero_();
    conv2->bias.zero_();
    if (in != out) skip = register_module("skip", torch::nn::Conv2d(Conv2dOptions(in, out, 1)));
}

torch::Tensor ProcessResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& emb) {
    auto h = conv1->forward(F::silu(norm1->forward(x)));
    const auto film = embProj->forward(emb).unsqueeze(-1).unsqueeze(-1);  // [B, 2out, 1, 1]
    const auto scale = film.slice(1, 0, out);
    const auto shift = film.slice(1, out, 2 * out);
    h = norm2->forward(h) * (1 + scale) + shift;
    h = conv2->forward(F::silu(h));
    return h + (skip ? skip->forward(x) : x);
}

torch::Tensor timestepFeatures(const torch::Tensor& t, int size) {
    const int half = size / 2;
    const auto i = torch::arange(half, torch::TensorOptions().dtype(torch::kFloat32).device(t.device()));
    const auto freqs = torch::exp(i * (-std::log(10000.0) / half));
    const auto args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({torch::sin(args), torch::cos(args)}, 1);
}

ProcessUNetImpl::ProcessUNetImpl(const ProcessDiffusionConfig& c) : config(c) {
    config.validate();
    const int e = config.embeddingSize;
    const int g = config.groups;
    timeFc1 = register_module("time_fc1", torch::nn::Linear(e, e));
    timeFc2 = register_module("time_fc2", torch::nn::Linear(e, e));
    condFc1 = register_module("cond_fc1", torch::nn::Linear(config.conditionSize, e));
    condFc2 = register_module("cond_fc2", torch::nn::Linear(e, e));
    nullEmbedding = register_parameter("null_embedding", torch::zeros({e}));
    convIn = register_module("conv_in", conv3(3, config.channels(0)));

    int ch = config.channels(0);
    std::vector<int> skipChannels;
    for (int level = 0; level < config.levels(); ++level) {
        for (int b = 0; b < config.resBlocksPerLevel; ++b) {
            downBlocks->push_back(ProcessResBlock(ch, config.channels(level), e, g));
            ch = config.channels(level);
        }
        skipChannels.push_back(ch);
        if (level + 1 < config.levels()) downsamples->push_back(conv3(ch, ch, 2));
    }
    mid1 = register_module("mid1", ProcessResBlock(ch, ch, e, g));
    mid2 = register_module("mid2", ProcessResBlock(ch, ch, e, g));
    for (int level = config.levels() - 1; level >= 0; --level) {
        for (int b = 0; b < config.resBlocksPerLevel; ++b) {
            const int in = b == 0 ? ch + skipChannels[std::size_t(level)] : ch;
            upBlocks->push_back(ProcessResBlock(in, config.channels(level), e, g));
            ch = config.channels(level);
        }
        if (level > 0) upsamples->push_back(conv3(ch, ch));
    }
    register_module("down_blocks", downBlocks);
    register_module("downsamples", downsamples);
    register_module("up_blocks", upBlocks);
    register_module("upsamples", upsamples);
    outNorm = register_module("out_norm", torch::nn::GroupNorm(g, ch));
    convOut = register_module("conv_out", conv3(ch, 3));
    torch::NoGradGuard noGrad;
    convOut->weight.zero_();
    convOut->bias.zero_();
}

torch::Tensor ProcessUNetImpl::forward(const torch::Tensor& x, const torch::Tensor& t,
                                       const torch::Tensor& condition,
                                       const torch::Tensor& conditionMask) {
    const auto tEmb = timeFc2->forward(F::silu(timeFc1->forward(timestepFeatures(t, config.embeddingSize))));
    const auto cEmb = condFc2->forward(F::silu(condFc1->forward(condition.to(torch::kFloat32))));
    const auto m = conditionMask.to(tEmb.dtype()).unsqueeze(1);
    const auto emb = F::silu(tEmb + m * cEmb + (1 - m) * nullEmbedding.unsqueeze(0));

    auto h = convIn->forward(x);
    std::vector<torch::Tensor> skips;
    std::size_t block = 0;
    for (int level = 0; level < config.levels(); ++level) {
        for (int b = 0; b < config.resBlocksPerLevel; ++b) {
            h = downBlocks->ptr<ProcessResBlockImpl>(block++)->forward(h, emb);
        }
        skips.push_back(h);
        if (level + 1 < config.levels()) h = downsamples->ptr<torch::nn::Conv2dImpl>(std::size_t(level))->forward(h);
    }
    h = mid2->forward(mid1->forward(h, emb), emb);
    block = 0;
    std::size_t up = 0;
    for (int level = config.levels() - 1; level >= 0; --level) {
        h = torch::cat({h, skips[std::size_t(level)]}, 1);
        for (int b = 0; b < config.resBlocksPerLevel; ++b) {
            h = upBlocks->ptr<ProcessResBlockImpl>(block++)->forward(h, emb);
        }
        if (level > 0) {
            h = F::interpolate(h, F::InterpolateFuncOptions()
                                      .scale_factor(std::vector<double>{2.0, 2.0})
                                      .mode(torch::kNearest));
            h = upsamples->ptr<torch::nn::Conv2dImpl>(up++)->forward(h);
        }
    }
    return convOut->forward(F::silu(outNorm->forward(h)));
}

}  // namespace lf::ml
