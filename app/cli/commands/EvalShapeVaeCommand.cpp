// eval shape-vae: reconstruction, validity and novelty of a shape model (logic in
// core/geometry/ShapeVaeEval.h); prints the metrics as JSON and stores them in model.json.
#include "app/cli/Commands.h"
#include "app/cli/commands/ShapeCommandSupport.h"

#include "core/formats/Safetensors.h"
#include "core/geometry/ShapeVaeEval.h"
#include "core/model/ModelManifest.h"

#include <iostream>
#include <memory>

namespace lf::cli {

void registerEvalShapeVaeCommand(CLI::App& app) {
    struct Args {
        std::string model, data;
        ShapeEvalOptions options;
        bool noWrite = false, quiet = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = commandGroup(app, "eval", "Evaluate a model")->add_subcommand(
        "shape-vae", "Reconstruction IoU/Chamfer, watertight share and novelty of a shape model");
    cmd->add_option("--model", a->model, "shape model: package folder or id (e.g. shapes-default)")->required();
    cmd->add_option("--data", a->data, "the generate-shapes dataset it was trained on")->required();
    cmd->add_option("--held-out", a->options.heldOutShapes, "fresh procedural shapes to reconstruct")
        ->check(CLI::Range(1, 100000));
    cmd->add_option("--held-out-seed", a->options.heldOutSeed, "dataset seed of the held-out shapes");
    cmd->add_option("--samples", a->options.samples, "random samples")->check(CLI::Range(1, 100000));
    cmd->add_option("--psi", a->options.psi, "truncation of the samples")->check(CLI::Range(0.01, 2.0));
    cmd->add_option("--sample-seed", a->options.sampleSeed, "seed of the first sample (then +1 each)");
    cmd->add_option("--midpoints", a->options.midpoints, "interpolation midpoints between training shapes")
        ->check(CLI::Range(0, 100000));
    addRefinementOptions(*cmd, a->options.refinement);
    cmd->add_flag("--no-write", a->noWrite, "do not store the metrics in model.json");
    cmd->add_flag("--quiet", a->quiet, "no progress lines");
    cmd->callback([a] {
        const auto directory = resolveModelArgument(a->model);
        const auto model = loadShapeModelArgument(directory.string());
        const SafetensorsContents data = readSafetensors(a->data);
        auto options = a->options;
        if (!a->quiet) options.log = [](const std::string& s) { std::cerr << "eval shape-vae: " << s << std::endl; };
        const auto metrics = evaluateShapeModel(model, data, options);
        if (!a->noWrite) writeEvaluationMetrics(directory, metrics);
        std::cout << metrics.dump(2) << std::endl;
    });
}

}  // namespace lf::cli
