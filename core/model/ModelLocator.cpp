#include "core/model/ModelLocator.h"

#include "latentforge/Version.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

namespace lf {

namespace fs = std::filesystem;

std::vector<fs::path> modelSearchPaths(const fs::path& executableDirectory)
{
    std::vector<fs::path> paths;
    if (const char* env = std::getenv(kModelsEnvironmentVariable); env && *env) {
        std::string list(env);
        std::size_t start = 0;
        while (start <= list.size()) {
            const std::size_t end = std::min(list.find(':', start), list.size());
            if (end > start) paths.emplace_back(list.substr(start, end - start));
            start = end + 1;
        }
    }
    if (!executableDirectory.empty())
        paths.push_back((executableDirectory / ".." / "share" / "latentforge" / "models")
                            .lexically_normal());
    paths.push_back(fs::path(kSourceDir) / "models");
    return paths;
}

std::vector<LocatedModel> listModels(ModelKind kind, const std::vector<fs::path>& searchPaths)
{
    std::vector<LocatedModel> models;
    std::set<std::string> seen;
    for (const fs::path& root : searchPaths) {
        std::error_code ec;
        if (!fs::is_directory(root, ec)) continue;
        std::vector<fs::path> folders;
        for (const auto& entry : fs::directory_iterator(root, ec))
            if (entry.is_directory(ec)) folders.push_back(entry.path());
        std::sort(folders.begin(), folders.end());  // stable order across file systems
        for (const fs::path& folder : folders) {
            try {
                std::ifstream in(folder / kManifestFileName);
                if (!in) continue;
                const nlohmann::json json = nlohmann::json::parse(in);
                ModelManifest manifest =
                    manifestFromJson(json, (folder / kManifestFileName).string());
                if (manifest.kind != kind || !seen.insert(manifest.id).second) continue;
                models.push_back({folder, std::move(manifest)});
            } catch (const std::exception&) {
                continue;  // broken package: listed nowhere, loading it names the defect
            }
        }
    }
    return models;
}

std::optional<fs::path> findModelDirectory(const std::string& id,
                                           const std::vector<fs::path>& searchPaths)
{
    if (id.empty() || id.find('/') != std::string::npos || id == "." || id == "..")
        return std::nullopt;
    for (const fs::path& root : searchPaths) {
        std::error_code ec;
        if (fs::is_directory(root / id, ec)) return root / id;
    }
    return std::nullopt;
}

}  // namespace lf
