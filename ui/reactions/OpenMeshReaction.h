#pragma once
// File > Open: a file dialog filtered on what lf::importMesh reads, then a background load.
#include "ui/reactions/Reaction.h"

#include <QString>

class QWidget;

namespace lf::ui {

class MeshDocument;
class Preferences;

class OpenMeshReaction : public Reaction {
    Q_OBJECT
public:
    OpenMeshReaction(QAction* action, MeshDocument* document, Preferences* preferences,
                     QWidget* dialogParent);

    // "Meshes (*.stl *.obj ...);;All files (*)" from lf::importPatterns().
    static QString fileDialogFilter();
    // The code path after the dialog: remembers the folder and starts the load.
    void open(const QString& path);

protected:
    void onTriggered() override;

private:
    MeshDocument* document_;
    Preferences* preferences_;
    QWidget* dialogParent_;
};

}  // namespace lf::ui
