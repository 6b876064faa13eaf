#include "core/process/ProcessDataset.h"

#include "core/process/DefectModel.h"
#include "core/process/ProcessSimulator.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

namespace lf::process {

std::uint64_t processSampleSeed(std::uint64_t datasetSeed, int index)
{
    return mixSeed(mixSeed(datasetSeed) + std::uint64_t(index) * 2 + 1);
}

ProcessParameters processSampleParameters(std::uint64_t datasetSeed, int index)
{
    const std::uint64_t seed = mixSeed(mixSeed(datasetSeed) + std::uint64_t(index) * 2);
    std::array<double, kParameterCount> u{};
    for (std::size_t i = 0; i < kParameterCount; ++i)
        u[i] = 2.0 * uniformFromSeed(seed, i) - 1.0;
    return denormalise(u);
}

namespace {

template <typename T>
void putValues(TensorRecord& tensor, std::size_t offset, const T* values, std::size_t count)
{
    std::memcpy(tensor.data.data() + offset * sizeof(T), values, count * sizeof(T));
}

}  // namespace

SafetensorsContents makeProcessDataset(const ProcessDatasetOptions& options,
                                       const std::function<void(int, int)>& progress)
{
    if (options.count < 1)
        throw Error("process dataset: count must be at least 1, got " + std::to_string(options.count));
    if (options.width < 8 || options.height < 8 || options.width > 1024 || options.height > 1024)
        throw Error("process dataset: image size " + std::to_string(options.width) + "x" +
                    std::to_string(options.height) + " is outside 8..1024");
    if (options.threads < 1 || options.threads > 64)
        throw Error("process dataset: threads must be 1..64, got " + std::to_string(options.threads));
    const std::size_t n = std::size_t(options.count);
    const std::size_t pixels = std::size_t(options.width) * options.height * 3;
    if (n * pixels > (std::size_t(3) << 30))
        throw Error("process dataset: " + std::to_string(n) + " images of " +
                    std::to_string(options.width) + "x" + std::to_string(options.height) +
                    " exceed the 3 GiB limit of one file; write several files");

    auto tensor = [](std::string name, DType dtype, std::vector<std::int64_t> shape) {
        TensorRecord t{std::move(name), dtype, std::move(shape), {}};
        t.data.resize(std::size_t(t.numel()) * dtypeSize(dtype));
        return t;
    };
    const auto count = std::int64_t(n);
    TensorRecord images = tensor("images", DType::U8, {count, options.height, options.width, 3});
    TensorRecord params = tensor("params", DType::F32, {count, std::int64_t(kParameterCount)});
    TensorRecord normalised =
        tensor("params_normalised", DType::F32, {count, std::int64_t(kParameterCount)});
    TensorRecord severities = tensor("severities", DType::F32, {count, std::int64_t(kEffectCount)});
    TensorRecord seeds = tensor("seed", DType::I64, {count});

    std::atomic<int> next{0}, done{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    std::mutex failureMutex;
    auto worker = [&] {
        try {
            for (int i = next++; i < options.count; i = next++) {
                const ProcessParameters p = processSampleParameters(options.seed, i);
                const std::uint64_t seed = processSampleSeed(options.seed, i);
                const ImageU8 image = toUint8(simulateProcess(p, seed, {options.width, options.height}));
                putValues(images, std::size_t(i) * pixels, image.pixels.data(), pixels);
                std::array<float, kParameterCount> physical{}, unit{};
                const auto u = normalise(p);
                for (std::size_t k = 0; k < kParameterCount; ++k) {
                    physical[k] = float(p.toArray()[k]);
                    unit[k] = float(u[k]);
                }
                putValues(params, std::size_t(i) * kParameterCount, physical.data(), kParameterCount);
                putValues(normalised, std::size_t(i) * kParameterCount, unit.data(), kParameterCount);
                const DefectSeverities s = computeSeverities(p);
                std::array<float, kEffectCount> sv{};
                for (std::size_t k = 0; k < kEffectCount; ++k)
                    sv[k] = float(s.values[k]);
                putValues(severities, std::size_t(i) * kEffectCount, sv.data(), kEffectCount);
                const auto signedSeed = std::int64_t(seed);
                putValues(seeds, std::size_t(i), &signedSeed, 1);
                ++done;
            }
        } catch (...) {
            std::lock_guard lock(failureMutex);
            failure = std::current_exception();
            failed = true;
            next = options.count;
        }
    };
    std::vector<std::thread> threads;
    for (int t = 1; t < options.threads; ++t)
        threads.emplace_back(worker);
    if (progress) {
        // The calling thread reports progress while the workers run, then helps finish.
        std::thread last(worker);
        while (done < options.count && !failed) {
            progress(done.load(), options.count);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        last.join();
    } else {
        worker();
    }
    for (auto& t : threads)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    if (progress)
        progress(options.count, options.count);

    SafetensorsContents contents;
    contents.metadata["format"] = "latentforge-process-dataset";
    contents.metadata["format_version"] = "1";
    contents.metadata["count"] = std::to_string(options.count);
    contents.metadata["width"] = std::to_string(options.width);
    contents.metadata["height"] = std::to_string(options.height);
    contents.metadata["dataset_seed"] = std::to_string(options.seed);
    contents.metadata["simulator_revision"] = std::to_string(kSimulatorRevision);
    contents.metadata["material"] = "ABS (general-purpose injection grade)";
    nlohmann::json parameterList = nlohmann::json::array();
    for (const auto& spec : parameterSpecs())
        parameterList.push_back({{"name", spec.name}, {"unit", spec.unit},
                                 {"min", spec.minimum}, {"max", spec.maximum}});
    contents.metadata["parameters"] = parameterList.dump();
    nlohmann::json effectList = nlohmann::json::array();
    for (const auto& info : effectInfos())
        effectList.push_back(info.name);
    contents.metadata["effects"] = effectList.dump();
    contents.tensors = {std::move(images), std::move(params), std::move(normalised),
                        std::move(severities), std::move(seeds)};
    return contents;
}

void writeProcessDataset(const std::filesystem::path& file, const ProcessDatasetOptions& options,
                         const std::function<void(int, int)>& progress)
{
    writeSafetensors(file, makeProcessDataset(options, progress));
}

}  // namespace lf::process
