#pragma once
// lf::Mesh -> vtkPolyData (points, triangles, normals, colours) for the 3D view.
#include "core/mesh/Mesh.h"

#include <vtkSmartPointer.h>

class vtkPolyData;

namespace lf::ui {

// Copies vertices and triangles; uses the mesh's normals when it has them, otherwise computes
// smooth area-weighted normals so that shading shows the form. RGBA vertex colours become the
// "Colors" point scalars.
vtkSmartPointer<vtkPolyData> meshToPolyData(const Mesh& mesh);

}  // namespace lf::ui
