#pragma once
// A tiny trained shape model package for the GUI tests: a few seconds of ShapeVaeTrainer on
// procedural shapes at 16^3, enough for decodes that contour to closed, seed-dependent meshes.
#include <QString>

namespace lf::test {

// Trains into `directory` (created) and returns the package folder; empty + message on failure.
QString trainTinyShapeModel(const QString& directory, QString* error);

}  // namespace lf::test
