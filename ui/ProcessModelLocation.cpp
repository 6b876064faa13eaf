#include "ui/ProcessModelLocation.h"

#include "latentforge/Version.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStringList>

namespace lf::ui {

QString findProcessModelDirectory(const QString& id) {
    QStringList folders = qEnvironmentVariable("LATENTFORGE_MODELS").split(QChar(':'), Qt::SkipEmptyParts);
    if (QCoreApplication::instance()) {
        folders << QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/latentforge/models"));
    }
    folders << QDir(QString::fromUtf8(kSourceDir)).filePath(QStringLiteral("models"));
    for (const auto& folder : folders) {
        const QFileInfo candidate(QDir(folder).filePath(id));
        if (candidate.isDir()) return QDir::cleanPath(candidate.absoluteFilePath());
    }
    return {};
}

}  // namespace lf::ui
