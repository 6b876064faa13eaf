// Process diffusion UNet on the CPU: time per network evaluation, per DDIM step and per image,
// ours (LibTorch C++) against the same network in Python PyTorch (tests/bench/
// process_unet_reference.py, /usr/bin/python3) on the same weights (read from the same
// safetensors file) and the same input, after warm-up, in the same run; checks the outputs match.
// Also times one training step (forward + backward + Adam) for the training-time estimate.
//
//   bench_diffusion [reps=20] [threads=2] [package-dir|-] [train-batch=32] [base-channels=32]
// Without a package, a default-architecture network with seeded random weights is used (timing
// does not depend on the values). Prints ratios C++ / Python (target <= 1.05).
#include "core/ml/DiffusionSampler.h"
#include "core/ml/ProcessUNet.h"
#include "core/ml/TorchSafetensors.h"
#include "core/model/ModelManifest.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

using namespace lf;
using namespace lf::ml;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The python loop's work, mirrored: `steps` forwards of the (conditional, null) pair.
double pairLoopSeconds(ProcessUNet& net, const torch::Tensor& x1, const torch::Tensor& c1, int steps) {
    auto x = torch::cat({x1, x1});
    const auto c = torch::cat({c1, c1});
    const auto m = torch::tensor({1.0f, 0.0f});
    const auto start = Clock::now();
    for (int i = 0; i < steps; ++i) {
        const auto t = torch::full({2}, 999 - i * 999 / std::max(1, steps - 1), torch::kInt64);
        x = x - 0.01 * net->forward(x, t, c, m);
    }
    return since(start);
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines appear as measured, also into a file
    const int reps = argc > 1 ? std::atoi(argv[1]) : 20;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    const std::string packageArg = argc > 3 ? argv[3] : "-";
    const int trainBatch = argc > 4 ? std::atoi(argv[4]) : 32;
    const int baseChannels = argc > 5 ? std::atoi(argv[5]) : 32;
    torch::set_num_threads(threads);
    const auto work = std::filesystem::temp_directory_path() / ("bench_diffusion_" + std::to_string(::getpid()));
    std::filesystem::create_directories(work);

    ProcessDiffusionConfig config;
    SafetensorsContents weights;
    std::filesystem::path weightsFile;
    if (packageArg != "-") {
        const auto package = loadModelPackage(packageArg);
        config = ProcessDiffusionConfig::fromJson(package.manifest.architecture);
        weights = package.weights;
        weightsFile = std::filesystem::path(packageArg) / package.manifest.weights.file;
    } else {
        config.baseChannels = baseChannels;
        torch::manual_seed(1);
        ProcessUNet init(config);
        torch::NoGradGuard g;
        for (auto& p : init->parameters()) p.normal_(0, 0.05);  // non-zero output everywhere
        weights.metadata[kProcessDiffusionArchitectureKey] = config.toJson().dump();
        appendStateDict(weights, *init);
        weightsFile = work / "weights.safetensors";
        writeSafetensors(weightsFile, weights);
    }
    ProcessUNet net(config);
    loadStateDict(*net, weights, weightsFile.string());
    net->eval();
    std::int64_t parameterCount = 0;
    for (const auto& p : net->parameters()) parameterCount += p.numel();
    std::printf("network: %s, %lld parameters, %d threads\n", config.toJson().dump().c_str(),
                static_cast<long long>(parameterCount), threads);

    // The input: a guidance pair (what one DDIM step of one image evaluates).
    torch::manual_seed(2);
    const auto x = torch::randn({2, 3, config.imageSize, config.imageSize});
    const auto t = torch::tensor({500, 500}, torch::kInt64);
    const auto cond = (torch::rand({2, 5}) * 2 - 1).contiguous();
    const auto mask = torch::tensor({1.0f, 0.0f});
    SafetensorsContents input;
    input.tensors = {tensorToRecord("x", x), tensorToRecord("t", t), tensorToRecord("cond", cond), tensorToRecord("mask", mask)};
    writeSafetensors(work / "input.safetensors", input);

    const int steps = 20;
    auto measureOurs = [&](torch::Tensor& y, double& perImage) {
        c10::InferenceMode mode;
        for (int i = 0; i < 3; ++i) y = net->forward(x, t, cond, mask);
        std::vector<double> times;
        for (int i = 0; i < reps; ++i) {
            const auto start = Clock::now();
            y = net->forward(x, t, cond, mask);
            times.push_back(since(start));
        }
        perImage = pairLoopSeconds(net, x.slice(0, 0, 1), cond.slice(0, 0, 1), steps);
        return median(times);
    };
    // The machine is shared: alternate ours / Python / ours / Python / ours and compare the best
    // of each, so a burst of load on one side does not decide the ratio.
    const std::string script = std::string(LF_SOURCE_DIR) + "/tests/bench/process_unet_reference.py";
    const std::string command = "OMP_NUM_THREADS=" + std::to_string(threads) + " /usr/bin/python3 " + script + " " +
                                weightsFile.string() + " " + (work / "input.safetensors").string() + " " +
                                (work / "reference.safetensors").string() + " --reps " + std::to_string(reps) +
                                " --threads " + std::to_string(threads) + " --steps " + std::to_string(steps);
    torch::Tensor ours;
    std::vector<double> oursForwards, oursImages, pyForwards, pyImages;
    SafetensorsContents reference;
    for (int round = 0; round < 3; ++round) {
        double image = 0;
        oursForwards.push_back(measureOurs(ours, image));
        oursImages.push_back(image);
        if (round == 2) break;
        if (std::system(command.c_str()) != 0) {
            std::fprintf(stderr, "bench_diffusion: the Python reference failed: %s\n", command.c_str());
            return 1;
        }
        reference = readSafetensors(work / "reference.safetensors");
        pyForwards.push_back(std::stod(reference.metadata.at("seconds_per_forward")));
        pyImages.push_back(std::stod(reference.metadata.at("seconds_per_image")));
    }
    const auto yRef = recordToTensor(reference.at("y"));
    const double oursForward = *std::min_element(oursForwards.begin(), oursForwards.end());
    const double oursImage = *std::min_element(oursImages.begin(), oursImages.end());
    const double pyForward = *std::min_element(pyForwards.begin(), pyForwards.end());
    const double pyImage = *std::min_element(pyImages.begin(), pyImages.end());
    const double oursA = oursForwards.front(), oursB = oursForwards.back();
    const double maxDiff = (ours - yRef).abs().max().item<double>();
    const double scale = yRef.abs().max().item<double>();
    std::printf("outputs: max |C++ - Python| = %.3g (output scale %.3g) -> %s\n", maxDiff, scale,
                maxDiff <= 1e-4 * std::max(1.0, scale) ? "match" : "MISMATCH");
    std::printf("forward (guidance pair, batch 2 = one DDIM step of one image): C++ %.2f ms, Python %.2f ms, ratio %.3f (C++ first/last round: %.2f / %.2f ms)\n",
                oursForward * 1e3, pyForward * 1e3, oursForward / pyForward, oursA * 1e3, oursB * 1e3);
    std::printf("per image, %d guided steps (network only): C++ %.3f s, Python %.3f s, ratio %.3f\n", steps, oursImage,
                pyImage, oursImage / pyImage);

    // The full sampler (noise, guidance mix, DDIM update) per image and per step, batch 1 and 4.
    {
        c10::InferenceMode mode;
        for (int batch : {1, 4}) {
            std::vector<std::uint64_t> seeds;
            for (int i = 0; i < batch; ++i) seeds.push_back(std::uint64_t(i + 1));
            const auto c = cond.slice(0, 0, 1).expand({batch, 5}).contiguous();
            const auto start = Clock::now();
            ddimSample(net, c, seeds, ProcessSampling{steps, 2.0, 0.0});
            const double s = since(start);
            std::printf("ddimSample %d steps, %d image(s): %.3f s = %.1f ms per step, %.3f s per image\n", steps, batch, s,
                        s / steps * 1e3, s / batch);
        }
    }

    // One training step (forward + backward + Adam) at batch trainBatch: the training estimate.
    {
        ProcessUNet trainNet(config);
        trainNet->train();
        torch::optim::Adam adam(trainNet->parameters(), torch::optim::AdamOptions(5e-4));
        const auto schedule = ScheduleTensors::make(config.schedule, torch::kCPU);
        const auto x0 = torch::rand({trainBatch, 3, config.imageSize, config.imageSize}) * 2 - 1;
        const auto c = torch::rand({trainBatch, 5}) * 2 - 1;
        auto generator = at::detail::createCPUGenerator(5);
        std::vector<double> times;
        for (int i = 0; i < 4; ++i) {
            const auto start = Clock::now();
            adam.zero_grad();
            diffusionLoss(trainNet, schedule, x0, c, 0.1, generator).loss.backward();
            adam.step();
            if (i > 0) times.push_back(since(start));
        }
        const double step = median(times);
        std::printf("training step, batch %d: %.2f s (%.1f images/s)\n", trainBatch, step, trainBatch / step);
        for (const auto& [images, epochs] : {std::pair{20000, 10}, std::pair{20000, 20}, std::pair{40000, 20}}) {
            const double total = double(images) * epochs / trainBatch * step;
            std::printf("  estimate: %d images x %d epochs = %.0f steps -> %.1f h on this machine\n", images, epochs,
                        double(images) * epochs / trainBatch, total / 3600);
        }
    }
    std::filesystem::remove_all(work);
    return 0;
}
