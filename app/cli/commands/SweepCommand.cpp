// sweep: a contact sheet of generated images over a grid of two process parameters (the others
// nominal or --param), same seed in every cell, labelled rows/columns; the grid is also stored in
// the PNG's metadata.
#include "app/cli/Commands.h"
#include "app/cli/commands/ProcessCommandSupport.h"

#include "core/formats/ContactSheet.h"
#include "core/ml/ProcessModel.h"
#include "core/util/Error.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace lf::cli {
namespace {

std::string label(double v) { return formatted("%.4g", v); }

std::string axisTitle(process::ProcessParameter p) {
    const auto& spec = process::parameterSpec(p);
    return std::string(spec.label) + " " + std::string(spec.unit);
}

}  // namespace

void registerSweepCommand(CLI::App& app) {
    struct Args {
        std::string model, x, y, out, device = "auto";
        std::vector<std::string> params;
        std::uint64_t seed = 1;
        SamplingOptions sampling;
        int scale = 2;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("sweep", "Contact sheet of generated images over two process parameters");
    cmd->add_option("--model", a->model, "process-diffusion model: package folder or id (e.g. process-default)")->required();
    cmd->add_option("--x", a->x, "column axis: name=lo:hi:n")->required();
    cmd->add_option("--y", a->y, "row axis: name=lo:hi:n")->required();
    cmd->add_option("--param", a->params, "fixed name=value for the other parameters (default: nominal)");
    cmd->add_option("--seed", a->seed, "seed of every cell");
    a->sampling.addTo(*cmd);
    cmd->add_option("--image-scale", a->scale, "pixel repetition of each cell")->check(CLI::Range(1, 8));
    cmd->add_option("--device", a->device, "auto, cpu, cuda or cuda:N");
    cmd->add_option("--out", a->out, "contact sheet PNG")->required();
    cmd->callback([a] {
        const auto xAxis = parseParameterAxis(a->x, "--x");
        const auto yAxis = parseParameterAxis(a->y, "--y");
        if (xAxis.parameter == yAxis.parameter) throw Error("sweep: --x and --y must be different parameters");
        process::ProcessParameters base = process::ProcessParameters::nominal();
        for (const auto& text : a->params) {
            const auto [parameter, value] = parseParameterAssignment(text);
            base.set(parameter, value);
        }
        const auto model = ml::ProcessModel::load(resolveModelArgument(a->model), a->device);
        const auto sampling = a->sampling.over(model.samplingDefaults());
        std::vector<std::vector<RgbImage8>> cells;
        nlohmann::json grid = nlohmann::json::array();
        nlohmann::json warnings = nlohmann::json::array();
        double seconds = 0;
        nlohmann::json first;
        for (double yv : yAxis.values) {
            cells.emplace_back();
            for (double xv : xAxis.values) {
                auto p = base;
                p.set(xAxis.parameter, xv);
                p.set(yAxis.parameter, yv);
                for (const auto& v : process::findOutOfRange(p)) warnings.push_back(v.describe());
                ml::ProcessSampleRequest request;
                request.parameters = p;
                request.seeds = {a->seed};
                request.sampling = sampling;
                const auto result = model.sample(request);
                seconds += result.elapsedSeconds;
                if (first.is_null()) first = result.metadata[0].toJson();
                const auto& img = result.images[0];
                RgbImage8 cell{img.width * a->scale, img.height * a->scale, {}};
                cell.pixels.resize(std::size_t(cell.width) * cell.height * 3);
                for (int y = 0; y < cell.height; ++y)
                    for (int x = 0; x < cell.width; ++x)
                        for (int c = 0; c < 3; ++c)
                            cell.pixels[(std::size_t(y) * cell.width + x) * 3 + c] =
                                img.pixels[(std::size_t(y / a->scale) * img.width + x / a->scale) * 3 + c];
                cells.back().push_back(std::move(cell));
            }
        }
        ContactSheetLayout layout;
        layout.columnTitle = axisTitle(xAxis.parameter);
        layout.rowTitle = axisTitle(yAxis.parameter);
        for (double v : xAxis.values) layout.columnLabels.push_back(label(v));
        for (double v : yAxis.values) layout.rowLabels.push_back(label(v));
        const RgbImage8 sheet = composeContactSheet(cells, layout);
        nlohmann::json metadata = first;
        metadata.erase("parameters");
        metadata.erase("elapsed_seconds");
        metadata["sweep"] = {{"x", {{"parameter", process::parameterSpec(xAxis.parameter).name}, {"values", xAxis.values}}},
                             {"y", {{"parameter", process::parameterSpec(yAxis.parameter).name}, {"values", yAxis.values}}},
                             {"cell_size", cells[0][0].width},
                             {"layout", "rows = y values top to bottom, columns = x values left to right"}};
        nlohmann::json fixed = nlohmann::json::object();
        for (const auto& spec : process::parameterSpecs()) {
            if (spec.parameter != xAxis.parameter && spec.parameter != yAxis.parameter) fixed[std::string(spec.name)] = base.get(spec.parameter);
        }
        metadata["fixed_parameters"] = fixed;
        metadata["warnings"] = warnings;
        metadata["elapsed_seconds"] = seconds;
        writePng(a->out, sheet, {{kPngMetadataKey, metadata.dump()}});
        for (const auto& w : warnings) std::cerr << "sweep: warning: " << w.get<std::string>() << std::endl;
        std::cout << nlohmann::json{{"file", a->out}, {"width", sheet.width}, {"height", sheet.height},
                                    {"cells", xAxis.values.size() * yAxis.values.size()}, {"seconds", seconds}}
                         .dump(2)
                  << std::endl;
    });
}

}  // namespace lf::cli
