#include "app/cli/Commands.h"

#include "core/model/ModelLocator.h"
#include "core/util/Error.h"
#include "latentforge/Version.h"

#include <exception>
#include <iostream>
#include <string>

namespace lf::cli {
namespace {

// Messages go out as one line: scripts read the first line of stderr.
std::string oneLine(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

}  // namespace

std::filesystem::path resolveModelArgument(const std::string& folderOrId) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(folderOrId, ec)) return folderOrId;
    const auto paths = modelSearchPaths(fs::read_symlink("/proc/self/exe", ec).parent_path());
    if (folderOrId.find('/') == std::string::npos)
        if (auto found = findModelDirectory(folderOrId, paths)) return *found;
    std::string searched;
    for (const auto& p : paths) searched += (searched.empty() ? "" : ", ") + p.string();
    throw Error("model '" + folderOrId + "' is neither a package folder nor a model id found in " +
                searched);
}

void registerAllCommands(CLI::App& app) {
    registerInspectCommand(app);
    registerConvertCommand(app);
    registerGenerateShapesCommand(app);
    registerGenerateProcessImagesCommand(app);
    registerTrainShapeVaeCommand(app);
    registerTrainProcessDiffusionCommand(app);
    registerWhatIfCommand(app);
    registerSweepCommand(app);
    registerEvalShapeVaeCommand(app);
    registerEvalProcessDiffusionCommand(app);
    registerSampleCommand(app);
    registerInterpolateCommand(app);
    registerEncodeCommand(app);
    registerDecodeCommand(app);
}
CLI::App* commandGroup(CLI::App& app, const std::string& name, const std::string& description) {
    const auto found = app.get_subcommands([&](CLI::App* a) { return a->get_name() == name; });
    if (!found.empty()) return found.front();
    CLI::App* group = app.add_subcommand(name, description);
    group->require_subcommand(1);
    return group;
}

int runCli(int argc, char** argv) {
    CLI::App app{"LatentForge: explore trained generative models of product designs", "latentforge-cli"};
    app.set_version_flag("--version", std::string(lf::kVersion), "Print the version and exit");
    app.require_subcommand(1);
    registerAllCommands(app);
    try {
        app.parse(argc, argv);  // sub-command callbacks run inside parse
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        std::cerr << "latentforge-cli: " << oneLine(e.what()) << " (see --help)" << std::endl;
        return e.get_exit_code();
    } catch (const lf::Error& e) {
        std::cerr << "latentforge-cli: " << oneLine(e.what()) << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "latentforge-cli: unexpected error: " << oneLine(e.what()) << std::endl;
        return 1;
    }
    return 0;
}

}  // namespace lf::cli
