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

    // The view may be destroyed first (sibling QObjects); the VTK objects are reference counted.
    QPointer<VtkView> view_;
    vtkSmartPointer<vtkRenderer> renderer_;
    vtkSmartPointer<vtkPolyData> polyData_;
    vtkSmartPointer<vtkActor> meshActor_;
    vtkSmartPointer<vtkActor> gridActor_;
    vtkSmartPointer<vtkRenderer> axesRenderer_;
    vtkSmartPointer<vtkAxesActor> axesActor_;
    unsigned long cameraObserver_ = 0;
    bool edgesVisible_ = false;
    bool gridVisible_ = true;
};

}  // namespace lf::ui
