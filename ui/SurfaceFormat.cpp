#include "ui/SurfaceFormat.h"

#include <QSurfaceFormat>

namespace lf::ui {

QSurfaceFormat vtkSurfaceFormat()
{
    QSurfaceFormat format;
    format.setRenderableType(QSurfaceFormat::OpenGL);
    // VTK's OpenGL2 backend requires at least 3.2 core.
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    format.setRedBufferSize(8);
    format.setGreenBufferSize(8);
    format.setBlueBufferSize(8);
    format.setAlphaBufferSize(8);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(8);
    // VTK renders into its own framebuffer and we blit the result; multisampling Qt's buffer
    // would only make the blit fail on some drivers.
    format.setSamples(0);
    return format;
}

void installDefaultSurfaceFormat()
{
    QSurfaceFormat::setDefaultFormat(vtkSurfaceFormat());
}

}  // namespace lf::ui
