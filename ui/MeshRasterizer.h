#pragma once
// A small CPU rasteriser for thumbnails: z-buffered triangles with Lambert shading into a
// QImage. Runs on any thread (QImage is not a GUI-thread object), unlike an off-screen VTK render
// window, which would need its own OpenGL context on the worker thread.
#include "core/mesh/Mesh.h"

#include <QColor>
#include <QImage>
#include <QSize>

namespace lf::ui {

struct RasterOptions {
    QSize size{96, 96};
    QColor background{236, 238, 242};
    QColor surface{110, 150, 205};
    // The same three-quarter view as the 3D view's reset camera (front-left-above, Z up).
    double azimuthDegrees = -35;
    double elevationDegrees = 25;
};

// Orthographic view fitted to the mesh's bounding sphere (so shapes of one strip keep their
// relative sizes only when they have similar extents). An empty mesh gives the background.
QImage rasterizeMesh(const Mesh& mesh, const RasterOptions& options = {});

}  // namespace lf::ui
