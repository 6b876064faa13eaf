#pragma once
// Sub-commands of latentforge-cli. Each register function adds one sub-command to `app`; its
// callback does the work and throws lf::Error on failure (main turns that into exit code 1 and
// a one-line message on stderr).
#include <CLI/CLI.hpp>

namespace lf::cli {

void registerInspectCommand(CLI::App& app);
void registerConvertCommand(CLI::App& app);
void registerGenerateShapesCommand(CLI::App& app);
void registerTrainShapeVaeCommand(CLI::App& app);

// All of the above, in --help order.
void registerAllCommands(CLI::App& app);

// Runs the CLI on argv; returns the process exit code. Used by main() and by the tests.
int runCli(int argc, char** argv);

}  // namespace lf::cli
