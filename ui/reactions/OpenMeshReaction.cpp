#include "ui/reactions/OpenMeshReaction.h"

#include "core/io/MeshImport.h"
#include "ui/MeshDocument.h"
#include "ui/Preferences.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QStringList>

namespace lf::ui {

OpenMeshReaction::OpenMeshReaction(QAction* action, MeshDocument* document,
                                   Preferences* preferences, QWidget* dialogParent)
    : Reaction(action), document_(document), preferences_(preferences), dialogParent_(dialogParent)
{
}

QString OpenMeshReaction::fileDialogFilter()
{
    QStringList patterns;
    for (const std::string& pattern : importPatterns()) patterns << QString::fromStdString(pattern);
    return QObject::tr("Meshes (%1);;All files (*)").arg(patterns.join(QLatin1Char(' ')));
}

void OpenMeshReaction::onTriggered()
{
    const QString path = QFileDialog::getOpenFileName(dialogParent_, tr("Open Mesh"),
                                                      preferences_->lastOpenDir(),
                                                      fileDialogFilter());
    if (!path.isEmpty()) open(path);
}

void OpenMeshReaction::open(const QString& path)
{
    preferences_->setLastOpenDir(QFileInfo(path).absolutePath());
    document_->load(path);
}

}  // namespace lf::ui
