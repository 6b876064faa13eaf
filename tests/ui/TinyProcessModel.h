#pragma once
// A tiny process diffusion package for GUI mechanics tests (and the responsiveness bench):
// a 2-level, 8-channel UNet trained for a couple of steps on 16 simulator images. Its images
// are noise-like; what matters is that it loads, samples step by step and carries metadata.
#include <QString>

namespace lf::test {

// Trains into `packageDirectory` (created). Throws lf::Error on failure. fullSize: the default
// architecture (the shipped model's per-step cost; the bench), trained for one step.
void makeTinyProcessModel(const QString& packageDirectory, bool fullSize = false);

}  // namespace lf::test
