#pragma once
// A tiny trained shape model package for the GUI tests: a few seconds of ShapeVaeTrainer on
// procedural shapes at 16^3, enough for decodes that contour to closed, seed-dependent meshes.
#include "core/ml/ShapeVaeTrainer.h"

#include <QString>

#include <filesystem>

namespace lf::test {

// The fixture's training options for a dataset at root/shapes.safetensors (package in
// root/tiny-shapes), for tests that train variants of it.
ml::ShapeVaeTrainingOptions tinyShapeTrainingOptions(const std::filesystem::path& root);

// Trains into `directory` (created) and returns the package folder; empty + message on failure.
QString trainTinyShapeModel(const QString& directory, QString* error);

}  // namespace lf::test
