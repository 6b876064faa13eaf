#pragma once
// Sub-commands of latentforge-cli. Each register function adds one sub-command to `app`; its
// callback does the work and throws lf::Error on failure (main turns that into exit code 1 and
// a one-line message on stderr).
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace lf::cli {

void registerInspectCommand(CLI::App& app);
void registerConvertCommand(CLI::App& app);
void registerGenerateShapesCommand(CLI::App& app);
void registerGenerateProcessImagesCommand(CLI::App& app);
void registerTrainShapeVaeCommand(CLI::App& app);
void registerTrainProcessDiffusionCommand(CLI::App& app);
void registerWhatIfCommand(CLI::App& app);
void registerSweepCommand(CLI::App& app);
void registerEvalProcessDiffusionCommand(CLI::App& app);
void registerEvalShapeVaeCommand(CLI::App& app);
void registerSampleCommand(CLI::App& app);
void registerInterpolateCommand(CLI::App& app);
void registerEncodeCommand(CLI::App& app);
void registerDecodeCommand(CLI::App& app);

// The group sub-command `name` ("train", "eval"), created on first use, shared by every
// model kind's sub-command under it.
CLI::App* commandGroup(CLI::App& app, const std::string& name, const std::string& description);

// A --model argument: an existing package folder, or a model id looked up like the GUI does
// (core/model/ModelLocator.h: $LATENTFORGE_MODELS, the installed models, the source tree's).
// Throws lf::Error listing the folders searched when neither.
std::filesystem::path resolveModelArgument(const std::string& folderOrId);

// All of the above, in --help order.
void registerAllCommands(CLI::App& app);

// Runs the CLI on argv; returns the process exit code. Used by main() and by the tests.
int runCli(int argc, char** argv);

}  // namespace lf::cli
