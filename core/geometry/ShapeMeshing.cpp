#include "core/geometry/ShapeMeshing.h"

#include "core/geometry/MeshShells.h"
#include "core/ml/ShapeModel.h"
#include "core/util/Error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

namespace lf {

namespace {
double millisecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

Mesh decodeToMesh(const ml::ShapeModel& model, const ml::Latent& latent, int resolution,
                  double* decodeMs, double* contourMs) {
    auto start = std::chrono::steady_clock::now();
    SdfGrid grid = model.decode(latent, resolution);
    if (decodeMs) *decodeMs = millisecondsSince(start);
    start = std::chrono::steady_clock::now();
    Mesh mesh = closedShapeMesh(std::move(grid));
    if (contourMs) *contourMs = millisecondsSince(start);
    return mesh;
}

Mesh closedShapeMesh(SdfGrid grid, ShellCleanup cleanup) {
    closeSdfGridForContour(grid);
    Mesh mesh = contourSdfGrid(grid);
    if (cleanup == ShellCleanup::RemoveSpecks) removeSmallShells(mesh, kSpeckRelativeVolume);
    if (mesh.normals.size() != mesh.vertices.size()) mesh.computeVertexNormals();
    mesh.convertUpAxis(kShapeModelUpAxis, UpAxis::Z);
    mesh.name = "shape";
    return mesh;
}

double designMeasure(const Mesh& mesh, DesignMeasure measure) {
    if (mesh.vertices.empty()) return 0;
    const Vec3f size = mesh.bounds().size();
    return measure == DesignMeasure::Height ? double(size[2]) : double(std::max({size[0], size[1], size[2]}));
}

double designScaleFor(const Mesh& mesh, DesignMeasure measure, double mm) {
    const char* what = measure == DesignMeasure::Height ? "height" : "largest dimension";
    if (!(mm > 0) || !std::isfinite(mm))
        throw Error(std::string("the ") + what + " must be a positive number of millimetres, not " + std::to_string(mm));
    const double extent = designMeasure(mesh, measure);
    if (!(extent > 0)) throw Error(std::string("the shape has no ") + what + " to scale (it decoded empty or flat)");
    return mm / extent;
}

EncodedShape encodeMesh(const ml::ShapeModel& model, const Mesh& mesh, const ml::LatentRefinement& refinement,
                        const ml::RefinementProgress& progress) {
    Mesh modelFrame = mesh;
    modelFrame.convertUpAxis(UpAxis::Z, kShapeModelUpAxis);
    MeshSdfGrid sdf = meshToSdfGrid(modelFrame, model.gridResolution(), model.truncation());
    // The placement maps the mesh's own coordinates: a centre in the app's frame (the scale is
    // the same in both; the normalisation commutes with the rotation).
    sdf.normalisation.centre = convertUpAxis(sdf.normalisation.centre, kShapeModelUpAxis, UpAxis::Z);
    return {model.encode(sdf.grid, refinement, progress), sdf.normalisation};
}

}  // namespace lf
