#include "core/ml/TrainingCheckpoint.h"

#include "core/ml/TorchSafetensors.h"
#include "core/util/Error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cctype>
#include <limits>
#include <numbers>
#include <thread>
#include <utility>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace lf::ml {
namespace {

std::string adamKey(const torch::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }

}  // namespace

std::uint64_t splitMix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void shuffleIndices(std::vector<std::int64_t>& v, std::mt19937_64& rng) {
    for (std::size_t i = v.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(rng() % i);
        std::swap(v[i - 1], v[j]);
    }
}

std::vector<std::int64_t> epochOrder(const std::vector<std::int64_t>& rows, std::uint64_t seed,
                                     std::int64_t epoch) {
    std::vector<std::int64_t> order = rows;
    std::mt19937_64 rng(splitMix64(seed ^ splitMix64(0xe90c0000ull + std::uint64_t(epoch))));
    shuffleIndices(order, rng);
    return order;
}

TrainingClock::TrainingClock(std::chrono::steady_clock::time_point sessionStart, std::int64_t batch,
                             std::int64_t totalSteps, int epochs)
    : start_(sessionStart), batch_(batch), totalSteps_(totalSteps), epochs_(epochs) {}

void TrainingClock::resumed(std::int64_t step, double earlierSeconds, nlohmann::json earlierSessions) {
    firstStep_ = step;
    earlierSeconds_ = earlierSeconds;
    earlierSessions_ = std::move(earlierSessions);
}

nlohmann::json TrainingClock::sessions(std::int64_t step, const std::string& commandLine) const {
    nlohmann::json all = earlierSessions_;
    all.push_back({{"command_line", commandLine}, {"from_step", firstStep_}, {"to_step", step},
                   {"seconds", sessionSeconds()}});
    return all;
}

nlohmann::json checkpointSessions(const SafetensorsContents& checkpoint, std::int64_t step, double seconds,
                                  const std::string& what) {
    const auto found = checkpoint.metadata.find(kSessionsMetadataKey);
    if (found == checkpoint.metadata.end())
        return nlohmann::json::array({{{"command_line", nullptr}, {"from_step", 0}, {"to_step", step}, {"seconds", seconds},
                                       {"note", "written before checkpoints recorded their sessions"}}});
    const nlohmann::json sessions = nlohmann::json::parse(found->second, nullptr, /*allow_exceptions=*/false);
    const bool valid = sessions.is_array() &&
                       std::all_of(sessions.begin(), sessions.end(), [](const nlohmann::json& s) { return s.is_object(); });
    if (!valid) throw Error(what + ": metadata \"" + kSessionsMetadataKey + "\" is not a list of sessions");
    return sessions;
}

double TrainingClock::sessionSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double TrainingClock::runSeconds() const { return earlierSeconds_ + sessionSeconds(); }

void TrainingClock::stamp(TrainingProgress& p, std::int64_t step) const {
    const double session = sessionSeconds();
    const std::int64_t sessionSteps = step - firstStep_;
    const double secondsPerStep = sessionSteps > 0 ? session / double(sessionSteps) : 0;
    p.epochs = epochs_;
    p.step = step;
    p.totalSteps = totalSteps_;
    p.elapsedSeconds = earlierSeconds_ + session;
    p.itemsPerSecond = secondsPerStep > 0 ? double(batch_) / secondsPerStep : 0;
    p.etaSeconds = secondsPerStep * double(totalSteps_ - step);
}

void setUpTrainingProcess(int requestedThreads) {
    torch::set_num_threads(requestedThreads > 0
                               ? requestedThreads
                               : std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
#if defined(__GLIBC__)
    // Large blocks from the heap, never mmap (a block a thread arena cannot hold still falls back
    // to mmap), and the heap's top is never trimmed.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
#endif
}

void checkResumeStep(std::int64_t step, std::int64_t totalSteps, int epochs) {
    if (step > totalSteps) {
        throw Error("--resume: the checkpoint is at step " + std::to_string(step) + ", past the " +
                    std::to_string(totalSteps) + " steps of " + std::to_string(epochs) + " epochs");
    }
}

double scheduledLearningRate(double base, std::int64_t step, std::int64_t stepsPerEpoch, int epochs,
                             int decayEpochs, double floorFraction) {
    const std::int64_t total = stepsPerEpoch * epochs;
    const std::int64_t decaySteps = stepsPerEpoch * std::clamp(decayEpochs, 0, epochs);
    const std::int64_t decayStart = total - decaySteps;
    if (decaySteps <= 0 || step < decayStart) return base;
    // Progress 0 at the window's first step, 1 at the final step.
    const double t = decaySteps > 1 ? std::min(1.0, double(step - decayStart) / double(decaySteps - 1)) : 1.0;
    const double floor = base * floorFraction;
    return floor + 0.5 * (base - floor) * (1.0 + std::cos(std::numbers::pi * t));
}

void setLearningRate(torch::optim::Adam& adam, double lr) {
    for (auto& group : adam.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

void checkLearningRateDecay(int decayEpochs, int epochs) {
    if (decayEpochs < 0 || decayEpochs > epochs) {
        throw Error("training: --lr-decay-epochs must be in 0.." + std::to_string(epochs) + " (the number of epochs)");
    }
}

CheckpointDue checkpointDue(std::int64_t step, std::int64_t totalSteps, bool epochEnd,
                            std::int64_t checkpointEverySteps, std::int64_t stopAfterSteps) {
    CheckpointDue due;
    due.stopNow = stopAfterSteps > 0 && step >= stopAfterSteps && step < totalSteps;
    const bool scheduled = checkpointEverySteps > 0 ? step % checkpointEverySteps == 0 : epochEnd;
    due.write = scheduled || due.stopNow || step == totalSteps;
    return due;
}

std::string exactNumber(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::hex);
    return std::string(buf, r.ptr);
}

double parseExactNumber(const std::string& s, const std::string& what) {
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::hex);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) throw Error(what + ": bad number '" + s + "'");
    return v;
}

torch::Device chooseTrainingDevice(const std::string& name, const std::string& flag) {
    torch::Device device(torch::kCPU);
    try {
        device = torch::Device(name);
    } catch (const std::exception&) {
        throw Error(flag + " " + name + ": expected cpu, cuda or cuda:N");
    }
    if (device.is_cuda()) {
        if (!torch::cuda::is_available()) {
            throw Error(flag + " " + name + ": CUDA is not available to this LibTorch build/machine");
        }
        if (device.has_index() && device.index() >= static_cast<int>(torch::cuda::device_count())) {
            throw Error(flag + " " + name + ": only " + std::to_string(torch::cuda::device_count()) +
                        " CUDA device(s)");
        }
    } else if (!device.is_cpu()) {
        throw Error(flag + " " + name + ": expected cpu, cuda or cuda:N");
    }
    return device;
}

void appendAdamState(SafetensorsContents& contents, const torch::nn::Module& module,
                     torch::optim::Adam& adam) {
    std::int64_t adamStep = 0;
    for (const auto& item : module.named_parameters(true)) {
        const auto it = adam.state().find(adamKey(item.value()));
        if (it == adam.state().end()) continue;  // before the first step
        auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
        adamStep = s.step();
        contents.tensors.push_back(tensorToRecord("adam.exp_avg." + item.key(), s.exp_avg()));
        contents.tensors.push_back(tensorToRecord("adam.exp_avg_sq." + item.key(), s.exp_avg_sq()));
    }
    contents.metadata["adam_step"] = std::to_string(adamStep);
}

void loadAdamState(const SafetensorsContents& contents, const torch::nn::Module& module,
                   torch::optim::Adam& adam, const torch::Device& device, const std::string& what) {
    std::int64_t adamStep = 0;
    try {
        adamStep = std::stoll(checkpointMetadata(contents, "adam_step", what));
    } catch (const std::logic_error&) {
        throw Error(what + ": bad adam_step in metadata");
    }
    for (const auto& item : module.named_parameters(true)) {
        const auto* m = contents.find("adam.exp_avg." + item.key());
        const auto* v = contents.find("adam.exp_avg_sq." + item.key());
        if (!m || !v) {
            if (adamStep == 0) continue;
            throw Error(what + ": Adam moments for '" + item.key() + "' are missing");
        }
        auto s = std::make_unique<torch::optim::AdamParamState>();
        s->step(adamStep);
        s->exp_avg(recordToTensor(*m).to(device).to(torch::kFloat32));
        s->exp_avg_sq(recordToTensor(*v).to(device).to(torch::kFloat32));
        if (s->exp_avg().sizes() != item.value().sizes() || s->exp_avg_sq().sizes() != item.value().sizes()) {
            throw Error(what + ": Adam moments for '" + item.key() + "' have the wrong shape");
        }
        adam.state()[adamKey(item.value())] = std::move(s);
    }
}

double optionalCheckpointNumber(const SafetensorsContents& contents, const std::string& key, double fallback,
                                const std::string& what) {
    const auto it = contents.metadata.find(key);
    return it == contents.metadata.end() ? fallback : parseExactNumber(it->second, what);
}

const std::string& checkpointMetadata(const SafetensorsContents& contents, const std::string& key,
                                      const std::string& what) {
    const auto it = contents.metadata.find(key);
    if (it == contents.metadata.end()) throw Error(what + ": metadata \"" + key + "\" is missing");
    return it->second;
}

SafetensorsContents readCheckpointFile(const std::filesystem::path& file, const std::string& format,
                                       const nlohmann::json& fingerprint) {
    if (!std::filesystem::exists(file)) throw Error("--resume: no checkpoint at " + file.string());
    SafetensorsContents contents = readSafetensors(file);
    const std::string what = "checkpoint " + file.string();
    if (checkpointMetadata(contents, "format", what) != format ||
        checkpointMetadata(contents, "format_version", what) != "1") {
        throw Error(what + ": not a " + format + " file (format " + contents.metadata["format"] + ")");
    }
    nlohmann::json saved;
    try {
        saved = nlohmann::json::parse(checkpointMetadata(contents, "run", what));
    } catch (const nlohmann::json::exception&) {
        throw Error(what + ": metadata \"run\" is not JSON");
    }
    for (const auto& [key, value] : fingerprint.items()) {
        if (!saved.contains(key) || saved[key] != value) {
            throw Error(what + ": was written by a run with a different " + key + " (" +
                        (saved.contains(key) ? saved[key].dump() : "none") + " vs " + value.dump() +
                        "); resume needs the same options");
        }
    }
    // An option the run had and this one lacks (e.g. the shape trainer's blend objective, which
    // is recorded only when on) is a difference too.
    for (const auto& [key, value] : saved.items()) {
        if (!fingerprint.contains(key)) {
            throw Error(what + ": was written by a run with a different " + key + " (" + value.dump() +
                        " vs none); resume needs the same options");
        }
    }
    return contents;
}

std::string packageIdFor(const std::filesystem::path& outDir, const std::string& explicitId,
                         const std::string& fallback) {
    if (!explicitId.empty()) return explicitId;
    const auto normal = std::filesystem::absolute(outDir).lexically_normal();
    std::string id = normal.filename().string();
    if (id.empty()) id = normal.parent_path().filename().string();
    for (char& c : id) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '-';
    }
    return id.empty() ? fallback : id;
}

}  // namespace lf::ml
