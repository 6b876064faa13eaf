#pragma once
// A model package whose model.json a test changes: for manifests a loader must refuse or read
// differently (kind, revisions, sampling defaults, stored metrics).
#include "core/model/ModelManifest.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>

namespace lf::test {

// Writes `package`'s model.json, as `edit` changes it, into `target` (empty: the package
// itself). A target that does not exist yet gets a copy of the whole package first; one that
// does keeps its files, so one copy serves a series of edits of the original.
inline void writeEditedManifest(const std::filesystem::path& package, const std::function<void(nlohmann::json&)>& edit,
                                const std::filesystem::path& target = {}) {
    const std::filesystem::path to = target.empty() ? package : target;
    if (!std::filesystem::exists(to)) std::filesystem::copy(package, to);
    auto json = nlohmann::json::parse(std::ifstream(package / kManifestFileName));
    edit(json);
    std::ofstream(to / kManifestFileName, std::ios::trunc) << json.dump(2);
}

}  // namespace lf::test
