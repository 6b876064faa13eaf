#pragma once
// Where the GUI finds the what-if (process diffusion) model package.
// Search order: $LATENTFORGE_MODELS (':'-separated folders), <exe dir>/../share/latentforge/models,
// then the source tree's models/ (developer builds). The same order as wip/shapeui's
// core/model/ModelLocator (modelSearchPaths/findModelDirectory): once both are merged this file
// should become a call to findModelDirectory(kDefaultProcessModelId, modelSearchPaths(...)).
#include <QString>

namespace lf::ui {

inline constexpr const char* kDefaultProcessModelId = "process-default";

// The first <search folder>/<id> that exists (whatever its state, so loading a broken package
// reports its real error); empty when none does.
QString findProcessModelDirectory(const QString& id = QString::fromLatin1(kDefaultProcessModelId));

}  // namespace lf::ui
