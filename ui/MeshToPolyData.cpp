#include "ui/MeshToPolyData.h"

#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkIdTypeArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>

namespace lf::ui {

vtkSmartPointer<vtkPolyData> meshToPolyData(const Mesh& mesh)
{
    const auto vertexCount = static_cast<vtkIdType>(mesh.vertices.size());
    vtkNew<vtkPoints> points;
    points->SetDataTypeToFloat();
    points->SetNumberOfPoints(vertexCount);
    for (vtkIdType i = 0; i < vertexCount; ++i) points->SetPoint(i, mesh.vertices[i].data());

    // Offsets + connectivity arrays: one allocation each instead of a cell insert per triangle.
    const auto triangleCount = static_cast<vtkIdType>(mesh.triangles.size());
    vtkNew<vtkIdTypeArray> offsets;
    offsets->SetNumberOfValues(triangleCount + 1);
    vtkNew<vtkIdTypeArray> connectivity;
    connectivity->SetNumberOfValues(triangleCount * 3);
    for (vtkIdType t = 0; t < triangleCount; ++t) {
        offsets->SetValue(t, t * 3);
        for (int c = 0; c < 3; ++c) connectivity->SetValue(t * 3 + c, mesh.triangles[t][c]);
    }
    offsets->SetValue(triangleCount, triangleCount * 3);
    vtkNew<vtkCellArray> polys;
    polys->SetData(offsets, connectivity);

    auto polyData = vtkSmartPointer<vtkPolyData>::New();
    polyData->SetPoints(points);
    polyData->SetPolys(polys);

    Mesh withNormals;
    const std::vector<Vec3f>* normals = &mesh.normals;
    if (mesh.normals.size() != mesh.vertices.size()) {
        withNormals.vertices = mesh.vertices;
        withNormals.triangles = mesh.triangles;
        withNormals.computeVertexNormals();
        normals = &withNormals.normals;
    }
    vtkNew<vtkFloatArray> normalArray;
    normalArray->SetName("Normals");
    normalArray->SetNumberOfComponents(3);
    normalArray->SetNumberOfTuples(vertexCount);
    for (vtkIdType i = 0; i < vertexCount; ++i) normalArray->SetTypedTuple(i, (*normals)[i].data());
    polyData->GetPointData()->SetNormals(normalArray);

    if (mesh.colors.size() == mesh.vertices.size() && !mesh.colors.empty()) {
        vtkNew<vtkUnsignedCharArray> colors;
        colors->SetName("Colors");
        colors->SetNumberOfComponents(4);
        colors->SetNumberOfTuples(vertexCount);
        for (vtkIdType i = 0; i < vertexCount; ++i) {
            unsigned char rgba[4];
            for (int c = 0; c < 4; ++c)
                rgba[c] = static_cast<unsigned char>(
                    std::clamp(mesh.colors[i][c], 0.0f, 1.0f) * 255.0f + 0.5f);
            colors->SetTypedTuple(i, rgba);
        }
        polyData->GetPointData()->SetScalars(colors);
    }
    return polyData;
}

}  // namespace lf::ui
