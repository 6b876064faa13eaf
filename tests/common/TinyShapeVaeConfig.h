#pragma once
// The smallest shape VAE the tests train and round-trip: 8 latents, 16^3 grid, two thin stages.
#include "core/ml/ShapeVae.h"

namespace lf::test {

inline ml::ShapeVaeConfig tinyShapeVaeConfig() {
    ml::ShapeVaeConfig c;
    c.latentSize = 8;
    c.gridResolution = 16;
    c.encoderWidths = {4, 8};
    c.decoderWidths = {8, 4};
    return c;
}

}  // namespace lf::test
