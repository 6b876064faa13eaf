// generate-process-images: renders the process simulator's training images as a dataset file
// (safetensors), the input of `train process-diffusion --data`, so one rendering can feed several
// training runs.
#include "app/cli/Commands.h"
#include "app/cli/commands/CommandSupport.h"

#include "core/process/ProcessDataset.h"
#include "core/process/ProcessSimulator.h"

#include <chrono>
#include <iostream>
#include <memory>

namespace lf::cli {

void registerGenerateProcessImagesCommand(CLI::App& app) {
    auto options = std::make_shared<process::ProcessDatasetOptions>();
    auto size = std::make_shared<int>(64);
    auto out = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand(
        "generate-process-images",
        "Render process simulator images with their parameters (safetensors), for train process-diffusion --data");
    cmd->add_option("--count", options->count, "number of images")->check(CLI::Range(1, 10000000));
    cmd->add_option("--size", *size, "image width and height in pixels (train with the same --image-size)")
        ->check(CLI::Range(8, 1024));
    cmd->add_option("--seed", options->seed, "seed of the parameters and nuisance (view, lighting, colour lot)");
    cmd->add_option("--threads", options->threads, "rendering threads")->check(CLI::Range(1, 256));
    cmd->add_option("--out", *out, "output .safetensors file")->required();
    cmd->add_flag("--quiet", *quiet, "no progress output");
    cmd->callback([options, size, out, quiet] {
        requireFolderOf(*out);
        options->width = options->height = *size;
        const auto start = std::chrono::steady_clock::now();
        ProgressThrottle throttle;
        process::writeProcessDataset(*out, *options, [&](int done, int total) {
            if (!*quiet && (done == total || throttle.due()))
                std::cerr << "generate-process-images: " << done << "/" << total << "\n";
        });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::cout << "wrote " << options->count << " images at " << *size << "x" << *size << " (simulator revision "
                  << process::kSimulatorRevision << ") to " << *out << " in " << formatted("%.1f", seconds) << " s\n";
    });
}

}  // namespace lf::cli
