#include "ui/reactions/EncodeMeshReaction.h"

#include "ui/Preferences.h"
#include "ui/ShapeExplorer.h"
#include "ui/reactions/OpenMeshReaction.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>

namespace lf::ui {

EncodeMeshReaction::EncodeMeshReaction(QAction* action, ShapeExplorer* explorer,
                                       Preferences* preferences, QWidget* dialogParent)
    : Reaction(action), explorer_(explorer), preferences_(preferences), dialogParent_(dialogParent)
{
    action->setEnabled(explorer_->hasModel());
    connect(explorer_, &ShapeExplorer::modelChanged, action, [action] { action->setEnabled(true); });
    connect(explorer_, &ShapeExplorer::modelFailed, action, [this, action] {
        action->setEnabled(explorer_->hasModel());
    });
}

void EncodeMeshReaction::onTriggered()
{
    const QString path = QFileDialog::getOpenFileName(dialogParent_, tr("Encode Mesh into the Space"),
                                                      preferences_->lastOpenDir(),
                                                      OpenMeshReaction::fileDialogFilter());
    if (!path.isEmpty()) encode(path);
}

void EncodeMeshReaction::encode(const QString& path)
{
    preferences_->setLastOpenDir(QFileInfo(path).absolutePath());
    explorer_->encodeMesh(path);
}

}  // namespace lf::ui
