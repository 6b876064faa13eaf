#pragma once
// The OpenGL surface format VTK needs (3.2 core profile, depth and stencil). Must be installed as
// the default before the QApplication exists, so that every QOpenGLWidget context gets it.
class QSurfaceFormat;

namespace lf::ui {

QSurfaceFormat vtkSurfaceFormat();
// Call once, before constructing QApplication (main() and every GUI test do).
void installDefaultSurfaceFormat();

}  // namespace lf::ui
