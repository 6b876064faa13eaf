#pragma once
// A shape model's latents <-> triangle meshes: the decode -> close -> contour and the
// mesh -> SDF -> encode pipelines, shared by the GUI's ShapeDecodeWorker and the CLI so both
// give the same mesh for the same latent. Lives in lf_core (not lf_core_ml) because contouring
// and mesh sampling need VTK/Open3D.
#include "core/geometry/SdfContour.h"
#include "core/mesh/Mesh.h"
#include "core/ml/LatentMath.h"
#include "core/ml/ShapeModel.h"

namespace lf {

// The shape models learn in their data's frame, +y up (docs/SHAPES.md); the app's world is +z up
// (Mesh.h). Meshes cross between the two here and nowhere else: every mesh these functions
// return stands +z up, and encodeMesh takes a +z-up mesh.
inline constexpr UpAxis kShapeModelUpAxis = UpAxis::Y;

// Decodes `latent` at `resolution`^3 and contours it closed (closeSdfGridForContour: decodes may
// reach the cube's faces and exports must be watertight), standing +z up; removes decoding
// specks (shells under kSpeckRelativeVolume of the largest, see MeshShells.h), with vertex
// normals, named "shape".
// Optional timings in milliseconds. Throws lf::Error for a latent of the wrong size or a bad
// resolution (from ShapeModel::decode).
Mesh decodeToMesh(const ml::ShapeModel& model, const ml::Latent& latent, int resolution,
                  double* decodeMs = nullptr, double* contourMs = nullptr);

// A design's size: millimetres per model unit (files are written in millimetres,
// core/io/MeshExport.h). A design with no size of its own (a seed, a slider, a blend of such)
// gets kDefaultDesignScale: the model's [-1,1] cube becomes 120 mm, so a full-height design
// stands about 108 mm (a mug, a small bottle). An encoded mesh keeps its own (1 / its
// normalisation's scale).
inline constexpr double kDefaultDesignScale = 60.0;
// What a designer sizes a design by: its height (z extent; bottles, vases, lamps) or its
// largest dimension (flat parts: a flange's or a bowl's diameter).
enum class DesignMeasure { Height, LargestDimension };
// That measure of `mesh`, in its own units (0 for an empty mesh).
double designMeasure(const Mesh& mesh, DesignMeasure measure);
// The scale at which `mesh`, in model units, measures `mm`. lf::Error when mm is not a positive
// finite number or the mesh has no such extent.
double designScaleFor(const Mesh& mesh, DesignMeasure measure, double mm);

// Shells below 1 % of the largest shell's volume are decoding specks, not design features (the
// smallest feature the families have, a knob's knurl ridge, is part of the knob's one shell).
inline constexpr double kSpeckRelativeVolume = 0.01;
enum class ShellCleanup { RemoveSpecks, KeepAll };

// The contouring half of decodeToMesh, for a grid from elsewhere (a dataset, a decode kept for
// other uses, in the model's frame): closed, specks removed unless KeepAll, with vertex normals,
// turned +z up, named "shape".
Mesh closedShapeMesh(SdfGrid grid, ShellCleanup cleanup = ShellCleanup::RemoveSpecks);

struct EncodedShape {
    ml::Latent latent;
    // How the mesh was mapped into the unit cube, in the mesh's (+z up) frame: toOriginal on a
    // decodeToMesh of the latent puts it back at the input's size and place.
    MeshNormalisation normalisation;
};

// Turns the +z-up mesh into the model's frame, samples its SDF at the model's grid resolution
// and truncation (meshToSdfGrid) and encodes it, refining the latent (ShapeModel::encode). The
// mesh must be closed and oriented outward. Throws lf::Error for an empty or degenerate mesh,
// lf::Cancelled when `progress` (the refinement's, see ShapeModel::encode) returns false.
EncodedShape encodeMesh(const ml::ShapeModel& model, const Mesh& mesh,
                        const ml::LatentRefinement& refinement = ml::kDefaultRefinement,
                        const ml::RefinementProgress& progress = {});

}  // namespace lf
