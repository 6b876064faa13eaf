// generate-shapes: writes the procedural shape training set (SDF grids) as safetensors.
#include "app/cli/Commands.h"
#include "app/cli/commands/CommandSupport.h"

#include "core/formats/Safetensors.h"
#include "core/procedural/ShapeDataset.h"
#include "core/procedural/ShapeFamily.h"

#include <chrono>
#include <iostream>
#include <memory>

namespace lf::cli {

void registerGenerateShapesCommand(CLI::App& app) {
    auto options = std::make_shared<ShapeDatasetOptions>();
    auto out = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand(
        "generate-shapes", "Generate procedural product shapes as SDF grids (safetensors)");
    cmd->add_option("--count", options->count, "number of shapes")->check(CLI::Range(1, 1000000));
    cmd->add_option("--resolution", options->resolution, "grid resolution R (R^3 samples)")
        ->check(CLI::Range(8, 256));
    cmd->add_option("--seed", options->seed, "dataset seed");
    cmd->add_option("--truncation", options->truncation,
                    "SDF truncation in normalised units (the cube is [-1,1]^3)")
        ->check(CLI::PositiveNumber);
    std::string known;
    for (const auto& f : shapeFamilies()) known += (known.empty() ? "" : ", ") + f->name();
    cmd->add_option("--families", options->families, "families to use (default all: " + known + ")")
        ->delimiter(',');
    cmd->add_option("--threads", options->threads, "worker threads per grid")
        ->check(CLI::Range(1, 256));
    cmd->add_option("--out", *out, "output .safetensors file")->required();
    cmd->add_flag("--quiet", *quiet, "no progress output");
    cmd->callback([options, out, quiet] {
        requireFolderOf(*out);
        const auto start = std::chrono::steady_clock::now();
        const SafetensorsContents contents =
            makeShapeDataset(*options, [&](int done, int total) {
                if (!*quiet && (done == total || done % 100 == 0))
                    std::cerr << "generate-shapes: " << done << "/" << total << "\n";
            });
        writeSafetensors(*out, contents);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::cout << "wrote " << options->count << " shapes at " << options->resolution
                  << "^3 to " << *out << " in " << seconds << " s\n";
    });
}

}  // namespace lf::cli
