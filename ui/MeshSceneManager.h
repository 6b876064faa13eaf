#pragma once
// The 3D scene of a VtkView (3D Slicer style: the widget knows nothing about meshes; this class
// keeps the VTK actors in sync with the mesh and the view options).
#include "core/mesh/Mesh.h"

#include <QObject>
#include <QPointer>
#include <vtkSmartPointer.h>

class vtkActor;
class vtkAxesActor;
class vtkPolyData;
class vtkRenderer;

namespace lf::ui {

class VtkView;

class MeshSceneManager : public QObject {
    Q_OBJECT
public:
    explicit MeshSceneManager(VtkView* view, QObject* parent = nullptr);
    ~MeshSceneManager() override;

    // Replaces the shown mesh and frames it (camera reset when there was no mesh before or
    // resetCamera is true; otherwise the current viewing direction is kept).
    void setMesh(const Mesh& mesh, bool resetCamera = true);
    // The same with the conversion already done (meshToPolyData() is thread-safe: big meshes
    // are converted on a worker thread).
    void setPolyData(vtkSmartPointer<vtkPolyData> polyData, bool resetCamera = true);
    void clearMesh();
    bool hasMesh() const;
    // Replaces the shown mesh and leaves the camera exactly as it is (design variants: the
    // shape changes under a steady view).
    void replacePolyData(vtkSmartPointer<vtkPolyData> polyData);

    // A second, semi-transparent mesh beside the main one (the input of an encoded mesh next to
    // its reconstruction), moved by `offset`. Camera framing includes it while shown.
    void setReferencePolyData(vtkSmartPointer<vtkPolyData> polyData, const double offset[3]);
    void clearReference();
    bool hasReference() const;
    vtkActor* referenceActor() const;

    void setEdgesVisible(bool visible);
    bool edgesVisible() const { return edgesVisible_; }
    void setGridVisible(bool visible);
    bool gridVisible() const { return gridVisible_; }
    void setOrientationAxesVisible(bool visible);
    bool orientationAxesVisible() const;

    // Standard three-quarter view from the front, Z up, whole mesh in view.
    void resetCamera();
    // Keeps the viewing direction, zooms/pans so that the mesh fills the view.
    void fitToView();

    vtkActor* meshActor() const;
    vtkActor* gridActor() const;
    vtkPolyData* polyData() const;
    VtkView* view() const;

private:
    void rebuildGrid();
    void requestRender();
    void syncOrientationCamera();
    void sceneBounds(double bounds[6]) const;

    // The view may be destroyed first (sibling QObjects); the VTK objects are reference counted.
    QPointer<VtkView> view_;
    vtkSmartPointer<vtkRenderer> renderer_;
    vtkSmartPointer<vtkPolyData> polyData_;
    vtkSmartPointer<vtkActor> meshActor_;
    vtkSmartPointer<vtkActor> gridActor_;
    vtkSmartPointer<vtkActor> referenceActor_;
    vtkSmartPointer<vtkRenderer> axesRenderer_;
    vtkSmartPointer<vtkAxesActor> axesActor_;
    unsigned long cameraObserver_ = 0;
    bool edgesVisible_ = false;
    bool gridVisible_ = true;
};

}  // namespace lf::ui
