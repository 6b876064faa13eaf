#pragma once
// Where model packages are found, shared by the GUI and the CLI so both see the same models.
// Search order: $LATENTFORGE_MODELS (a ':'-separated list of folders), the installed
// <exe dir>/../share/latentforge/models, then the source tree's models/ (developer builds).
// The first folder that has a package of a given id wins.
#include "core/model/ModelManifest.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lf {

inline constexpr const char* kDefaultShapeModelId = "shapes-default";
inline constexpr const char* kDefaultProcessModelId = "process-default";
inline constexpr const char* kModelsEnvironmentVariable = "LATENTFORGE_MODELS";

// The folders to search, in order (existing or not). `executableDirectory` may be empty (then
// the installed location is left out).
std::vector<std::filesystem::path> modelSearchPaths(
    const std::filesystem::path& executableDirectory);

struct LocatedModel {
    std::filesystem::path directory;
    ModelManifest manifest;  // from model.json only: the weights are not read or hashed here
};

// Every package with a readable model.json of `kind` in `searchPaths`, in search order, one per
// id (the first wins). Folders whose model.json is missing or unreadable are skipped (listing
// must not fail because of one broken package; loading it reports the error).
std::vector<LocatedModel> listModels(ModelKind kind,
                                     const std::vector<std::filesystem::path>& searchPaths);

// The folder models/<id> in the first search path that has one (whatever its state, so that
// loading a broken package gives its real error); nullopt when none has it.
std::optional<std::filesystem::path> findModelDirectory(
    const std::string& id, const std::vector<std::filesystem::path>& searchPaths);

}  // namespace lf
