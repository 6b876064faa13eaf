// latentforge: the desktop application.
#include "core/util/OpenMpWaitPolicy.h"
#include "ui/MainWindow.h"
#include "ui/SurfaceFormat.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "latentforge/Version.h"

namespace {

void describeApplication(QCommandLineParser& parser)
{
    QCoreApplication::setOrganizationName(QStringLiteral("LatentForge"));
    QCoreApplication::setApplicationName(QStringLiteral("LatentForge"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(lf::kVersion));
    parser.setApplicationDescription(
        QStringLiteral("Explore trained generative models of product designs"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Meshes to open."),
                                 QStringLiteral("[files...]"));
}

// --help / --version print and exit: answered without a GUI application, so they work
// without a display (over ssh, in packaging scripts).
bool asksForInformationOnly(int argc, char** argv)
{
    return std::any_of(argv + 1, argv + argc, [](const char* a) {
        for (const char* option : {"-h", "--help", "--help-all", "-v", "--version", "-?"})
            if (std::strcmp(a, option) == 0) return true;
        return false;
    });
}

}  // namespace

int main(int argc, char** argv)
{
    if (asksForInformationOnly(argc, argv)) {
        QCoreApplication info(argc, argv);
        QCommandLineParser parser;
        describeApplication(parser);
        parser.process(info);  // prints and exits
        return 0;
    }
    lf::ensurePassiveOpenMpWaitPolicy(argv);
    // Before QApplication: every OpenGL context must be 3.2 core for VTK.
    lf::ui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QCommandLineParser parser;
    describeApplication(parser);
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
        window.loadDefaultShapeModel();  // starts on the default model's first family
    // After the first paint: the BLAS probe loads torch, which takes a moment.
    QTimer::singleShot(0, &window, [&window] { window.startBlasCheck(); });
    return app.exec();
}
