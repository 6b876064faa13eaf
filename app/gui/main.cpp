// latentforge: the desktop application.
#include "core/util/OpenMpWaitPolicy.h"
#include "ui/MainWindow.h"
#include "ui/SurfaceFormat.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

#include "latentforge/Version.h"

int main(int argc, char** argv)
{
    lf::ensurePassiveOpenMpWaitPolicy(argv);
    // Before QApplication: every OpenGL context must be 3.2 core for VTK.
    lf::ui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("LatentForge"));
    QApplication::setApplicationName(QStringLiteral("LatentForge"));
    QApplication::setApplicationVersion(QString::fromLatin1(lf::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Explore trained generative models of product designs"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Meshes to open."),
                                 QStringLiteral("[files...]"));
    parser.process(app);

    lf::ui::MainWindow window;
    window.show();
    // One document per window: the last file given is the one shown.
    const QStringList files = parser.positionalArguments();
    if (files.size() > 1)
        std::fprintf(stderr, "latentforge: opening %s (one mesh at a time)\n", qPrintable(files.last()));
    if (!files.isEmpty())
        window.openFile(files.last());
    else
        window.loadDefaultShapeModel();  // starts on the default model's mean shape
    // After the first paint: the BLAS probe loads torch, which takes a moment.
    QTimer::singleShot(0, &window, [&window] { window.startBlasCheck(); });
    return app.exec();
}
